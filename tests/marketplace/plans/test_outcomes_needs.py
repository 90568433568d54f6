"""Needs and outcomes that connect (issue 21): outcomes from the council's list (a snippet) or
in the person's own words, the needs to be met, which outcomes each line serves, and what
happens if something goes wrong. The starting list holds the top outcomes in the Surrey paper
("Personalisation Update", 2013): "Staying independent and maximising potential", "Maintaining
personal dignity", "Staying safe"; for carers "Having breaks from caring", "Staying
healthy/reducing stress", "Having leisure activities / time to myself"."""

import csv
import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from core.roles import Role
from marketplace.plans import services
from marketplace.plans.models import OutcomeOption, PlanOutcome
from tests.factories import make_user

from .conftest import soup, text_of

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def plan(person):
    return services.plan_create(user=person, person_name="Jane")


def option(name):
    return OutcomeOption.objects.get(name=name)


def test_the_starting_list_is_the_surrey_papers_top_outcomes():
    people = list(OutcomeOption.objects.filter(audience="person").values_list("name", flat=True))
    carers = list(OutcomeOption.objects.filter(audience="carer").values_list("name", flat=True))
    assert people[:3] == [
        "Staying independent and maximising potential",
        "Maintaining personal dignity",
        "Staying safe",
    ]
    assert "Being part of the community" in people
    assert carers == [
        "Having breaks from caring",
        "Staying healthy/reducing stress",
        "Having leisure activities / time to myself",
    ]


def test_chosen_and_own_words_outcomes_and_needs(person, plan):
    services.plan_set_outcomes(
        user=person,
        plan=plan,
        options=[option("Being part of the community"), option("Staying safe")],
        outcomes=["To do baking at home", "staying safe"],  # a repeat of a chosen one goes
        needs=["  Someone with me  when I go out ", "", "Help to manage my symptoms"],
    )
    plan.refresh_from_db()
    assert plan.outcomes == ["Being part of the community", "Staying safe", "To do baking at home"]
    assert plan.needs == ["Someone with me when I go out", "Help to manage my symptoms"]
    items = list(plan.outcome_items.values_list("option__name", "text"))
    assert items == [
        ("Being part of the community", "Being part of the community"),
        ("Staying safe", "Staying safe"),
        (None, "To do baking at home"),
    ]


def test_an_outcome_kept_keeps_the_lines_that_serve_it(person, plan):
    services.plan_set_outcomes(
        user=person, plan=plan, options=[option("Staying safe")], outcomes=["Baking"]
    )
    line = services.plan_add_informal_line(user=person, plan=plan, description="Bill")
    services.plan_set_line_outcomes(user=person, line=line, outcomes=plan.outcome_items.all())
    services.plan_set_outcomes(
        user=person, plan=plan, options=[option("Staying safe")], outcomes=["Gardening"]
    )
    assert [o.text for o in line.serves.all()] == ["Staying safe"]
    assert PlanOutcome.objects.filter(plan=plan).count() == 2


def test_limits_and_retired_options(person, plan):
    retired = option("Staying safe")
    retired.active = False
    retired.save()
    with pytest.raises(ValidationError, match="can no longer be chosen"):
        services.plan_set_outcomes(user=person, plan=plan, options=[retired])
    with pytest.raises(ValidationError, match="up to 20"):
        services.plan_set_outcomes(
            user=person,
            plan=plan,
            options=list(OutcomeOption.objects.filter(active=True)),
            outcomes=[f"o{i}" for i in range(15)],
        )
    with pytest.raises(ValidationError, match="Need 1 is too long"):
        services.plan_set_outcomes(user=person, plan=plan, needs=["x" * 301])
    with pytest.raises(ValidationError, match="2,000 characters"):
        services.plan_set_contingency(user=person, plan=plan, contingency="x" * 2001)


def test_a_line_serves_only_its_own_plans_outcomes(person, plan):
    other = services.plan_create(user=person, person_name="Bill")
    services.plan_set_outcomes(user=person, plan=other, outcomes=["Work"])
    line = services.plan_add_informal_line(user=person, plan=plan, description="Bill")
    with pytest.raises(ValidationError, match="this plan"):
        services.plan_set_line_outcomes(user=person, line=line, outcomes=other.outcome_items.all())


def test_who_may_write_outcomes_contingency_and_links(person, stranger, plan):
    line = services.plan_add_informal_line(user=person, plan=plan, description="Bill")
    with pytest.raises(PermissionDenied):
        services.plan_set_outcomes(user=stranger, plan=plan, outcomes=["x"])
    with pytest.raises(PermissionDenied):
        services.plan_set_contingency(user=stranger, plan=plan, contingency="x")
    with pytest.raises(PermissionDenied):
        services.plan_set_line_outcomes(user=stranger, line=line, outcomes=[])


def page_urls(plan, line):
    return [
        f"/plans/{plan.uuid}/outcomes/",
        f"/plans/{plan.uuid}/contingency/",
        f"/plans/{plan.uuid}/lines/{line.pk}/outcomes/",
    ]


def test_the_pages_permissions(client, home_page, person, stranger, plan):
    line = services.plan_add_informal_line(user=person, plan=plan, description="Bill")
    viewer = make_user("v@example.org")
    share = services.plan_share(user=person, plan=plan, name="V", email=viewer.email, access="view")
    services.plan_share_accept(user=viewer, share=share)
    for url in page_urls(plan, line):
        assert client.get(url).status_code == 302
        for user, status in ((stranger, 404), (viewer, 403), (person, 200)):
            client.force_login(user)
            assert client.get(url).status_code == status, (url, user)
            if status != 200:
                assert client.post(url, {"contingency": "x"}).status_code == status
        client.logout()
    plan.refresh_from_db()
    assert plan.contingency == ""


def test_choosing_and_linking_through_the_pages(sign_in, home_page, person, plan, practitioner):
    client = sign_in(person)
    response = client.post(
        f"/plans/{plan.uuid}/outcomes/",
        {
            "options": [option("Being part of the community").pk],
            "outcomes": "To do baking at home",
            "needs": "Someone with me when I go out",
        },
    )
    assert response.status_code == 302
    line = services.plan_add_membership_line(
        user=person, plan=plan, description="Garden", yearly_cost=D("78.00")
    )
    community = plan.outcome_items.get(text="Being part of the community")
    response = client.post(
        f"/plans/{plan.uuid}/lines/{line.pk}/outcomes/", {"outcomes": [community.pk]}
    )
    assert response.status_code == 302
    client.post(
        f"/plans/{plan.uuid}/contingency/",
        {"contingency": "If my PA is ill, Bill works from home and calls the agency."},
    )

    for path in ("", "print/"):
        page = soup(client.get(f"/plans/{plan.uuid}/{path}"))
        outcomes = text_of(page.select_one("#outcomes" if not path else "main"))
        assert "Being part of the community" in outcomes and "To do baking at home" in outcomes
        assert text_of(page.select_one(f"#line-{line.pk}-serves")) == (
            "Serves: Being part of the community"
        )
        assert [text_of(li) for li in page.select("#needs li")] == ["Someone with me when I go out"]
        assert "If my PA is ill" in text_of(page.select_one("#contingency"))
    rows = list(
        csv.reader(io.StringIO(client.get(f"/plans/{plan.uuid}/plan.csv").content.decode()))
    )
    by_first = {row[0]: row for row in rows if row}
    assert by_first["Garden"][-1] == "Being part of the community"
    assert by_first["If something goes wrong"][1].startswith("If my PA is ill")
    assert ["Someone with me when I go out"] in rows


def test_an_outcome_of_another_plan_is_an_error_on_the_form(sign_in, home_page, person, plan):
    other = services.plan_create(user=person, person_name="Bill")
    services.plan_set_outcomes(user=person, plan=other, outcomes=["Work"])
    line = services.plan_add_informal_line(user=person, plan=plan, description="Bill")
    response = sign_in(person).post(
        f"/plans/{plan.uuid}/lines/{line.pk}/outcomes/",
        {"outcomes": [other.outcome_items.get().pk]},
    )
    assert "Choose outcomes from the plan" in text_of(
        soup(response).select_one(".govuk-error-summary")
    )


def test_council_editors_keep_the_list_in_the_admin(client, home_page):
    url = "/admin/snippets/plans/outcomeoption/"
    client.force_login(make_user("editor@council.example", Role.EDITOR))
    assert client.get(url).status_code == 200
    response = client.post(
        url + "add/",
        {"name": "Getting out and about", "audience": "person", "sort_order": 9, "active": "on"},
    )
    assert response.status_code == 302
    assert OutcomeOption.objects.filter(name="Getting out and about").exists()
    existing = option("Staying safe")
    assert client.get(f"{url}delete/{existing.pk}/").status_code in (302, 403)
    assert OutcomeOption.objects.filter(pk=existing.pk).exists()
    client.force_login(make_user("pat2@example.org"))
    assert client.get(url).status_code in (302, 403)
