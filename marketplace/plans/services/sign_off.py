"""Signing a plan off: submitting it, a practitioner agreeing it (within tolerance) or referring it
to the panel, the panel's decision, the cost before the RAS, handing a plan over, reopening it."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.money import to_penny

from .. import costing
from ..models import MESSAGE_MAX_LENGTH, PlanEvent, PlanShare, SupportPlan
from ..permissions import (
    can_agree_plan,
    can_decide_panel,
    is_practitioner,
    plan_access,
    require_plan_editor,
    require_plan_owner,
)
from .reviews import plan_schedule_reviews
from .shared import BUDGET_MAX, _checked_money


def plan_weekly_cost(plan: SupportPlan) -> Decimal:
    """What the plan's lines cost a week (one-off items cost nothing a week)."""
    return costing.plan_totals(line.weekly_cost for line in plan.lines.all()).weekly


def _event(plan: SupportPlan, kind: str, *, user, figure=None, reasons: str = "") -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        kind=kind,
        actor=user if getattr(user, "is_authenticated", False) else None,
        figure=figure,
        reasons=reasons,
    )


@transaction.atomic
def plan_submit(*, user, plan: SupportPlan) -> SupportPlan:
    """Send a draft for agreement: it needs at least one outcome and one line of support."""
    require_plan_editor(user, plan)
    if plan.status != SupportPlan.Status.DRAFT:
        raise ValidationError("Only a draft plan can be submitted.")
    problems = []
    if not plan.outcomes:
        problems.append("Add at least one outcome: what matters to the person.")
    if not plan.lines.exists():
        problems.append("Add at least one line of support.")
    if problems:
        raise ValidationError(problems)
    plan.status = SupportPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(plan, PlanEvent.Kind.SUBMITTED, user=user, figure=plan_weekly_cost(plan))
    return plan


def _require_agreer(user, plan: SupportPlan) -> None:
    if not can_agree_plan(user, plan):
        if plan_access(user, plan) == "owner" and is_practitioner(user):
            raise PermissionDenied("You cannot agree your own plan: another practitioner must.")
        raise PermissionDenied(
            "Only a practitioner the plan is shared with, or one in its team, can agree it."
        )


def _checked_split(
    plan: SupportPlan,
    *,
    agreed: Decimal,
    person_contribution: Decimal | None,
    top_up: Decimal | None,
) -> tuple[Decimal, Decimal, Decimal]:
    """The agreed personal budget split into the council's share and the person's assessed
    contribution; the third-party top-up is on top of it. Returns (council, person, top-up)."""
    contribution = to_penny(person_contribution or Decimal("0"))
    extra = to_penny(top_up or Decimal("0"))
    if contribution < 0:
        raise ValidationError(
            {"person_contribution": "The person's contribution cannot be less than £0."}
        )
    if extra < 0:
        raise ValidationError({"top_up": "The top-up cannot be less than £0."})
    if contribution > agreed:
        raise ValidationError(
            {
                "person_contribution": f"The person's contribution cannot be more than the "
                f"personal budget of £{agreed} a week."
            }
        )
    return agreed - contribution, contribution, extra


def _agreed_verdict(plan: SupportPlan, agreed: Decimal):
    """The tolerance verdict on an agreed personal budget against the indicative budget (None
    when the plan has no budget or the council has no rules to judge it by)."""
    from marketplace.ras.selectors import plan_tolerance

    if plan.budget is None:
        return None
    return plan_tolerance(budget=plan.budget, weekly_cost=agreed, assessment=plan.assessment)


def _record_agreement(
    plan: SupportPlan,
    *,
    user,
    agreed: Decimal | None,
    split: tuple[Decimal, Decimal, Decimal] | None,
    within: bool | None,
    kind: str,
    reasons: str = "",
) -> SupportPlan:
    plan.status = SupportPlan.Status.AGREED
    plan.agreed_at = timezone.now()
    plan.agreed_by = user
    plan.agreed_budget = agreed
    plan.council_share, plan.person_contribution, plan.top_up = split or (None, None, None)
    plan.agreed_within_tolerance = within
    plan.save()
    _event(plan, kind, user=user, figure=agreed, reasons=reasons)
    plan_schedule_reviews(plan=plan)
    return plan


@transaction.atomic
def plan_agree(
    *,
    user,
    plan: SupportPlan,
    person_contribution: Decimal | None = None,
    top_up: Decimal | None = None,
) -> SupportPlan:
    """A practitioner the plan was shared with agrees a submitted plan (never its owner).

    A plan the council funds (council_funded) is agreed under delegated authority only when
    its personal budget (the plan's weekly cost less any third-party top-up) is within the
    scheme's tolerance of the indicative budget; otherwise it goes to the panel
    (plan_refer_to_panel). The agreed budget is recorded with its split."""
    from ..selectors import council_funded

    _require_agreer(user, plan)
    if plan.status != SupportPlan.Status.SUBMITTED:
        raise ValidationError("Only a submitted plan can be agreed.")
    weekly = plan_weekly_cost(plan)
    if not council_funded(plan):
        return _record_agreement(
            plan, user=user, agreed=None, split=None, within=None, kind=PlanEvent.Kind.AGREED
        )
    extra = to_penny(top_up or Decimal("0"))
    if extra > weekly:
        raise ValidationError({"top_up": "The top-up cannot be more than the plan costs."})
    agreed = weekly - extra
    split = _checked_split(
        plan, agreed=agreed, person_contribution=person_contribution, top_up=extra
    )
    verdict = _agreed_verdict(plan, agreed)
    if verdict is None or not verdict.within:
        raise ValidationError(
            (
                f"A personal budget of £{agreed} a week is outside the tolerance a "
                "practitioner may agree. Refer the plan to the panel."
            )
            if verdict is not None
            else "The council has published no tolerance rules for this budget, so a "
            "practitioner cannot agree it. Refer the plan to the panel."
        )
    return _record_agreement(
        plan, user=user, agreed=agreed, split=split, within=True, kind=PlanEvent.Kind.AGREED
    )


@transaction.atomic
def plan_refer_to_panel(*, user, plan: SupportPlan, reasons: str = "") -> SupportPlan:
    """A practitioner sends a submitted plan the council funds to the panel: the way for a plan
    outside tolerance (over or under) to be agreed."""
    from ..selectors import council_funded

    _require_agreer(user, plan)
    if plan.status != SupportPlan.Status.SUBMITTED:
        raise ValidationError("Only a submitted plan can go to the panel.")
    if not council_funded(plan):
        raise ValidationError("Only a plan with a budget from a council assessment goes to panel.")
    reasons = (reasons or "").strip()
    if len(reasons) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"reasons": f"Keep this to {MESSAGE_MAX_LENGTH:,} characters."})
    plan.status = SupportPlan.Status.PANEL
    plan.referred_at = timezone.now()
    plan.save(update_fields=["status", "referred_at", "updated_at"])
    _event(plan, PlanEvent.Kind.REFERRED, user=user, figure=plan_weekly_cost(plan), reasons=reasons)
    return plan


class PanelDecision:
    AGREE = "agree"
    AMOUNT = "amount"
    SEND_BACK = "send-back"
    CHOICES = [
        (AGREE, "Agree the plan at its cost"),
        (AMOUNT, "Agree a different amount"),
        (SEND_BACK, "Send it back to be changed"),
    ]


@transaction.atomic
def plan_panel_decide(
    *,
    user,
    plan: SupportPlan,
    decision: str,
    reasons: str,
    amount: Decimal | None = None,
    person_contribution: Decimal | None = None,
    top_up: Decimal | None = None,
) -> SupportPlan:
    """A panel member decides a plan referred to the panel, with reasons: agree it (the personal
    budget is its cost less any top-up), agree a different weekly amount, or send it back to
    draft for the person to change."""
    if not can_decide_panel(user, plan):
        if plan.status != SupportPlan.Status.PANEL:
            raise ValidationError("This plan is not waiting for the panel.")
        raise PermissionDenied("Only a member of the panel can decide this plan.")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Give the panel's reasons."})
    if len(reasons) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"reasons": f"Keep this to {MESSAGE_MAX_LENGTH:,} characters."})
    weekly = plan_weekly_cost(plan)
    if decision == PanelDecision.SEND_BACK:
        plan.status = SupportPlan.Status.DRAFT
        plan.submitted_at = None
        plan.save(update_fields=["status", "submitted_at", "updated_at"])
        _event(plan, PlanEvent.Kind.PANEL_SENT_BACK, user=user, figure=weekly, reasons=reasons)
        return plan
    extra = to_penny(top_up or Decimal("0"))
    if decision == PanelDecision.AGREE:
        if extra > weekly:
            raise ValidationError({"top_up": "The top-up cannot be more than the plan costs."})
        agreed = weekly - extra
        kind = PlanEvent.Kind.PANEL_AGREED
    elif decision == PanelDecision.AMOUNT:
        if amount is None:
            raise ValidationError({"amount": "Enter the weekly amount the panel agrees."})
        agreed = _checked_money(amount, field="amount", what="the weekly amount", most=BUDGET_MAX)
        kind = PlanEvent.Kind.PANEL_AMOUNT
    else:
        raise ValidationError({"decision": "Choose the panel's decision."})
    split = _checked_split(
        plan, agreed=agreed, person_contribution=person_contribution, top_up=extra
    )
    verdict = _agreed_verdict(plan, agreed)
    within = verdict.within if verdict is not None else None
    return _record_agreement(
        plan, user=user, agreed=agreed, split=split, within=within, kind=kind, reasons=reasons
    )


@transaction.atomic
def plan_record_cost_before_ras(*, user, plan: SupportPlan, amount: Decimal) -> SupportPlan:
    """A practitioner the plan is shared with records what the person's support cost a week
    before the RAS (Bath's "cost of package prior to the RAS being applied")."""
    _require_agreer(user, plan)
    plan.cost_before_ras = _checked_money(
        amount, field="amount", what="the weekly cost before the RAS", most=BUDGET_MAX
    )
    plan.save(update_fields=["cost_before_ras", "updated_at"])
    _event(plan, PlanEvent.Kind.COST_BEFORE, user=user, figure=plan.cost_before_ras)
    return plan


@transaction.atomic
def plan_hand_over(*, user, plan: SupportPlan) -> SupportPlan:
    """A practitioner who started a plan from an assessment hands it to the person it is about
    (who opened the assessment from the practitioner's invitation): the plan becomes theirs and
    the practitioner keeps access to see and change it by a share."""
    require_plan_owner(user, plan)
    assessment = plan.assessment
    person = assessment.person if assessment is not None else None
    if person is None:
        raise ValidationError(
            "The person has not opened their assessment yet. Send it to them first."
        )
    if person.pk == user.pk:
        raise ValidationError("This plan is already yours.")
    plan.shares.filter(user=person).update(revoked_at=timezone.now())
    plan.owner = person
    plan.save(update_fields=["owner", "updated_at"])
    now = timezone.now()
    PlanShare.objects.create(
        plan=plan,
        name=user.get_full_name() or user.email,
        email=user.email,
        access=PlanShare.Access.EDIT,
        invited_by=person,
        user=user,
        accepted_at=now,
    )
    _event(plan, PlanEvent.Kind.HANDED_OVER, user=user, figure=plan_weekly_cost(plan))
    return plan


@transaction.atomic
def plan_return_to_draft(*, user, plan: SupportPlan) -> SupportPlan:
    """Reopen a plan for changes: a submitted one (or one waiting for the panel) by its owner,
    an editing helper or the practitioner; an agreed one only by a practitioner it is shared
    with (the agreement and its personal budget end; the history keeps them)."""
    if plan.status == SupportPlan.Status.DRAFT:
        raise ValidationError("The plan is already a draft.")
    if plan.status == SupportPlan.Status.AGREED:
        if not can_agree_plan(user, plan):
            raise PermissionDenied("Only a practitioner can reopen an agreed plan.")
    elif not can_agree_plan(user, plan):
        require_plan_editor(user, plan)
    plan.status = SupportPlan.Status.DRAFT
    plan.submitted_at = None
    plan.agreed_at = None
    plan.agreed_by = None
    plan.agreed_budget = plan.council_share = plan.person_contribution = plan.top_up = None
    plan.agreed_within_tolerance = None
    plan.save()
    _event(plan, PlanEvent.Kind.REOPENED, user=user, figure=plan_weekly_cost(plan))
    return plan
