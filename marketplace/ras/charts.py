"""Geometry for the calibration scatter charts (server-rendered SVG, no JavaScript).

Pixel positions are floats: they place dots on a screen and never feed back into money.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.money import to_penny

from . import calculator

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 30, 44
MAX_DOTS = 800


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Scatter:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    dots: tuple[tuple[float, float], ...]
    ras_line: Segment
    fitted_line: Segment | None
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    shown: int
    total: int
    max_points: Decimal
    max_cost: Decimal


def _nice_step(top: Decimal, count: int = 5) -> Decimal:
    raw = top / count if top > 0 else Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal(1)
    for multiple in (1, 2, 5, 10):
        if raw <= magnitude * multiple:
            return magnitude * multiple
    return magnitude * 10


def _clip(line: calculator.Line, max_x: Decimal, max_y: Decimal) -> tuple[Decimal, ...] | None:
    """The part of y = a + b x inside the box 0..max_x, 0..max_y (None if it misses)."""
    points = []
    for x in (Decimal(0), max_x):
        y = line.at(x)
        if 0 <= y <= max_y:
            points.append((x, y))
    if line.slope:
        for y in (Decimal(0), max_y):
            x = (y - line.intercept) / line.slope
            if 0 <= x <= max_x:
                points.append((x, y))
    points = sorted(set(points))
    if len(points) < 2:
        return None
    (x1, y1), (x2, y2) = points[0], points[-1]
    return x1, y1, x2, y2


def scatter(
    cases: Sequence[calculator.Case], *, rate: Decimal, fitted: calculator.Line | None
) -> Scatter:
    """Points against weekly cost, with the RAS line (cost = points x rate) and the fitted line.
    Above MAX_DOTS cases, an evenly spaced sample is drawn (the table and figures use all)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    max_x = max((c.points for c in cases), default=Decimal(1)) or Decimal(1)
    max_y = max([c.weekly_cost for c in cases] + [max_x * rate]) or Decimal(1)
    x_step, y_step = _nice_step(max_x), _nice_step(max_y)
    max_x = (max_x / x_step).to_integral_value(rounding="ROUND_CEILING") * x_step
    max_y = (max_y / y_step).to_integral_value(rounding="ROUND_CEILING") * y_step

    def px(x: Decimal) -> float:
        return round(LEFT + float(x / max_x) * plot_w, 1)

    def py(y: Decimal) -> float:
        return round(TOP + plot_h - float(y / max_y) * plot_h, 1)

    every = max(1, -(-len(cases) // MAX_DOTS))
    sample = cases[::every]
    dots = tuple((px(c.points), py(c.weekly_cost)) for c in sample)

    def segment(line: calculator.Line | None) -> Segment | None:
        if line is None:
            return None
        clipped = _clip(line, max_x, max_y)
        if clipped is None:
            return None
        x1, y1, x2, y2 = clipped
        return Segment(px(x1), py(y1), px(x2), py(y2))

    ras = segment(calculator.Line(slope=rate, intercept=Decimal(0)))
    x_ticks = tuple(
        Tick(px(x_step * i), f"{(x_step * i).normalize():f}")
        for i in range(int(max_x / x_step) + 1)
    )
    y_ticks = tuple(
        Tick(py(y_step * i), f"£{int(y_step * i):,}") for i in range(int(max_y / y_step) + 1)
    )
    return Scatter(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        plot_width=plot_w,
        plot_height=plot_h,
        dots=dots,
        ras_line=ras or Segment(px(Decimal(0)), py(Decimal(0)), px(Decimal(0)), py(Decimal(0))),
        fitted_line=segment(fitted),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        shown=len(dots),
        total=len(cases),
        max_points=max_x,
        max_cost=max_y,
    )


@dataclass(frozen=True)
class Band:
    low: Decimal
    high: Decimal
    count: int
    mean_cost: Decimal | None
    ras_current: Decimal
    ras_proposed: Decimal


def bands(
    cases: Sequence[calculator.Case], *, current: Decimal, proposed: Decimal, count: int = 8
) -> list[Band]:
    """The cases in equal bands of points: how many, their mean actual cost, and the RAS figure
    at the middle of the band (the data table that goes with the chart)."""
    if not cases:
        return []
    top = max(c.points for c in cases)
    width = (top / count) if top else Decimal(1)
    buckets: list[list[Decimal]] = [[] for _ in range(count)]
    for case in cases:
        index = min(int(case.points / width), count - 1) if top else 0
        buckets[index].append(case.weekly_cost)
    rows = []
    for i, costs in enumerate(buckets):
        low, high = width * i, width * (i + 1)
        middle = (low + high) / 2
        rows.append(
            Band(
                low=calculator.to_tenth(low),
                high=calculator.to_tenth(high),
                count=len(costs),
                mean_cost=to_penny(sum(costs, Decimal(0)) / len(costs)) if costs else None,
                ras_current=to_penny(middle * current),
                ras_proposed=to_penny(middle * proposed),
            )
        )
    return rows
