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


# --- a personal assistant employed directly ----------------------------------------------------
#
# Someone who employs their own PA pays more than the hourly pay: the rules below are what an
# employer in England owes (or should budget for) each week, with every rate coming from the
# council's declared settings (PLANS_EMPLOYER_COSTS), each with its source and year.
# - Pay: hourly pay x hours a week.
# - Holiday pay: a share of pay (5.6 weeks' statutory leave over 46.4 working weeks = 12.07%), so
#   the leave is paid and the hours can be covered while the PA is away.
# - Employer National Insurance: its rate on the week's earnings (pay + holiday pay) above the
#   secondary threshold. The Employment Allowance, which many PA employers can claim, is not
#   deducted: a plan budgets for the cost, the allowance is claimed afterwards.
# - Pension (automatic enrolment): when the week's earnings reach the earnings trigger, the
#   employer's minimum rate on qualifying earnings (between the lower and upper limits).
# - Employer's liability insurance and a payroll service: yearly charges shown a week (/ 52).
# Each part is rounded to the penny once; the PA's weekly cost is the sum of the rounded parts,
# so the parts a person sees add up to the line's cost.


@dataclass(frozen=True)
class EmployerRates:
    """The rates one PA line is costed at (a copy is kept on the line, like a price)."""

    year: str
    ni_rate: Decimal
    ni_threshold_weekly: Decimal
    ni_source: str
    holiday_rate: Decimal
    holiday_source: str
    pension_rate: Decimal
    pension_lower_weekly: Decimal
    pension_upper_weekly: Decimal
    pension_trigger_weekly: Decimal
    pension_source: str
    insurance_yearly: Decimal
    insurance_source: str
    payroll_yearly: Decimal
    payroll_source: str

    DECIMALS = (
        "ni_rate",
        "ni_threshold_weekly",
        "holiday_rate",
        "pension_rate",
        "pension_lower_weekly",
        "pension_upper_weekly",
        "pension_trigger_weekly",
        "insurance_yearly",
        "payroll_yearly",
    )

    @classmethod
    def from_mapping(cls, values: dict) -> EmployerRates:
        """From settings or a line's stored copy: Decimals as strings, rates as fractions."""
        fields = {}
        for name in cls.__dataclass_fields__:
            if name not in values:
                raise ValueError(f"The employer costs setting has no {name!r}.")
            value = values[name]
            if name in cls.DECIMALS:
                try:
                    value = Decimal(str(value))
                except InvalidOperation as error:
                    raise ValueError(f"{name} must be a number, not {values[name]!r}.") from error
                if not value.is_finite() or value < 0:
                    raise ValueError(f"{name} must be a number of 0 or more.")
            fields[name] = value
        rates = cls(**fields)
        for name in ("ni_rate", "holiday_rate", "pension_rate"):
            if getattr(rates, name) >= 1:
                raise ValueError(f"{name} is a fraction (0.15 for 15%), not a percentage.")
        if rates.pension_lower_weekly > rates.pension_upper_weekly:
            raise ValueError("pension_lower_weekly must not be above pension_upper_weekly.")
        return rates

    def as_mapping(self) -> dict[str, str]:
        return {
            name: str(getattr(self, name)) if name in self.DECIMALS else getattr(self, name)
            for name in self.__dataclass_fields__
        }


@dataclass(frozen=True)
class CostPart:
    key: str
    label: str
    weekly: Decimal
    basis: str
    source: str = ""


@dataclass(frozen=True)
class PaCosts:
    parts: tuple[CostPart, ...]

    @property
    def weekly(self) -> Decimal:
        return sum((part.weekly for part in self.parts), Decimal("0.00"))

    @property
    def pay(self) -> Decimal:
        return self.parts[0].weekly

    @property
    def on_costs(self) -> Decimal:
        return self.weekly - self.pay


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def pa_costs(hourly_pay: Decimal, hours: Decimal, rates: EmployerRates) -> PaCosts:
    """A directly employed PA's cost a week, part by part (see the rules above)."""
    pay = to_penny(hourly_pay * hours)
    holiday = to_penny(pay * rates.holiday_rate)
    earnings = pay + holiday
    ni = to_penny(max(earnings - rates.ni_threshold_weekly, Decimal(0)) * rates.ni_rate)
    if earnings >= rates.pension_trigger_weekly:
        qualifying = min(earnings, rates.pension_upper_weekly) - rates.pension_lower_weekly
        pension = to_penny(max(qualifying, Decimal(0)) * rates.pension_rate)
        pension_basis = (
            f"{_percent(rates.pension_rate)} of £{earnings} less £{rates.pension_lower_weekly}"
        )
    else:
        pension = Decimal("0.00")
        pension_basis = (
            f"£{earnings} a week is below the £{rates.pension_trigger_weekly} earnings trigger"
        )
    insurance = to_penny(rates.insurance_yearly / WEEKS_PER_YEAR)
    payroll = to_penny(rates.payroll_yearly / WEEKS_PER_YEAR)
    hours_text = f"{hours.normalize():f}"
    return PaCosts(
        parts=(
            CostPart("pay", "Pay", pay, f"{hours_text} hours at £{hourly_pay} an hour"),
            CostPart(
                "holiday",
                "Holiday pay",
                holiday,
                f"{_percent(rates.holiday_rate)} of pay",
                rates.holiday_source,
            ),
            CostPart(
                "ni",
                "Employer's National Insurance",
                ni,
                f"{_percent(rates.ni_rate)} of £{earnings} above £{rates.ni_threshold_weekly}",
                rates.ni_source,
            ),
            CostPart("pension", "Workplace pension", pension, pension_basis, rates.pension_source),
            CostPart(
                "insurance",
                "Employer's liability insurance",
                insurance,
                f"£{rates.insurance_yearly} a year",
                rates.insurance_source,
            ),
            CostPart(
                "payroll",
                "Payroll service",
                payroll,
                f"£{rates.payroll_yearly} a year",
                rates.payroll_source,
            ),
        )
    )


# --- memberships and one-off items -------------------------------------------------------------


def yearly_as_weekly(amount: Decimal) -> Decimal:
    """A membership or subscription paid once a year, as a cost a week (/ 52, to the penny)."""
    return to_penny(amount / WEEKS_PER_YEAR)


def first_year_cost(annual: Decimal, one_off: Decimal) -> Decimal:
    """The first year's cost: 52 weeks of the plan plus the one-off items (bought once)."""
    return to_penny(annual + one_off)
