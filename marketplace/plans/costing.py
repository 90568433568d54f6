"""What a support plan costs: plain Decimal arithmetic, no Django (table-tested).

Rules:
- Money is Decimal. Rounding is core.money.to_penny (halves away from zero), applied once to
  each line's weekly cost; the weekly total is the sum of the rounded lines, so the lines a person
  sees always add up to the total they see.
- A line's quantity is "how many a week" of its price's unit (hours, visits, sessions, days,
  nights, weeks). A monthly price costs amount x 12 / 52 a week, a yearly one amount / 52, so a
  quantity of them is a number of subscriptions (e.g. 1 telecare package). Free costs nothing.
  One-off prices are not part of a weekly plan.
- The annual total is the weekly total x 52 (a plan is costed for 52 weeks; the extra day or two
  of a calendar year is not charged).
- A quantity must be more than zero, have at most two decimal places and be no more than fits in
  a week (168 hours, 7 days or nights...).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.money import to_penny

WEEKS_PER_YEAR = 52

# The most of each unit that one person can use in a week; beyond it a quantity is a mistake.
MAX_PER_WEEK: dict[str, Decimal] = {
    "hour": Decimal(168),
    "visit": Decimal(70),
    "session": Decimal(21),
    "day": Decimal(7),
    "night": Decimal(7),
    "week": Decimal(1),
    "month": Decimal(5),
    "year": Decimal(5),
    "free": Decimal(168),
}
PLANNABLE_UNITS = frozenset(MAX_PER_WEEK)

# What one unit costs a week, as a share of its price.
WEEKLY_FACTOR: dict[str, Decimal] = {
    "month": Decimal(12) / Decimal(WEEKS_PER_YEAR),
    "year": Decimal(1) / Decimal(WEEKS_PER_YEAR),
    "free": Decimal(0),
}

UNIT_WORDS = {
    "hour": ("hour", "hours"),
    "visit": ("visit", "visits"),
    "session": ("session", "sessions"),
    "day": ("day", "days"),
    "night": ("night", "nights"),
    "week": ("week", "weeks"),
    "month": ("monthly package", "monthly packages"),
    "year": ("yearly package", "yearly packages"),
    "free": ("hour", "hours"),
}


class QuantityError(ValueError):
    """A quantity that cannot be on a plan; the message says why, in plain words."""


def check_quantity(quantity: Decimal, unit: str) -> Decimal:
    """`quantity` if it can be on a plan in `unit`, else QuantityError saying why."""
    if unit not in PLANNABLE_UNITS:
        raise QuantityError(
            "A one-off price cannot be part of a weekly plan. Add it as a note instead."
        )
    try:
        if not quantity.is_finite():
            raise QuantityError("Enter the quantity as a number, like 4 or 2.5.")
        exponent = quantity.normalize().as_tuple().exponent
    except (InvalidOperation, AttributeError) as error:
        raise QuantityError("Enter the quantity as a number, like 4 or 2.5.") from error
    if quantity <= 0:
        raise QuantityError("The quantity a week must be more than 0.")
    if isinstance(exponent, int) and exponent < -2:
        raise QuantityError("The quantity can have at most 2 decimal places, like 2.25.")
    limit = MAX_PER_WEEK[unit]
    if quantity > limit:
        singular, plural = UNIT_WORDS[unit]
        words = singular if limit == 1 else plural
        raise QuantityError(f"The quantity a week must be {limit} {words} or fewer.")
    return quantity


def line_weekly_cost(amount: Decimal, unit: str, quantity: Decimal) -> Decimal:
    """A line's cost a week, to the penny: amount x quantity (x the unit's weekly factor)."""
    factor = WEEKLY_FACTOR.get(unit, Decimal(1))
    return to_penny(amount * quantity * factor)


@dataclass(frozen=True)
class Totals:
    weekly: Decimal
    annual: Decimal


def plan_totals(weekly_costs: Iterable[Decimal]) -> Totals:
    """The weekly total (the sum of the lines' rounded weekly costs) and the annual total."""
    weekly = sum((to_penny(cost) for cost in weekly_costs), Decimal("0.00"))
    return Totals(weekly=to_penny(weekly), annual=to_penny(weekly * WEEKS_PER_YEAR))


def budget_difference(budget: Decimal | None, weekly: Decimal) -> Decimal | None:
    """Budget minus weekly cost (negative when the plan costs more); None without a budget."""
    if budget is None:
        return None
    return to_penny(budget - weekly)
