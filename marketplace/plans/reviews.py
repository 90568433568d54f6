"""When plans are reviewed and what reviews add up to: plain functions, no Django (table-tested).

Rules (Care Act guidance via the TLAP paper; Herefordshire's "monitor/review"):
- An agreed plan's first review falls `first_weeks` after agreement (the council sets 6 to 8);
  each review sets the next at most `interval_months` later (12: "at least every 12 months").
  Months are calendar months; a day that a month lacks falls back to its last day (31 Jan + 1
  month = 28 or 29 Feb).
- A review is "due" from `remind_days` before its date until the date, "overdue" after it.
- The share of outcomes achieved counts, over every outcome whose progress was recorded at a
  review, those recorded as achieved (partly and not yet are not achieved): 81 of 100 = 81%,
  as the Surrey paper reports ("81% of people who use services ... consider their outcomes are
  being achieved").
- At an unscheduled review (Bath and North East Somerset's pilot: "17 of 24 individuals (71%)
  were able to purchase their care and support within their new “estimated budget”") a plan is
  within its new estimate when its weekly cost is no more than the estimate.
- Shares are whole percentages, halves up; none when nothing was recorded.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

FIRST_WEEKS_RANGE = range(6, 9)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def first_review_due(agreed_on: date, first_weeks: int) -> date:
    if first_weeks not in FIRST_WEEKS_RANGE:
        raise ValueError("The first review falls 6 to 8 weeks after the plan is agreed.")
    return agreed_on + timedelta(weeks=first_weeks)


def next_review_due(reviewed_on: date, interval_months: int) -> date:
    if not 1 <= interval_months <= 12:
        raise ValueError("Reviews are at least every 12 months.")
    return add_months(reviewed_on, interval_months)


def review_state(due_on: date, today: date, remind_days: int) -> str:
    """'overdue' after the date, 'due' within `remind_days` before it, else 'scheduled'."""
    if due_on < today:
        return "overdue"
    if due_on <= today + timedelta(days=remind_days):
        return "due"
    return "scheduled"


def whole_percent(part: int, whole: int) -> int | None:
    if whole <= 0:
        return None
    return int((Decimal(100) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        return whole_percent(self.part, self.whole)


def achieved_share(progress: Iterable[str]) -> Share:
    """Of outcomes recorded at review ('achieved', 'partly', 'not-yet'), how many achieved."""
    recorded = list(progress)
    return Share(part=sum(1 for p in recorded if p == "achieved"), whole=len(recorded))


def within_estimate_share(pairs: Iterable[tuple[Decimal, Decimal]]) -> Share:
    """Of (weekly cost, new estimate) pairs, how many cost no more than the estimate."""
    rows = list(pairs)
    return Share(part=sum(1 for cost, estimate in rows if cost <= estimate), whole=len(rows))
