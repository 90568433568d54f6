"""A metric's result as plain data ("figures"): what the tables, charts, CSV files and frozen
revisions are all made from. No Django here, so a published revision stores exactly this.

Figures are JSON-safe: counts are ints, money and percentages are strings of Decimals (never
floats), missing values are None.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

NUMERIC_KINDS = {"count", "money", "percent", "decimal", "distance"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # text, count, money, percent, decimal, distance


@dataclass
class Figures:
    metric: str
    title: str
    as_of: str  # ISO 8601 date and time, timezone-aware
    columns: list[Column]
    rows: list[dict[str, Any]]
    chart: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    options: dict[str, str] = field(default_factory=dict)  # option label -> chosen value
    unit: str = ""  # e.g. "per hour", for money columns
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figures:
        data = dict(data)
        data["columns"] = [Column(**column) for column in data.get("columns", [])]
        return cls(**data)

    @property
    def label_key(self) -> str:
        return self.columns[0].key if self.columns else ""

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


def format_value(value: Any, kind: str) -> str:
    """How a figure reads in a table cell, a CSV file or a sentence."""
    if value is None or value == "":
        if kind == "distance":
            return "not known"
        return "none" if kind in NUMERIC_KINDS else ""
    if kind == "money":
        return f"£{Decimal(value):,.2f}"
    if kind == "percent":
        return f"{Decimal(value)}%"
    if kind == "distance":
        return f"{Decimal(value)} km"
    if kind == "count":
        return f"{int(value):,}"
    return str(value)


def as_number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: Any) -> str:
    """Text a spreadsheet will not run as a formula (names are typed by people)."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def to_csv(figures: Figures) -> str:
    """The figures as CSV: a header of column labels, one line per row, plain numbers (money
    without the pound sign, so spreadsheets read them as numbers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_text(c.label) for c in figures.columns])
    for row in figures.rows:
        cells = []
        for column in figures.columns:
            value = row.get(column.key)
            if value is None:
                cells.append("")
            elif column.kind in NUMERIC_KINDS:
                cells.append(str(value))
            else:
                cells.append(_csv_text(value))
        writer.writerow(cells)
    return buffer.getvalue()


@dataclass(frozen=True)
class Change:
    row: str
    column: str
    was: str
    now: str


def differences(frozen: Figures, live: Figures) -> list[Change]:
    """What changed between the published figures and the live ones, cell by cell: rows are
    matched on their label (first column); rows that appeared or went are reported too."""
    key = frozen.label_key or live.label_key
    old = {str(row.get(key)): row for row in frozen.rows}
    new = {str(row.get(key)): row for row in live.rows}
    changes: list[Change] = []
    columns = [c for c in live.columns if c.kind in NUMERIC_KINDS]
    for label in [*old, *(label for label in new if label not in old)]:
        before, after = old.get(label), new.get(label)
        if before is None:
            changes.append(Change(label, "", "not listed", "listed"))
            continue
        if after is None:
            changes.append(Change(label, "", "listed", "not listed"))
            continue
        for column in columns:
            if as_number(before.get(column.key)) != as_number(after.get(column.key)):
                changes.append(
                    Change(
                        label,
                        column.label,
                        format_value(before.get(column.key), column.kind),
                        format_value(after.get(column.key), column.kind),
                    )
                )
    return changes
