"""The arithmetic of the market figures: plain functions on Decimal, no Django.

- Quartiles use the "inclusive" method (linear interpolation between order statistics, as in
  spreadsheets' QUARTILE.INC and Python's statistics.quantiles(method="inclusive")): for n
  sorted values, quantile p sits at position (n - 1) * p, counted from 0.
- Money is rounded to the penny by core.money.to_penny, the site's one rounding rule.
- Distances are on the British National Grid, in metres.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.money import to_penny


def quantile(sorted_values: Sequence[Decimal], p: Decimal) -> Decimal:
    """The p-quantile (0 <= p <= 1) of already sorted values, by linear interpolation."""
    if not sorted_values:
        raise ValueError("No values.")
    if not Decimal(0) <= p <= Decimal(1):
        raise ValueError("p must be between 0 and 1.")
    position = (len(sorted_values) - 1) * p
    low = int(position)  # floor: position is never negative
    fraction = position - low
    if low + 1 >= len(sorted_values):
        return sorted_values[low]
    return sorted_values[low] + (sorted_values[low + 1] - sorted_values[low]) * fraction


@dataclass(frozen=True)
class PriceSummary:
    count: int
    minimum: Decimal
    lower_quartile: Decimal
    median: Decimal
    upper_quartile: Decimal
    maximum: Decimal


def summarise_prices(amounts: Iterable[Decimal]) -> PriceSummary | None:
    """Count, minimum, quartiles, median and maximum of the amounts, each to the penny; None
    when there are none."""
    values = sorted(Decimal(a) for a in amounts)
    if not values:
        return None
    return PriceSummary(
        count=len(values),
        minimum=to_penny(values[0]),
        lower_quartile=to_penny(quantile(values, Decimal("0.25"))),
        median=to_penny(quantile(values, Decimal("0.5"))),
        upper_quartile=to_penny(quantile(values, Decimal("0.75"))),
        maximum=to_penny(values[-1]),
    )


def grid_distance_m(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Straight-line distance between two grid references (easting, northing), in metres."""
    return math.hypot(a[0] - b[0], a[1] - b[1])


def nearest_m(origin: tuple[int, int], points: Iterable[tuple[int, int]]) -> float | None:
    """The distance in metres from origin to the nearest of points; None when there are none."""
    distances = [grid_distance_m(origin, point) for point in points]
    return min(distances) if distances else None


def share(part: int, whole: int) -> Decimal:
    """part as a percentage of whole, to one decimal place (0 when whole is 0)."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def weighted_mean(pairs: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """The mean of values weighted by counts, to two decimal places; None when no weight."""
    total = Decimal(0)
    weight = 0
    for value, count in pairs:
        total += Decimal(value) * count
        weight += count
    if not weight:
        return None
    return to_penny(total / weight)


def month_ends(last_year: int, last_month: int, count: int) -> list[tuple[int, int]]:
    """The `count` calendar months ending with (last_year, last_month), oldest first."""
    index = last_year * 12 + (last_month - 1)
    months = []
    for offset in range(count - 1, -1, -1):
        year, month = divmod(index - offset, 12)
        months.append((year, month + 1))
    return months


def percent_change(before: Decimal, after: Decimal) -> Decimal | None:
    """The change from before to after as a percentage, to one decimal place (None from 0)."""
    if not before:
        return None
    return ((after - before) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
