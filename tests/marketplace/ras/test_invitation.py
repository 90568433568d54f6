"""The plan belongs to the person (issue 17; Think Local Act Personal, "Personalised care and
support planning: the Care Act and beyond": the plan belongs to the person). A practitioner
sends the assessment they recorded to the person by e-mail; signed in with that address the
person opens it and starts their own plan from it."""

import re

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

import pytest
from bs4 import BeautifulSoup

from core.roles import Role
from marketplace.plans.models import SupportPlan
from marketplace.plans.selectors import council_funded
from marketplace.ras import services
from marketplace.ras.models import Assessment
from tests.factories import make_user

from .conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.fixture
def recorded(scheme, practitioner):
    return services.assessment_create(
        user=practitioner,
        person_name="Jo Bloggs",
        client_group="physical-disability",
        answers=services.AnswerInput(choices=FULL_ANSWERS),
    )


def test_the_person_opens_their_assessment_and_starts_their_own_plan(
    client, home_page, recorded, practitioner, django_capture_on_commit_callbacks
):
    jo = make_user("jo@example.org")
    client.force_login(practitioner)
    result = client.get(f"/budget/estimate/result/{recorded.uuid}/")
    assert "Send the assessment to Jo Bloggs" in text_of(result)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/budget/assessments/{recorded.uuid}/send/", {"email": "jo@example.org"}
        )
    assert response["Location"] == f"/budget/estimate/result/{recorded.uuid}/"
    [message] = mail.outbox
    assert message.to == ["jo@example.org"]
    recorded.refresh_from_db()
    path = recorded.invitation_path
    assert path in message.body and "Jo Bloggs" in message.body  # a verified account: named

    # Only the invited address opens it; the link only asks.
    assert client.get(path).status_code == 403  # the practitioner is not Jo
    client.logout()
    assert client.get(path)["Location"].startswith("/accounts/login/")
    stranger = make_user("someone@example.org")
    client.force_login(stranger)
    refused = client.get(path)
    assert refused.status_code == 403
    # Whoever holds the link learns only a hint of the address it was sent to.
    assert "jo@example.org" not in refused.content.decode()
    assert "sent to another email address (j•••@e•••.org)" in text_of(refused)
    refused_post = client.post(path)
    assert refused_post.status_code == 403
    assert "jo@example.org" not in refused_post.content.decode()
    assert client.get(f"/budget/estimate/result/{recorded.uuid}/").status_code == 404

    client.force_login(jo)
    assert client.get(f"/budget/estimate/result/{recorded.uuid}/").status_code == 404
    page = client.get(path)
    assert page.status_code == 200 and "Open my assessment" in text_of(page)
    recorded.refresh_from_db()
    assert recorded.person is None
    assert client.post(path)["Location"] == f"/budget/estimate/result/{recorded.uuid}/"
    recorded.refresh_from_db()
    assert recorded.person == jo and recorded.person_joined_at

    result = client.get(f"/budget/estimate/result/{recorded.uuid}/")
    assert "Start a support plan with this budget" in text_of(result)
    form = BeautifulSoup(
        client.get(f"/plans/new/?assessment={recorded.uuid}").content, "html.parser"
    )
    assert form.select_one("input[name=budget]")["value"] == str(recorded.weekly_budget)
    response = client.post(
        "/plans/new/",
        {
            "assessment": str(recorded.uuid),
            "person_name": "Jo Bloggs",
            "budget": str(recorded.weekly_budget),
            "budget_source": "ras",
            "money_management": "direct-payment",
        },
    )
    plan = SupportPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert plan.owner == jo and plan.assessment == recorded and council_funded(plan)
    # A second person cannot use the link once Jo has.
    client.force_login(stranger)
    assert client.post(path).status_code == 403


def test_only_the_recording_practitioner_sends_it(
    client, home_page, recorded, practitioner, scheme
):
    other = make_user("", Role.PRACTITIONER)
    url = f"/budget/assessments/{recorded.uuid}/send/"
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "x@example.org"}).status_code == 404
    client.force_login(make_user(""))
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.assessment_invite(user=other, assessment=recorded, email="x@example.org")
    client.force_login(practitioner)
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "not an address"})
    assert "Enter an email address like name@example.com" in text_of(response)
    assert not Assessment.objects.get().invited_at


def test_a_new_invitation_replaces_the_last(recorded, practitioner):
    first = services.assessment_invite(
        user=practitioner, assessment=recorded, email="jo@example.org"
    ).invitation_token
    second = services.assessment_invite(
        user=practitioner, assessment=recorded, email="jo@example.org"
    ).invitation_token
    assert first != second
    assert not Assessment.objects.filter(invitation_token=first).exists()
    anonymous = services.assessment_create(
        user=None, answers=services.AnswerInput(choices=FULL_ANSWERS)
    )
    with pytest.raises(PermissionDenied):
        services.assessment_invite(user=practitioner, assessment=anonymous, email="a@example.org")
    assert re.fullmatch(r"/budget/assessments/invitations/[0-9a-f-]{36}/", recorded.invitation_path)
    with pytest.raises(ValidationError):
        services.assessment_invite(user=practitioner, assessment=recorded, email="")


def test_a_practitioners_plan_is_handed_to_the_person_who_keeps_it(
    client, home_page, recorded, practitioner
):
    from marketplace.plans import services as plans

    jo = make_user("jo@example.org")
    plan = plans.plan_create(
        user=practitioner,
        person_name="Jo Bloggs",
        budget=recorded.weekly_budget,
        budget_source="ras",
        assessment=recorded,
    )
    client.force_login(practitioner)
    page = client.get(plan.get_absolute_url())
    assert "Hand the plan to" not in text_of(page)  # Jo has not opened the assessment yet
    with pytest.raises(ValidationError, match="not opened their assessment"):
        plans.plan_hand_over(user=practitioner, plan=plan)
    services.assessment_invite(user=practitioner, assessment=recorded, email="jo@example.org")
    services.assessment_claim(user=jo, assessment=recorded)
    assert "Hand the plan to Jo Bloggs" in text_of(client.get(plan.get_absolute_url()))
    # Nobody but the owner hands it over.
    for user in (jo, make_user("", Role.PRACTITIONER)):
        client.force_login(user)
        assert client.post(f"/plans/{plan.uuid}/hand-over/").status_code in (403, 404)
    client.force_login(practitioner)
    client.post(f"/plans/{plan.uuid}/hand-over/")
    plan.refresh_from_db()
    assert plan.owner == jo
    # The practitioner keeps access by a share and may still change the plan.
    page = client.get(f"/plans/{plan.uuid}/edit/")
    assert page.status_code == 200
    assert plan.shares.get(user=practitioner).access == "edit"
    assert plan.events.last().kind == "handed-over"
    client.force_login(jo)
    assert "Jo Bloggs" in text_of(client.get("/plans/"))
    assert client.get(f"/plans/{plan.uuid}/delete/").status_code == 200  # the owner's page
