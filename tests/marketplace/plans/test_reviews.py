"""Reviews of agreed plans (issue 21): dates set on agreement, reminders once per due review,
the review record, early reviews, and the figures commissioners see, reproducing the Surrey
paper ("Personalisation Update", 2013: "81% of people who use services and 75% of carers
consider their outcomes are being achieved") and the Bath and North East Somerset RAS pilot
report ("17 of 24 individuals (71%) were able to purchase their care and support within their
new “estimated budget”" at unscheduled review)."""

import io
from datetime import date, timedelta
from decimal import Decimal

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

import pytest

from core.roles import Role
from marketplace.plans import reviews, selectors, services
from marketplace.plans.models import PlanReview, SupportPlan
from tests.factories import make_user

pytestmark = pytest.mark.django_db

D = Decimal
AGREED_ON = date(2026, 1, 12)


def agreed_plan(
    person, practitioner, *, outcomes=("Stay at home",), plan_for="person", budget=None
):
    plan = services.plan_create(
        user=person,
        person_name="Jane",
        plan_for=plan_for,
        budget=budget,
        # The person's own figure: a council-funded plan this far from its budget would need
        # the panel (test_sign_off); these tests are about the reviews after agreement.
        budget_source="own" if budget is not None else "",
    )
    services.plan_set_outcomes(user=person, plan=plan, outcomes=list(outcomes))
    services.plan_add_membership_line(
        user=person, plan=plan, description="Garden", yearly_cost=D("78.00")
    )
    services.plan_submit(user=person, plan=plan)
    share = services.plan_share(
        user=person, plan=plan, name="Sam", email=practitioner.email, access="view"
    )
    services.plan_share_accept(user=practitioner, share=share)
    services.plan_agree(user=practitioner, plan=plan)
    return plan


def record(practitioner, review, progress_for, **overrides):
    items = list(review.plan.outcome_items.all())
    fields = {
        "progress": {item.pk: progress_for(i) for i, item in enumerate(items)},
        "changes": "",
        "cost_in_period": D("600.00"),
        "person_view": "It is going well.",
        "decision": "continue",
        **overrides,
    }
    return services.plan_record_review(user=practitioner, review=review, **fields)


@pytest.mark.parametrize(
    ("agreed", "weeks", "first"),
    [(AGREED_ON, 6, date(2026, 2, 23)), (AGREED_ON, 8, date(2026, 3, 9))],
)
def test_the_first_review_falls_6_to_8_weeks_after_agreement(agreed, weeks, first):
    assert reviews.first_review_due(agreed, weeks) == first
    with pytest.raises(ValueError):
        reviews.first_review_due(agreed, 9)


@pytest.mark.parametrize(
    ("reviewed", "months", "due"),
    [
        (date(2026, 2, 23), 12, date(2027, 2, 23)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_later_reviews_at_least_every_12_months(reviewed, months, due):
    assert reviews.next_review_due(reviewed, months) == due


@pytest.mark.parametrize(
    ("due", "state"),
    [
        (date(2026, 3, 1), "overdue"),
        (date(2026, 3, 2), "due"),
        (date(2026, 3, 16), "due"),
        (date(2026, 3, 17), "scheduled"),
    ],
)
def test_review_states(due, state):
    assert reviews.review_state(due, date(2026, 3, 2), 14) == state


def test_review_dates_are_set_on_agreement(person, practitioner, settings):
    settings.PLANS_FIRST_REVIEW_WEEKS = 8
    plan = agreed_plan(person, practitioner)
    review = plan.reviews.get()
    assert review.kind == "scheduled" and review.status == "pending"
    assert review.due_on == plan.agreed_at.date() + timedelta(weeks=8)


def test_the_reminder_command_emails_once_per_due_review(
    person, practitioner, django_capture_on_commit_callbacks, settings
):
    settings.PLANS_REVIEW_REMIND_DAYS = 14
    plan = agreed_plan(person, practitioner)
    review = plan.reviews.get()
    mail.outbox.clear()
    too_early = review.due_on - timedelta(days=15)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_review_reminders(today=too_early) == 0
    assert mail.outbox == []

    PlanReview.objects.filter(pk=review.pk).update(due_on=date.today() + timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders", stdout=io.StringIO())
        call_command("send_review_reminders", stdout=io.StringIO())
    # Once for this review: one e-mail each, so neither sees the other's address.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([person.email, practitioner.email])
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    assert "review of the support plan for Jane" in message.subject
    assert plan.get_absolute_url() in message.body


def test_a_plan_no_longer_agreed_gets_no_reminder(
    person, practitioner, django_capture_on_commit_callbacks
):
    plan = agreed_plan(person, practitioner)
    services.plan_return_to_draft(user=practitioner, plan=plan)
    PlanReview.objects.update(due_on=date.today())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_review_reminders() == 0
    assert mail.outbox == []


def test_a_review_record_and_the_next_date(person, practitioner):
    plan = agreed_plan(
        person, practitioner, outcomes=["Stay at home", "See friends"], budget=D("373.53")
    )
    first = plan.reviews.get()
    done = record(
        practitioner,
        first,
        lambda i: ["achieved", "partly"][i],
        changes="Two more hours on Fridays",
        decision="change",
        today=date(2026, 3, 1),
    )
    assert done.status == "done" and done.reviewed_by == practitioner
    assert [(o.text, o.progress) for o in done.outcomes.all()] == [
        ("Stay at home", "achieved"),
        ("See friends", "partly"),
    ]
    assert done.weekly_cost == D("1.50") and done.previous_budget == D("373.53")
    nxt = plan.reviews.pending().get()
    assert nxt.due_on == date(2027, 3, 1)


def test_what_a_review_must_say(person, practitioner):
    plan = agreed_plan(person, practitioner, outcomes=["Stay at home", "See friends"])
    review = plan.reviews.get()
    with pytest.raises(ValidationError) as error:
        services.plan_record_review(
            user=practitioner,
            review=review,
            progress={plan.outcome_items.first().pk: "achieved"},
            changes="",
            cost_in_period=None,
            person_view="",
            decision="",
        )
    fields = error.value.message_dict
    second = plan.outcome_items.last()
    assert "See friends" in fields[f"outcome_{second.pk}"][0]
    assert "decision" in fields and "cost_in_period" in fields
    review.refresh_from_db()
    assert review.status == "pending"


def test_only_a_practitioner_the_plan_is_shared_with_records_a_review(
    person, practitioner, stranger
):
    plan = agreed_plan(person, practitioner)
    review = plan.reviews.get()
    for user in (person, stranger):
        with pytest.raises(PermissionDenied):
            record(user, review, lambda i: "achieved")
    other_practitioner = make_user("other@council.example", Role.PRACTITIONER)
    with pytest.raises(PermissionDenied):
        record(other_practitioner, review, lambda i: "achieved")
    record(practitioner, review, lambda i: "achieved")
    with pytest.raises(ValidationError, match="already been recorded"):
        record(practitioner, review, lambda i: "achieved")


def test_an_early_review_when_things_change(
    person, practitioner, stranger, django_capture_on_commit_callbacks
):
    plan = agreed_plan(person, practitioner, budget=D("373.53"))
    with pytest.raises(PermissionDenied):
        services.plan_request_review(user=stranger, plan=plan, reason="x")
    with pytest.raises(PermissionDenied):
        services.plan_request_review(user=practitioner, plan=plan, reason="x")  # view only
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        early = services.plan_request_review(
            user=person, plan=plan, reason="Bill has changed jobs and works longer hours."
        )
    assert early.kind == "unscheduled" and early.due_on == date.today()
    assert [m.to for m in mail.outbox] == [[practitioner.email]]
    with pytest.raises(ValidationError, match="already been asked"):
        services.plan_request_review(user=person, plan=plan, reason="again")
    done = record(
        practitioner, early, lambda i: "partly", decision="reassess", new_estimate=D("420.00")
    )
    # The new estimate is kept beside the budget it replaces.
    assert (done.previous_budget, done.new_estimate) == (D("373.53"), D("420.00"))


def test_a_draft_plan_cannot_ask_for_a_review(person):
    plan = services.plan_create(user=person, person_name="Jane")
    with pytest.raises(ValidationError, match="agreed plan"):
        services.plan_request_review(user=person, plan=plan, reason="x")


def test_outcomes_achieved_at_review_reproduce_the_surrey_figures(person, practitioner):
    """81 of 100 outcomes achieved for people (81%), 3 of 4 for carers (75%)."""
    achieved = iter([True] * 81 + [False] * 19)
    for n in range(5):
        plan = agreed_plan(person, practitioner, outcomes=[f"Outcome {n}-{i}" for i in range(20)])
        record(
            practitioner,
            plan.reviews.get(),
            lambda i: "achieved" if next(achieved) else ["partly", "not-yet"][i % 2],
        )
    carer = agreed_plan(
        person,
        practitioner,
        plan_for=SupportPlan.PlanFor.CARER,
        outcomes=["Having breaks from caring", "Staying healthy/reducing stress", "Time", "Work"],
    )
    before = selectors.review_figures()
    assert before.achieved_carers.percent is None
    record(practitioner, carer.reviews.get(), lambda i: "not-yet" if i == 3 else "achieved")

    figures = selectors.review_figures()
    assert (figures.achieved_people.part, figures.achieved_people.whole) == (81, 100)
    assert figures.achieved_people.percent == 81
    assert (figures.achieved_carers.part, figures.achieved_carers.whole) == (3, 4)
    assert figures.achieved_carers.percent == 75
    assert figures.done == 6


def test_unscheduled_reviews_within_the_new_estimate_reproduce_bath(person, practitioner):
    """17 of 24 unscheduled reviews within the new estimate (71%). The plan costs £1.50 a
    week; 17 new estimates are at or above it, 7 below."""
    plan = agreed_plan(person, practitioner, budget=D("10.00"))
    estimates = [D("1.50")] * 10 + [D("2.00")] * 7 + [D("1.49")] * 7
    for estimate in estimates:
        early = services.plan_request_review(user=person, plan=plan, reason="Needs changed")
        record(
            practitioner, early, lambda i: "achieved", decision="reassess", new_estimate=estimate
        )
    figures = selectors.review_figures()
    assert figures.unscheduled == 24
    assert (figures.within_new_estimate.part, figures.within_new_estimate.whole) == (17, 24)
    assert figures.within_new_estimate.percent == 71


def test_due_overdue_done_and_the_most_chosen_outcomes(person, practitioner, settings):
    settings.PLANS_REVIEW_REMIND_DAYS = 14
    today = date(2026, 6, 1)
    plans = [
        agreed_plan(person, practitioner, outcomes=["Staying safe", "Baking"]),
        agreed_plan(person, practitioner, outcomes=["Staying safe"]),
        agreed_plan(person, practitioner, outcomes=["Staying safe", "Baking", "Work"]),
    ]
    PlanReview.objects.filter(plan=plans[0]).update(due_on=today - timedelta(days=1))
    PlanReview.objects.filter(plan=plans[1]).update(due_on=today + timedelta(days=14))
    PlanReview.objects.filter(plan=plans[2]).update(due_on=today + timedelta(days=15))
    figures = selectors.review_figures(today=today)
    assert (figures.due, figures.overdue, figures.done) == (1, 1, 0)
    assert figures.top_outcomes[:2] == [("Staying safe", 3), ("Baking", 2)]


def test_broken_review_settings_fail_the_check(settings):
    from django.core.management.base import SystemCheckError

    settings.PLANS_FIRST_REVIEW_WEEKS = 10
    with pytest.raises(SystemCheckError, match="PLANS_FIRST_REVIEW_WEEKS"):
        call_command("check")
