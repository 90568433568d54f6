"""The commissioners' review figures on the market dashboard and in a market statement data
block (issue 21), built through the services and reproducing the council papers exactly:

- Surrey, "Personalisation Update" (Adult Social Care Select Committee, 14 February 2013):
  "Where progress is recorded at review, 81% of people who use services and 75% of carers
  consider their outcomes are being achieved."
- Bath and North East Somerset, "Personal Budgets: Implementation of the National Resource
  Allocation System": "where there has been a change in the level of need requiring an
  “unscheduled review” 17 of 24 individuals (71%) were able to purchase their care and support
  within their new “estimated budget”."
"""

from decimal import Decimal

from django.core.cache import cache

import pytest
from bs4 import BeautifulSoup

from core.roles import Role
from market_statement.metrics import Options, compute
from marketplace.plans import services
from marketplace.plans.models import OutcomeOption, SupportPlan
from tests.factories import make_user
from tests.market_statement.conftest import data_block, publish_statement, statement_body

from .test_reviews import agreed_plan, record

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def reviewed(person, practitioner, django_capture_on_commit_callbacks):
    """81 of 100 people's outcomes achieved, 3 of 4 carers', 17 of 24 early reviews within
    the new estimate. The early reviews (one outcome each time, achieved when within the
    estimate) give 24 of the people's 100 outcomes and 17 of their 81 achieved; four plans of
    19 outcomes give the other 76, 64 achieved."""
    achieved = iter([True] * 64 + [False] * 12)
    for n in range(4):
        plan = agreed_plan(person, practitioner, outcomes=[f"Outcome {n}-{i}" for i in range(19)])
        record(
            practitioner,
            plan.reviews.get(),
            lambda i: "achieved" if next(achieved) else ["partly", "not-yet"][i % 2],
        )
    carer = agreed_plan(
        person,
        practitioner,
        plan_for=SupportPlan.PlanFor.CARER,
        outcomes=["Having breaks from caring", "Staying healthy", "Time for myself", "Work"],
    )
    record(practitioner, carer.reviews.get(), lambda i: "not-yet" if i == 3 else "achieved")
    changing = agreed_plan(person, practitioner, outcomes=["Stay at home"], budget=D("10.00"))
    # The plan costs £1.50 a week (a £78 garden membership): 17 estimates at or above it.
    for estimate in [D("1.50")] * 10 + [D("2.00")] * 7 + [D("1.49")] * 7:
        early = services.plan_request_review(user=person, plan=changing, reason="Needs changed")
        within = estimate >= D("1.50")
        record(
            practitioner,
            early,
            lambda i, within=within: "achieved" if within else "not-yet",
            decision="reassess",
            new_estimate=estimate,
        )


def rows_of(figures):
    return {row["label"]: (row["count"], row["of"], row["percent"]) for row in figures.rows}


def test_the_market_figures_reproduce_surrey_and_bath(reviewed):
    figures = compute("plan_reviews", Options())
    rows = rows_of(figures)
    assert rows["Outcomes achieved at review: people"] == (81, 100, "81")
    assert rows["Outcomes achieved at review: carers"] == (3, 4, "75")
    assert rows["Early (unscheduled) reviews within the new estimate"] == (17, 24, "71")
    assert rows["Reviews done"][0] == 4 + 1 + 24
    assert "for people in 81% (81 of 100) and for carers in 75% (3 of 4)" in figures.summary
    assert "Of 24 early reviews, those within the new estimate: 71% (17 of 24)" in figures.summary


def test_recording_a_review_moves_the_cached_dashboard_figures(
    client, person, practitioner, django_capture_on_commit_callbacks
):
    cache.clear()
    commissioner = make_user("cora@council.example", Role.COMMISSIONER)
    client.force_login(commissioner)

    def section():
        page = BeautifulSoup(client.get("/commissioning/dashboard/").content, "html.parser")
        return page.select_one("#dashboard-plan_reviews-heading").find_parent("section")

    assert "none recorded yet" in section().get_text(" ")
    plan = agreed_plan(person, practitioner, outcomes=["Stay at home", "See friends"])
    with django_capture_on_commit_callbacks(execute=True):
        record(practitioner, plan.reviews.get(), lambda i: "achieved" if i == 0 else "partly")
    text = " ".join(section().get_text(" ").split())
    assert "for people in 50% (1 of 2)" in text


def test_the_dashboard_section_is_for_commissioners(client, reviewed):
    client.force_login(make_user("pat2@example.org"))
    assert client.get("/commissioning/dashboard/").status_code == 403
    client.force_login(make_user("cora@council.example", Role.COMMISSIONER))
    page = BeautifulSoup(client.get("/commissioning/dashboard/").content, "html.parser")
    section = page.select_one("#dashboard-plan_reviews-heading").find_parent("section")
    cells = [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in section.select("tbody tr")
    ]
    assert ["Outcomes achieved at review: people", "81", "100", "81%"] in cells
    assert ["Outcomes achieved at review: carers", "3", "4", "75%"] in cells
    assert ["Early (unscheduled) reviews within the new estimate", "17", "24", "71%"] in cells
    csv_link = section.select_one("a[download]")["href"]
    body = client.get(csv_link).content.decode()
    assert "Outcomes achieved at review: people,81,100,81" in body


def test_a_statement_data_block_shows_the_review_figures(client, home_page, reviewed):
    cache.clear()
    statement = publish_statement(
        home_page,
        statement_body(data_block("plan_review_figures", "Are plans meeting outcomes?")),
    )
    page = BeautifulSoup(client.get(statement.url).content, "html.parser")
    section = next(
        s
        for s in page.select("section.app-mps-figures")
        if "Are plans meeting outcomes?" in s.find("h3").get_text()
    )
    text = " ".join(section.get_text(" ").split())
    assert "for carers in 75% (3 of 4)" in text
    assert section.find("svg") is not None
    rows = [" ".join(r.get_text(" ").split()) for r in section.select("tbody tr")]
    assert "Outcomes achieved at review: people 81 100 81%" in rows


def test_the_most_chosen_outcomes_in_public_come_only_from_the_councils_list(
    client, home_page, person
):
    """The statement is public: it counts the plans choosing each outcome on the council's list
    and never prints an outcome a person wrote in their own words, however often it is chosen;
    the commissioners' own page lists both."""
    cache.clear()
    safe, community = (
        OutcomeOption.objects.get(name=name)
        for name in ("Staying safe", "Being part of the community")
    )
    own_words = "Visit my daughter Sarah in Ludlow"
    for options in ([safe, community], [safe], [safe], []):
        plan = services.plan_create(user=person, person_name="Jane")
        services.plan_set_outcomes(user=person, plan=plan, options=options, outcomes=[own_words])

    rows = rows_of(compute("plan_reviews", Options()))
    chosen = {label: count for label, (count, _, _) in rows.items() if "Chosen" in label}
    assert chosen == {
        "Chosen outcome: Staying safe": 3,
        "Chosen outcome: Being part of the community": 1,
    }

    statement = publish_statement(
        home_page, statement_body(data_block("plan_review_figures", "Are plans meeting outcomes?"))
    )
    text = BeautifulSoup(client.get(statement.url).content, "html.parser").get_text(" ")
    assert "Chosen outcome: Staying safe" in " ".join(text.split())
    assert "Sarah" not in text

    client.force_login(make_user("cora@council.example", Role.COMMISSIONER))
    figures_page = client.get("/commissioning/plans/reviews/").content.decode()
    assert own_words in figures_page
