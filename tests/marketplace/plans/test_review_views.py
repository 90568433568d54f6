"""The review pages (issue 21): who may ask for an early review, who records one, what the
plan page, print view and CSV show, and the commissioners' figures page (the Surrey paper's
"81% of people who use services ... consider their outcomes are being achieved")."""

from datetime import date
from decimal import Decimal

import pytest

from core.roles import Role
from marketplace.plans import services
from marketplace.plans.models import PlanReview
from tests.factories import make_user

from .conftest import soup, text_of
from .test_reviews import agreed_plan, record

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def plan(person, practitioner):
    return agreed_plan(
        person, practitioner, outcomes=["Stay at home", "See friends"], budget=D("373.53")
    )


def test_who_may_ask_for_an_early_review(client, home_page, plan, person, stranger, practitioner):
    url = f"/plans/{plan.uuid}/reviews/ask/"
    data = {"reason": "Bill works longer hours now."}
    assert client.get(url).status_code == 302  # sign in first
    for user, status in ((stranger, 404), (practitioner, 403)):  # view-only share
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, data).status_code == status
    assert not plan.reviews.filter(kind="unscheduled").exists()
    client.force_login(person)
    response = client.post(url, {"reason": ""})
    assert "Say what has changed" in text_of(soup(response).select_one(".govuk-error-summary"))
    assert client.post(url, data).status_code == 302
    assert plan.reviews.filter(kind="unscheduled").count() == 1


def test_who_may_record_a_review_and_the_error_summary(
    client, home_page, plan, person, stranger, practitioner
):
    review = plan.reviews.get()
    url = f"/plans/{plan.uuid}/reviews/{review.pk}/record/"
    other = make_user("other@council.example", Role.PRACTITIONER)
    for user, status in ((stranger, 404), (other, 404), (person, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, {"decision": "continue"}).status_code == status
    client.force_login(practitioner)
    page = soup(client.get(url))
    assert [text_of(legend) for legend in page.select("legend")][:2] == [
        "Stay at home",
        "See friends",
    ]
    first, second = plan.outcome_items.all()
    response = client.post(url, {f"outcome_{first.pk}": "achieved", "cost_in_period": "abc"})
    summary = text_of(soup(response).select_one(".govuk-error-summary"))
    assert "Say how 'See friends' is going" in summary
    assert "the cost in the period as an amount of money" in summary
    assert "Record the decision" in summary
    response = client.post(
        url,
        {
            f"outcome_{first.pk}": "achieved",
            f"outcome_{second.pk}": "partly",
            "changes": "Add Fridays",
            "cost_in_period": "3,120.00",
            "person_view": "I get out more.",
            "decision": "continue",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "done" and review.cost_in_period == D("3120.00")
    # A recorded review cannot be recorded again.
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("path", ["", "print/"])
def test_the_plan_print_view_and_csv_show_review_dates_and_results(
    sign_in, home_page, plan, person, practitioner, path
):
    review = plan.reviews.get()
    record(
        practitioner,
        review,
        lambda i: "achieved",
        decision="reassess",
        new_estimate=D("420.00"),
        today=date(2026, 3, 1),
    )
    page = soup(sign_in(person).get(f"/plans/{plan.uuid}/{path}"))
    done = text_of(page.select_one(f"#review-{review.pk}"))
    assert review.due_on.strftime("%-d %B %Y") in done
    assert "Stay at home: Achieved" in done
    assert "New estimate £420 a week, beside the previous budget of £373.53" in done
    nxt = plan.reviews.pending().get()
    assert "1 March 2027" in text_of(page.select_one(f"#review-{nxt.pk}"))
    csv_text = sign_in(person).get(f"/plans/{plan.uuid}/plan.csv").content.decode()
    assert f"Scheduled review,{review.due_on.isoformat()},Done,2026-03-01," in csv_text
    assert "Scheduled review,2027-03-01,To do" in csv_text


def test_only_the_practitioner_sees_the_record_link(sign_in, home_page, plan, person, practitioner):
    review = plan.reviews.get()
    link = f"/plans/{plan.uuid}/reviews/{review.pk}/record/"
    assert soup(sign_in(practitioner).get(plan.get_absolute_url())).select_one(f'a[href="{link}"]')
    page = soup(sign_in(person).get(plan.get_absolute_url()))
    assert page.select_one(f'a[href="{link}"]') is None
    assert page.select_one(f'a[href="/plans/{plan.uuid}/reviews/ask/"]')


def test_the_commissioners_figures_page(client, home_page, person, practitioner):
    url = "/commissioning/plans/reviews/"
    for user in (person, practitioner):
        client.force_login(user)
        assert client.get(url).status_code == 403
    plan = agreed_plan(person, practitioner, outcomes=[f"Outcome {i}" for i in range(20)])
    record(practitioner, plan.reviews.get(), lambda i: "achieved" if i < 16 else "partly")
    client.force_login(make_user("cara@council.example", Role.COMMISSIONER))
    page = soup(client.get(url))
    assert text_of(page.select_one("#share-people")) == (
        "Outcomes achieved at review: people 16 of 20 80%"
    )
    assert "No reviews yet" in text_of(page.select_one("#share-carers"))
    assert text_of(page.select_one("#reviews-done")) == "1"
    assert PlanReview.objects.pending().count() == 1


def test_the_figures_page_has_bounded_queries(
    client, home_page, person, practitioner, django_assert_max_num_queries
):
    for _ in range(3):
        plan = agreed_plan(person, practitioner, outcomes=["A", "B"])
        record(practitioner, plan.reviews.get(), lambda i: "achieved")
    client.force_login(make_user("cara@council.example", Role.COMMISSIONER))
    with django_assert_max_num_queries(16):
        assert client.get("/commissioning/plans/reviews/").status_code == 200


def test_an_early_review_on_a_draft_plan_is_explained(sign_in, home_page, person):
    plan = services.plan_create(user=person, person_name="Jane")
    response = sign_in(person).post(f"/plans/{plan.uuid}/reviews/ask/", {"reason": "Changed"})
    assert "agreed plan" in text_of(soup(response).select_one(".govuk-error-summary"))
