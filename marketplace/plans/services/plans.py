"""Support plans: starting and changing a plan, its budget (or the figure of the assessment it
rests on), the outcomes and needs, the contingency, deleting it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.money import to_penny

from ..models import CONTINGENCY_MAX_LENGTH, OutcomeOption, PlanOutcome, SupportPlan
from ..permissions import require_plan_editor, require_plan_owner
from .shared import BUDGET_MAX, _require_draft

OUTCOMES_MAX = 20


OUTCOME_MAX_LENGTH = 300


PLAN_FIELDS = (
    "person_name",
    "plan_for",
    "budget",
    "budget_source",
    "budget_source_detail",
    "money_management",
)


def _check_budget(plan: SupportPlan) -> None:
    if plan.budget is not None:
        if plan.budget < 0:
            raise ValidationError({"budget": "The budget cannot be less than £0."})
        if plan.budget > BUDGET_MAX:
            raise ValidationError({"budget": f"The weekly budget must be £{BUDGET_MAX:,} or less."})
        if plan.budget != to_penny(plan.budget):
            raise ValidationError({"budget": "Enter the budget in pounds and pence, like 373.53."})
        if not plan.budget_source:
            raise ValidationError({"budget_source": "Say where the budget figure comes from."})


def carer_element(assessment) -> Decimal | None:
    """The carer element of an RAS result (the carer's points at the scheme's carer rate, to the
    penny): what a carer's own plan from that assessment is costed against. None when the scheme
    has no carer element or the carer scored no points."""
    if assessment is None or assessment.carer_rate <= 0 or assessment.carer_points <= 0:
        return None
    return to_penny(assessment.carer_points * assessment.carer_rate)


def assessment_figure(plan: SupportPlan) -> Decimal | None:
    """The figure a plan linked to an assessment carries: the assessment's weekly budget for the
    person's own plan, its carer element for a carer's own plan."""
    if plan.assessment is None:
        return None
    if plan.plan_for == SupportPlan.PlanFor.CARER:
        return carer_element(plan.assessment)
    return plan.assessment.weekly_budget


def _check_assessment_figure(plan: SupportPlan) -> None:
    """A plan linked to an assessment carries that assessment's figure, from the RAS: the
    tolerance verdict and the panel judge the plan against it, so it cannot be another one. A
    carer's own plan carries the carer element, and needs a scheme that has one."""
    assessment = plan.assessment
    if assessment is None:
        return
    figure = assessment_figure(plan)
    if figure is None:
        raise ValidationError(
            {
                "plan_for": "This assessment has no carer element (the council's scheme has "
                "none, or the carer scored no points), so a carer's plan cannot start from it."
            }
        )
    if plan.budget != figure or plan.budget_source != SupportPlan.BudgetSource.RAS:
        what = "its carer element" if plan.plan_for == SupportPlan.PlanFor.CARER else "its figure"
        raise ValidationError(
            {
                "budget": f"A budget from an assessment is {what}, £{figure}"
                " a week, from the council's indicative budget calculator."
            }
        )


@transaction.atomic
def plan_create(*, user, person_name: str, **fields: Any) -> SupportPlan:
    """A signed-in person starts a draft plan for themselves or someone they help."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to make a support plan.")
    plan = SupportPlan(owner=user, person_name=person_name.strip())
    for name, value in fields.items():
        if name not in (*PLAN_FIELDS, "assessment"):
            raise ValueError(f"{name} cannot be set here.")
        setattr(plan, name, value)
    _check_budget(plan)
    _check_assessment_figure(plan)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, user, plan: SupportPlan, **fields: Any) -> SupportPlan:
    """The owner or an editing helper changes a draft plan's details."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise ValueError(f"{name} cannot be changed here.")
        setattr(plan, name, value)
    _check_budget(plan)
    if plan.assessment_id is not None:
        try:
            _check_assessment_figure(plan)
        except ValidationError:
            # Another figure or source: the plan no longer rests on the assessment.
            plan.assessment = None
    plan.full_clean()
    plan.save()
    return plan


def _cleaned_list(items: Iterable[str], *, field: str, noun: str) -> list[str]:
    cleaned = [" ".join(item.split()) for item in items]
    cleaned = [item for item in cleaned if item]
    if len(cleaned) > OUTCOMES_MAX:
        raise ValidationError({field: f"List up to {OUTCOMES_MAX} {noun}s."})
    too_long = [i for i, item in enumerate(cleaned, 1) if len(item) > OUTCOME_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            {
                field: f"{noun.capitalize()} {too_long[0]} is too long: keep each one to "
                f"{OUTCOME_MAX_LENGTH} characters or fewer."
            }
        )
    return cleaned


@transaction.atomic
def plan_set_outcomes(
    *,
    user,
    plan: SupportPlan,
    outcomes: Iterable[str] = (),
    options: Iterable[OutcomeOption] = (),
    needs: Iterable[str] | None = None,
) -> SupportPlan:
    """What matters to the person: outcomes chosen from the council's list (`options`, active
    ones) and in their own words (`outcomes`), up to OUTCOMES_MAX in all, each no longer than
    OUTCOME_MAX_LENGTH; and, when given, the needs to be met (the same limits). An outcome kept
    from before keeps its row, so the lines that serve it and its review history stay linked."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    chosen = list(dict.fromkeys(options))
    retired = [option.name for option in chosen if not option.active]
    if retired:
        raise ValidationError({"options": f"{retired[0]} can no longer be chosen."})
    own = _cleaned_list(outcomes, field="outcomes", noun="outcome")
    chosen_names = {option.name.lower() for option in chosen}
    own = [text for text in dict.fromkeys(own) if text.lower() not in chosen_names]
    if len(chosen) + len(own) > OUTCOMES_MAX:
        raise ValidationError({"outcomes": f"List up to {OUTCOMES_MAX} outcomes."})
    wanted: list[tuple[OutcomeOption | None, str]] = [(o, o.name) for o in chosen]
    wanted += [(None, text) for text in own]

    existing = list(plan.outcome_items.all())
    by_option = {item.option_id: item for item in existing if item.option_id}
    by_text = {item.text: item for item in existing if not item.option_id}
    kept: set[int] = set()
    for order, (option, text) in enumerate(wanted):
        item = by_option.get(option.pk) if option else by_text.get(text)
        if item is None:
            item = PlanOutcome(plan=plan, option=option, text=text)
        item.sort_order = order
        item.full_clean()
        item.save()
        kept.add(item.pk)
    plan.outcome_items.exclude(pk__in=kept).delete()
    plan.outcomes = [text for _, text in wanted]
    fields = ["outcomes", "updated_at"]
    if needs is not None:
        plan.needs = _cleaned_list(needs, field="needs", noun="need")
        fields.append("needs")
    plan.save(update_fields=fields)
    return plan


@transaction.atomic
def plan_set_contingency(*, user, plan: SupportPlan, contingency: str) -> SupportPlan:
    """What happens if something goes wrong (such as the PA being ill): the person's words."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    text = (contingency or "").strip()
    if len(text) > CONTINGENCY_MAX_LENGTH:
        raise ValidationError(
            {
                "contingency": f"Keep this to {CONTINGENCY_MAX_LENGTH:,} characters or fewer. "
                f"It has {len(text):,}."
            }
        )
    plan.contingency = text
    plan.save(update_fields=["contingency", "updated_at"])
    return plan


@transaction.atomic
def plan_delete(*, user, plan: SupportPlan) -> None:
    """The owner deletes a plan and its lines and shares."""
    require_plan_owner(user, plan)
    plan.delete()
