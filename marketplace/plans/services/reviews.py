"""Reviews (issue 21): the review dates of an agreed plan, an early review on request, recording a
review, and the reminders before one is due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.email import send_email

from .. import costing
from ..models import PlanReview, PlanReviewOutcome, SupportPlan
from ..permissions import can_agree_plan, is_practitioner, require_plan_editor
from .lines import LINE_AMOUNT_MAX
from .plans import carer_element
from .shared import _check_message

REVIEW_DECISION_REQUIRED = "Record the decision: continue, change the plan or reassess."


def _practitioner_addresses(plan: SupportPlan) -> list[str]:
    """The practitioner who agreed the plan and the practitioners it is shared with."""
    addresses = [plan.agreed_by.email] if plan.agreed_by_id and plan.agreed_by else []
    for share in plan.shares.filter(revoked_at__isnull=True, user__isnull=False).select_related(
        "user"
    ):
        if share.user is not None and is_practitioner(share.user):
            addresses.append(share.user.email)
    return addresses


def _schedule_review(plan: SupportPlan, *, today: date) -> PlanReview | None:
    """Give an agreed plan its next scheduled review when it has none to do: the first
    PLANS_FIRST_REVIEW_WEEKS after agreement, later ones PLANS_REVIEW_INTERVAL_MONTHS after the
    last review (marketplace/plans/reviews.py)."""
    from django.conf import settings

    from .. import reviews

    if plan.reviews.pending().filter(kind=PlanReview.Kind.SCHEDULED).exists():
        return None
    last = plan.reviews.done().exclude(reviewed_on=None).order_by("-reviewed_on").first()
    if last is None:
        due = reviews.first_review_due(today, settings.PLANS_FIRST_REVIEW_WEEKS)
    else:
        due = reviews.next_review_due(last.reviewed_on, settings.PLANS_REVIEW_INTERVAL_MONTHS)
    return PlanReview.objects.create(plan=plan, kind=PlanReview.Kind.SCHEDULED, due_on=due)


@transaction.atomic
def plan_schedule_reviews(*, plan: SupportPlan, today: date | None = None) -> PlanReview | None:
    """Called when a plan is agreed (see plan_agree): its review dates are set from then."""
    if plan.status != SupportPlan.Status.AGREED:
        raise ValidationError("Only an agreed plan has review dates.")
    return _schedule_review(plan, today=today or timezone.localdate())


@transaction.atomic
def plan_request_review(
    *, user, plan: SupportPlan, reason: str, today: date | None = None
) -> PlanReview:
    """The person (or a helper who may change the plan) asks for an early review when things
    change: an unscheduled review due at once; the practitioners are told by e-mail."""
    require_plan_editor(user, plan)
    if plan.status != SupportPlan.Status.AGREED:
        raise ValidationError("You can ask for a review of an agreed plan.")
    if plan.reviews.pending().filter(kind=PlanReview.Kind.UNSCHEDULED).exists():
        raise ValidationError("An early review has already been asked for.")
    reason = _check_message(reason, "reason")
    review = PlanReview(
        plan=plan,
        kind=PlanReview.Kind.UNSCHEDULED,
        due_on=today or timezone.localdate(),
        requested_by=user,
        reason=reason,
    )
    review.full_clean()
    review.save()
    send_email(
        template="plans/email/review_requested",
        to=_practitioner_addresses(plan),
        separately=True,
        context={"plan": plan, "review": review},
    )
    return review


@transaction.atomic
def plan_record_review(
    *,
    user,
    review: PlanReview,
    progress: dict[int, str],
    changes: str,
    cost_in_period: Decimal | None,
    person_view: str,
    decision: str,
    new_estimate: Decimal | None = None,
    reassessment=None,
    today: date | None = None,
) -> PlanReview:
    """A practitioner the plan is shared with records a review: for each of the plan's outcomes
    achieved, partly or not yet (`progress`, by PlanOutcome id); what changes; the cost in the
    period; the person's own view; the decision; and, after a reassessment, the new estimate
    (kept beside the budget it replaces). The next scheduled review is then set."""
    plan = review.plan
    if not can_agree_plan(user, plan):
        raise PermissionDenied("Only a practitioner the plan is shared with can record a review.")
    if review.status != PlanReview.Status.PENDING:
        raise ValidationError("This review has already been recorded.")
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    outcomes = list(plan.outcome_items.all())
    for item in outcomes:
        if progress.get(item.pk) not in PlanReviewOutcome.Progress.values:
            errors.setdefault(f"outcome_{item.pk}", []).append(
                f"Say how '{item.text}' is going: achieved, partly or not yet."
            )
    if decision not in PlanReview.Decision.values:
        errors.setdefault("decision", []).append(REVIEW_DECISION_REQUIRED)
    for field, amount in (("cost_in_period", cost_in_period), ("new_estimate", new_estimate)):
        if amount is None:
            continue
        if not amount.is_finite() or amount < 0 or amount != costing.to_penny(amount):
            errors.setdefault(field, []).append("Enter an amount in pounds and pence, like 373.53.")
        elif amount > LINE_AMOUNT_MAX * 10:
            errors.setdefault(field, []).append("That amount is too large.")
    if cost_in_period is None:
        errors.setdefault("cost_in_period", []).append("Enter what the support cost in the period.")
    if reassessment is not None:
        new_estimate = _reassessment_estimate(
            user=user, review=review, reassessment=reassessment, typed=new_estimate, errors=errors
        )
    if errors:
        raise ValidationError(errors)

    review.status = PlanReview.Status.DONE
    review.reviewed_on = today
    review.reviewed_by = user
    review.changes = (changes or "").strip()
    review.cost_in_period = cost_in_period
    review.person_view = (person_view or "").strip()
    review.decision = decision
    review.weekly_cost = costing.plan_totals(line.weekly_cost for line in plan.lines.all()).weekly
    review.previous_budget = plan.budget
    review.new_estimate = new_estimate
    review.full_clean()
    review.save()
    PlanReviewOutcome.objects.bulk_create(
        PlanReviewOutcome(review=review, outcome=item, text=item.text, progress=progress[item.pk])
        for item in outcomes
    )
    if plan.status == SupportPlan.Status.AGREED:
        _schedule_review(plan, today=today)
    # The market figures are cached; the review figures among them have just moved.
    from market_statement.metrics import invalidate_cache

    transaction.on_commit(invalidate_cache)
    return review


def _reassessment_estimate(
    *, user, review: PlanReview, reassessment, typed: Decimal | None, errors: dict
) -> Decimal | None:
    """The new estimate a reassessment gives: its weekly budget for the person's own plan, its
    carer element for a carer's plan. Only one of the practitioner's own assessments of this
    person since the review was set may be used (selectors.reassessments_for), and a typed
    estimate must agree with it."""
    from ..selectors import reassessments_for

    if reassessment.pk not in {a.pk for a in reassessments_for(review, user=user)}:
        errors.setdefault("reassessment", []).append(
            "Choose one of your assessments of this person since the review was set."
        )
        return typed
    figure = (
        carer_element(reassessment)
        if review.plan.plan_for == SupportPlan.PlanFor.CARER
        else reassessment.weekly_budget
    )
    if figure is None:
        errors.setdefault("reassessment", []).append(
            "That assessment has no carer element to be a carer's new estimate."
        )
    elif typed is not None and typed != figure:
        errors.setdefault("new_estimate", []).append(
            f"The reassessment gives £{figure:,} a week: leave the new estimate "
            "empty, or choose no assessment."
        )
    return figure if figure is not None else typed


def send_review_reminders(*, today: date | None = None) -> int:
    """E-mail the person and the practitioners once about each review of an agreed plan that is
    due within PLANS_REVIEW_REMIND_DAYS (or overdue). Safe to run twice, or twice at once: a
    review is claimed (reminded_at set) before its e-mail is queued. Returns how many."""
    from datetime import timedelta

    from django.conf import settings

    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.PLANS_REVIEW_REMIND_DAYS)
    candidates = (
        PlanReview.objects.pending()
        .filter(reminded_at__isnull=True, due_on__lte=horizon, plan__status="agreed")
        .select_related("plan__owner", "plan__agreed_by")
    )
    sent = 0
    for review in candidates:
        with transaction.atomic():
            claimed = PlanReview.objects.filter(pk=review.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:
                continue
            plan = review.plan
            send_email(
                template="plans/email/review_due",
                to=[plan.owner.email, *_practitioner_addresses(plan)],
                separately=True,
                context={"plan": plan, "review": review},
            )
            sent += 1
    return sent
