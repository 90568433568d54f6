"""A plan's lines: listings at one of their own prices, no-cost support, and the lines the
catalogue does not list (a PA employed directly, a membership, a one-off item); how each is paid."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from catalogue.models import PriceOption, Service

from .. import costing
from ..models import PlanLine, PlanOutcome, SupportPlan
from ..permissions import require_plan_editor
from .shared import _checked_money, _require_draft

PLAN_LINES_MAX = 50


@transaction.atomic
def plan_set_line_outcomes(*, user, line: PlanLine, outcomes: Iterable[PlanOutcome]) -> PlanLine:
    """Which of the plan's outcomes a line serves (the guidance: the plan links needs and
    outcomes to how they are met)."""
    require_plan_editor(user, line.plan)
    _require_draft(line.plan)
    chosen = list(dict.fromkeys(outcomes))
    if any(item.plan_id != line.plan_id for item in chosen):
        raise ValidationError({"outcomes": "Choose outcomes from this plan."})
    line.serves.set(chosen)
    line.plan.save(update_fields=["updated_at"])
    return line


def _check_line_room(plan: SupportPlan) -> None:
    if plan.lines.count() >= PLAN_LINES_MAX:
        raise ValidationError(f"A plan can have up to {PLAN_LINES_MAX} lines.")


def _checked_quantity(quantity: Decimal, unit: str) -> Decimal:
    try:
        return costing.check_quantity(quantity, unit)
    except costing.QuantityError as error:
        raise ValidationError({"quantity": str(error)}) from error


@transaction.atomic
def plan_add_service_line(
    *,
    user,
    plan: SupportPlan,
    service: Service,
    price_option: PriceOption,
    quantity: Decimal,
    notes: str = "",
    paid_by: str = "",
    isf_provider: str = "",
) -> PlanLine:
    """Add a listing the public can find, at one of its own current prices, `quantity` a week.
    The price is copied onto the line; `paid_by` says how it is paid (see _apply_route)."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    _check_line_room(plan)
    if not Service.objects.visible().filter(pk=service.pk).exists():
        raise ValidationError(
            {
                "service": f"{service.public_title} is not listed at the moment, "
                "so it cannot be added."
            }
        )
    if price_option.service_id != service.pk:
        raise ValidationError(
            {"price_option": f"Choose one of the prices of {service.public_title}."}
        )
    if not PriceOption.objects.current().filter(pk=price_option.pk).exists():
        raise ValidationError(
            {"price_option": "That price is not valid today. Choose a current price."}
        )
    quantity = _checked_quantity(quantity, price_option.unit)
    line = PlanLine(
        plan=plan,
        kind=PlanLine.Kind.SERVICE,
        service=service,
        price_option=price_option,
        description=service.public_title,
        provided_by=service.organisation.name,
        option_label=price_option.label,
        unit_amount=price_option.amount,
        unit=price_option.unit,
        quantity=quantity,
        notes=notes.strip(),
    )
    _apply_route(line, paid_by, isf_provider)
    line.full_clean()
    line.save()
    plan.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def plan_add_informal_line(
    *, user, plan: SupportPlan, description: str, provided_by: str = "", notes: str = ""
) -> PlanLine:
    """Add a no-cost support (family, a friend, a community group); it costs nothing."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    _check_line_room(plan)
    if not description.strip():
        raise ValidationError({"description": "Say what the support is."})
    line = PlanLine(
        plan=plan,
        kind=PlanLine.Kind.INFORMAL,
        description=description.strip(),
        provided_by=provided_by.strip(),
        notes=notes.strip(),
    )
    line.full_clean()
    line.save()
    plan.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def plan_update_line(
    *, user, line: PlanLine, quantity: Decimal | None = None, notes: str | None = None
) -> PlanLine:
    """Change a line's quantity a week (service lines) or its notes. The copied price stays."""
    require_plan_editor(user, line.plan)
    _require_draft(line.plan)
    if quantity is not None:
        if line.kind not in (PlanLine.Kind.SERVICE, PlanLine.Kind.PA):
            raise ValidationError(
                {"quantity": f"A {line.get_kind_display().lower()} has no quantity to change."}
            )
        line.quantity = _checked_quantity(quantity, line.unit)
    if notes is not None:
        line.notes = notes.strip()
    line.full_clean()
    line.save()
    line.plan.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def plan_update_informal_line(
    *, user, line: PlanLine, description: str, provided_by: str = "", notes: str = ""
) -> PlanLine:
    """Change what a no-cost support is, who gives it and its notes; it still costs nothing."""
    require_plan_editor(user, line.plan)
    _require_draft(line.plan)
    if line.kind != PlanLine.Kind.INFORMAL:
        raise ValidationError("Only no-cost support can be changed this way.")
    if not description.strip():
        raise ValidationError({"description": "Say what the support is."})
    line.description = description.strip()
    line.provided_by = provided_by.strip()
    line.notes = notes.strip()
    line.full_clean()
    line.save()
    line.plan.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def plan_remove_line(*, user, line: PlanLine) -> None:
    """Take a line off a draft plan."""
    require_plan_editor(user, line.plan)
    _require_draft(line.plan)
    plan = line.plan
    line.delete()
    plan.save(update_fields=["updated_at"])


# --- lines the catalogue does not list (issue 21) ----------------------------------------------

HOURLY_PAY_MAX = Decimal("200.00")


LINE_AMOUNT_MAX = Decimal("100000.00")


def _checked_text(value: str, *, field: str, missing: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: missing})
    return value


def _apply_route(line: PlanLine, paid_by: str, isf_provider: str) -> None:
    """How a paid line is paid: a direct payment, arranged by the council, an individual service
    fund with a named provider, or by the person or family; blank while not decided. A no-cost
    support is never paid for. A PA employed directly is the person's employee, so the council
    cannot arrange them and no provider holds them in a fund: a direct payment or the person's
    own money pays them."""
    paid_by = paid_by or ""
    isf_provider = " ".join((isf_provider or "").split())
    if paid_by and paid_by not in PlanLine.PaidBy.values:
        raise ValidationError({"paid_by": "Choose how the support is paid for."})
    if line.kind == PlanLine.Kind.INFORMAL and paid_by:
        raise ValidationError({"paid_by": "A no-cost support is not paid for."})
    if line.kind == PlanLine.Kind.PA and paid_by in (PlanLine.PaidBy.COUNCIL, PlanLine.PaidBy.ISF):
        raise ValidationError(
            {
                "paid_by": "A personal assistant you employ is paid by a direct payment or by "
                "you or your family. If an agency provides them, add the agency's service."
            }
        )
    if paid_by == PlanLine.PaidBy.ISF:
        if not isf_provider:
            raise ValidationError(
                {"isf_provider": "Name the provider that manages the individual service fund."}
            )
        if len(isf_provider) > 200:
            raise ValidationError({"isf_provider": "Keep the name to 200 characters or fewer."})
    else:
        isf_provider = ""
    line.paid_by = paid_by
    line.isf_provider = isf_provider


@transaction.atomic
def plan_set_line_payment(
    *, user, line: PlanLine, paid_by: str, isf_provider: str = ""
) -> PlanLine:
    """Say (or change) how a line of a draft plan is paid for (see _apply_route)."""
    require_plan_editor(user, line.plan)
    _require_draft(line.plan)
    _apply_route(line, paid_by, isf_provider)
    line.full_clean()
    line.save(update_fields=["paid_by", "isf_provider"])
    line.plan.save(update_fields=["updated_at"])
    return line


def _add_line(plan: SupportPlan, line: PlanLine) -> PlanLine:
    line.full_clean()
    line.save()
    plan.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def plan_add_pa_line(
    *,
    user,
    plan: SupportPlan,
    hourly_pay: Decimal,
    hours: Decimal,
    description: str = "Personal assistant",
    provided_by: str = "",
    notes: str = "",
    paid_by: str = "",
    isf_provider: str = "",
) -> PlanLine:
    """Add a personal assistant the person employs directly: hourly pay x hours a week, plus the
    employer's costs (holiday pay, National Insurance, pension, insurance, payroll) at the rates
    in force (PLANS_EMPLOYER_COSTS), which are copied onto the line."""
    from ..employer_costs import current_rates

    require_plan_editor(user, plan)
    _require_draft(plan)
    _check_line_room(plan)
    hourly_pay = _checked_money(
        hourly_pay, field="hourly_pay", what="the hourly pay", most=HOURLY_PAY_MAX
    )
    try:
        hours = costing.check_quantity(hours, "hour")
    except costing.QuantityError as error:
        raise ValidationError({"hours": str(error).replace("quantity", "hours")}) from error
    line = PlanLine(
        plan=plan,
        kind=PlanLine.Kind.PA,
        description=_checked_text(
            description, field="description", missing="Say what the PA will do."
        ),
        provided_by=(provided_by or "").strip(),
        option_label="Employed directly",
        unit_amount=hourly_pay,
        unit="hour",
        quantity=hours,
        notes=(notes or "").strip(),
        employer_rates=current_rates().as_mapping(),
    )
    _apply_route(line, paid_by, isf_provider)
    return _add_line(plan, line)


@transaction.atomic
def plan_add_membership_line(
    *,
    user,
    plan: SupportPlan,
    description: str,
    yearly_cost: Decimal,
    provided_by: str = "",
    notes: str = "",
    paid_by: str = "",
    isf_provider: str = "",
) -> PlanLine:
    """Add a membership or subscription paid once a year (a garden, a gym, a club); the plan
    shows it as a cost a week (yearly cost / 52)."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    _check_line_room(plan)
    line = PlanLine(
        plan=plan,
        kind=PlanLine.Kind.MEMBERSHIP,
        description=_checked_text(
            description, field="description", missing="Say what the membership is."
        ),
        provided_by=(provided_by or "").strip(),
        option_label="Yearly membership",
        unit_amount=_checked_money(
            yearly_cost, field="yearly_cost", what="the yearly cost", most=LINE_AMOUNT_MAX
        ),
        unit="year",
        quantity=Decimal("1"),
        notes=(notes or "").strip(),
    )
    _apply_route(line, paid_by, isf_provider)
    return _add_line(plan, line)


@transaction.atomic
def plan_add_one_off_line(
    *,
    user,
    plan: SupportPlan,
    description: str,
    cost: Decimal,
    provided_by: str = "",
    notes: str = "",
    paid_by: str = "",
    isf_provider: str = "",
) -> PlanLine:
    """Add a one-off item (equipment, a course): shown apart from the weekly cost and added to
    the first year's cost."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    _check_line_room(plan)
    line = PlanLine(
        plan=plan,
        kind=PlanLine.Kind.ONE_OFF,
        description=_checked_text(
            description, field="description", missing="Say what the item is."
        ),
        provided_by=(provided_by or "").strip(),
        option_label="One-off",
        unit_amount=_checked_money(cost, field="cost", what="the cost", most=LINE_AMOUNT_MAX),
        unit="one-off",
        quantity=Decimal("1"),
        notes=(notes or "").strip(),
    )
    _apply_route(line, paid_by, isf_provider)
    return _add_line(plan, line)
