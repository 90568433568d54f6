"""Chart geometry for the data blocks: where each bar, box and point goes in an SVG.

Pure Python over Figures; the templates (templates/blocks/mps_chart_*.html) draw the shapes.
Every chart is also given as a sentence and a table, so the SVG is a picture of the table, not
the only way to read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .figures import Figures, as_number, format_value

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 90
PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 10
MAX_LABEL = 30
# Council blue, dark grey, purple: each at least 3:1 against white (WCAG 1.4.11).
SERIES_COLOURS = ["#1d5b79", "#6f777b", "#912b88"]


def short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, limit: int = MAX_LABEL, lines: int = 2) -> list[str]:
    """A label on up to `lines` lines of `limit` characters, broken between words (issue 20:
    "Telecare and assistive techno..."); only what is left after the last line is cut, and
    the table under the chart always has the full text."""
    rows: list[str] = []
    for word in text.split():
        if rows and len(rows[-1]) + 1 + len(word) <= limit:
            rows[-1] += " " + word
        else:
            rows.append(word)
    if len(rows) > lines:
        rows = rows[: lines - 1] + [short(" ".join(rows[lines - 1 :]), limit)]
    return [short(row, limit) for row in rows] or [""]


@dataclass
class Bar:
    label: str
    y: int
    x: float
    width: float
    value_text: str
    series: int = 0
    height: int = BAR_HEIGHT
    label_lines: list[str] = field(default_factory=list)

    @property
    def label_y(self) -> float:
        return self.y + 13

    @property
    def label_rows(self) -> list[tuple[float, str]]:
        """(y, text) of each line of the label, 14px apart."""
        return [(self.label_y + 14 * number, line) for number, line in enumerate(self.label_lines)]

    @property
    def value_x(self) -> float:
        return round(self.x + self.width + 6, 1)

    @property
    def value_y(self) -> float:
        return self.y + self.height - 4

    @property
    def colour(self) -> str:
        return SERIES_COLOURS[self.series % len(SERIES_COLOURS)]


@dataclass
class Box:
    label: str
    y: int
    low: float  # lower quartile
    mid: float  # median
    high: float  # upper quartile
    minimum: float
    maximum: float
    value_text: str

    @property
    def label_y(self) -> float:
        return self.y + 13

    @property
    def centre_y(self) -> float:
        return self.y + BAR_HEIGHT / 2

    @property
    def box_width(self) -> float:
        return round(max(self.high - self.low, 1), 1)

    @property
    def bottom(self) -> float:
        return self.y + BAR_HEIGHT

    @property
    def value_x(self) -> float:
        return round(self.maximum + 6, 1)


@dataclass
class Chart:
    kind: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    points: str = ""  # "x,y x,y" for a polyline
    dots: list[tuple[float, float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_labels: list[tuple[float, str]] = field(default_factory=list)
    legend: list[str] = field(default_factory=list)
    x_label_y: int = 0
    label_x: int = LABEL_WIDTH - 8
    plot_x: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH

    @property
    def legend_items(self) -> list[tuple[str, str]]:
        return [
            (name, SERIES_COLOURS[i % len(SERIES_COLOURS)]) for i, name in enumerate(self.legend)
        ]

    @property
    def y_label_x(self) -> int:
        return self.plot_x - 6

    @property
    def empty(self) -> bool:
        return not (self.bars or self.boxes or self.dots)


def _scale(value: Decimal, top: Decimal) -> float:
    return float(value / top * PLOT_WIDTH) if top > 0 else 0.0


def build_chart(figures: Figures) -> Chart:
    """The chart for `figures` according to figures.chart ({"kind": "bar" | "range" | "line"})."""
    spec = figures.chart or {}
    kind = spec.get("kind", "bar")
    if kind == "range":
        return _range_chart(figures, spec)
    if kind == "line":
        return _line_chart(figures, spec)
    return _bar_chart(figures, spec)


def _bar_chart(figures: Figures, spec: dict) -> Chart:
    label_key = spec.get("label", figures.label_key)
    series = spec.get("series") or [c.key for c in figures.columns[1:2]]
    kinds = {c.key: c.kind for c in figures.columns}
    values = [as_number(row.get(key)) or Decimal(0) for row in figures.rows for key in series]
    top = max(values, default=Decimal(0))
    bars: list[Bar] = []
    # Each series' bar tall enough for its figure beside it (issue 20: two-series values
    # collided), and each row tall enough for a label on two lines.
    height = BAR_HEIGHT if len(series) == 1 else 15
    labels = [wrap(str(row.get(label_key, ""))) for row in figures.rows]
    lines = max((len(label) for label in labels), default=1)
    row_height = max(ROW_HEIGHT, height * len(series) + 10, 14 * lines + 12)
    for index, row in enumerate(figures.rows):
        for number, key in enumerate(series):
            value = as_number(row.get(key)) or Decimal(0)
            bars.append(
                Bar(
                    label=" ".join(labels[index]) if number == 0 else "",
                    label_lines=labels[index] if number == 0 else [],
                    y=TOP + index * row_height + number * height,
                    x=LABEL_WIDTH,
                    width=round(_scale(value, top), 1),
                    value_text=format_value(row.get(key), kinds.get(key, "count")),
                    series=number,
                    height=height - (2 if len(series) > 1 else 0),
                )
            )
    legend = [figures.column(key).label for key in series if figures.column(key)]  # type: ignore[union-attr]
    return Chart(
        kind="bar",
        width=WIDTH,
        height=TOP * 2 + row_height * max(len(figures.rows), 1),
        bars=bars,
        legend=legend if len(series) > 1 else [],
    )


def _range_chart(figures: Figures, spec: dict) -> Chart:
    label_key = spec.get("label", figures.label_key)
    keys = {name: spec[name] for name in ("min", "low", "mid", "high", "max")}
    rows = [row for row in figures.rows if as_number(row.get(keys["mid"])) is not None]
    top = max((as_number(row.get(keys["max"])) or Decimal(0) for row in rows), default=Decimal(0))
    boxes = []
    for index, row in enumerate(rows):
        number = {name: as_number(row.get(key)) or Decimal(0) for name, key in keys.items()}
        boxes.append(
            Box(
                label=short(str(row.get(label_key, ""))),
                y=TOP + index * ROW_HEIGHT,
                low=round(LABEL_WIDTH + _scale(number["low"], top), 1),
                mid=round(LABEL_WIDTH + _scale(number["mid"], top), 1),
                high=round(LABEL_WIDTH + _scale(number["high"], top), 1),
                minimum=round(LABEL_WIDTH + _scale(number["min"], top), 1),
                maximum=round(LABEL_WIDTH + _scale(number["max"], top), 1),
                value_text=format_value(row.get(keys["mid"]), "money"),
            )
        )
    return Chart(
        kind="range", width=WIDTH, height=TOP * 2 + ROW_HEIGHT * max(len(rows), 1), boxes=boxes
    )


def _line_chart(figures: Figures, spec: dict) -> Chart:
    label_key = spec.get("label", figures.label_key)
    key = (spec.get("series") or [figures.columns[1].key])[0]
    kind = figures.column(key).kind if figures.column(key) else "count"  # type: ignore[union-attr]
    plotted = [(row, as_number(row.get(key))) for row in figures.rows]
    present = [value for _row, value in plotted if value is not None]
    height = 220
    plot_top, plot_bottom = 20, height - 40
    left, right = 70, WIDTH - 20
    if not present:
        return Chart(kind="line", width=WIDTH, height=height)
    low, high = min(present), max(present)
    if high == low:
        low, high = low * Decimal("0.9"), high * Decimal("1.1") or Decimal(1)
    step = (right - left) / max(len(plotted) - 1, 1)
    dots: list[tuple[float, float, str]] = []
    x_labels: list[tuple[float, str]] = []
    every = max(1, -(-len(plotted) // 6))
    last = len(plotted) - 1
    for index, (row, value) in enumerate(plotted):
        x = round(left + index * step, 1)
        # Counted back from the latest, so the last label never crowds the one before it
        # (issue 20: "Nov 2026Dec 2026").
        if (last - index) % every == 0:
            x_labels.append((x, str(row.get(label_key, ""))))
        if value is None:
            continue
        y = plot_bottom - float((value - low) / (high - low)) * (plot_bottom - plot_top)
        dots.append((x, round(y, 1), format_value(row.get(key), kind)))
    return Chart(
        kind="line",
        width=WIDTH,
        height=height,
        dots=dots,
        points=" ".join(f"{x},{y}" for x, y, _text in dots),
        x_labels=x_labels,
        y_labels=[
            (plot_bottom, format_value(str(low.quantize(Decimal("0.01"))), kind)),
            (plot_top, format_value(str(high.quantize(Decimal("0.01"))), kind)),
        ],
        plot_x=left,
        plot_width=right - left,
        x_label_y=height - 15,
    )
