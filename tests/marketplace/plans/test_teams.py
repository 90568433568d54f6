"""Practitioners work as a team (issue 17): a plan made from an assessment of a practitioner
team is the team's case. Every practitioner in the team finds it, opens it, changes it and may
agree it (never its owner); a practitioner outside the team, or someone in the team who is no
longer a practitioner, cannot."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied

import pytest

from core.roles import Role, user_revoke_role
from marketplace.plans import services
from marketplace.plans.models import SupportPlan
from marketplace.ras.models import Assessment, SchemeVersion

from .conftest import soup, text_of

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def assessment(practitioner, team):
    scheme = SchemeVersion.objects.create(name="Test RAS", status=SchemeVersion.Status.ACTIVE)
    return Assessment.objects.create(
        scheme_version=scheme,
        points=D("24"),
        money_per_point=D("15.56"),
        weekly_budget=D("373.53"),
        person_name="Pat",
        client_group="older-people",
        recorded_by=practitioner,
        team=team,
    )


@pytest.fixture
def plan(practitioner, assessment, service, hourly):
    """The recording practitioner's plan from the team's assessment: 24 hours of home care at
    £15.56 (£373.44 against £373.53, within tolerance), submitted."""
    plan = services.plan_create(
        user=practitioner,
        person_name="Pat",
        budget=assessment.weekly_budget,
        budget_source="ras",
        assessment=assessment,
    )
    services.plan_set_outcomes(user=practitioner, plan=plan, outcomes=["Stay at home"])
    services.plan_add_service_line(
        user=practitioner, plan=plan, service=service, price_option=hourly, quantity=D("24")
    )
    return plan


def test_a_colleague_in_the_team_finds_opens_and_changes_the_plan(sign_in, plan, colleague):
    client = sign_in(colleague)
    listing = soup(client.get("/plans/"))
    assert "Plan for Pat" in text_of(listing.select_one("#team-plans"))
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200
    assert "an assessment of your team, Ludlow community team" in text_of(
        soup(page).select_one("#team-access")
    )
    response = client.post(
        f"/plans/{plan.uuid}/lines/add-support/", {"description": "Lunch club on Tuesdays"}
    )
    assert response.status_code == 302
    assert plan.lines.filter(description="Lunch club on Tuesdays").exists()


def test_a_colleague_agrees_the_plan_the_recorder_cannot(plan, practitioner, colleague):
    services.plan_submit(user=practitioner, plan=plan)
    with pytest.raises(PermissionDenied, match="your own plan"):
        services.plan_agree(user=practitioner, plan=plan)
    services.plan_agree(user=colleague, plan=plan)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED and plan.agreed_by == colleague


def test_a_practitioner_outside_the_team_cannot_find_open_change_or_agree(
    sign_in, plan, practitioner, outsider
):
    client = sign_in(outsider)
    assert "Plan for Pat" not in text_of(soup(client.get("/plans/")))
    assert client.get(plan.get_absolute_url()).status_code == 404
    response = client.post(f"/plans/{plan.uuid}/lines/add-support/", {"description": "Lunch"})
    assert response.status_code == 404
    assert not plan.lines.filter(description="Lunch").exists()
    services.plan_submit(user=practitioner, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_agree(user=outsider, plan=plan)


def test_a_team_member_who_is_no_longer_a_practitioner_loses_the_teams_plans(
    sign_in, plan, colleague
):
    user_revoke_role(user=colleague, role=Role.PRACTITIONER)
    client = sign_in(colleague)
    assert "Plan for Pat" not in text_of(soup(client.get("/plans/")))
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_the_persons_own_plan_from_the_teams_assessment_is_the_teams_case(
    sign_in, assessment, person, colleague, outsider
):
    plan = services.plan_create(
        user=person,
        person_name="Pat",
        budget=assessment.weekly_budget,
        budget_source="ras",
        assessment=assessment,
    )
    assert sign_in(colleague).get(plan.get_absolute_url()).status_code == 200
    assert sign_in(outsider).get(plan.get_absolute_url()).status_code == 404


def test_a_colleague_starts_a_plan_from_the_teams_assessment(
    sign_in, assessment, colleague, outsider
):
    """The assessment's figure fills in the new plan for a colleague; an outsider's form has
    no budget from it."""
    path = f"/plans/new/?assessment={assessment.uuid}"
    colleague_form = soup(sign_in(colleague).get(path))
    assert colleague_form.select_one("input[name=budget]")["value"] == "373.53"
    outsider_form = soup(sign_in(outsider).get(path))
    assert not outsider_form.select_one("input[name=budget]").get("value")
