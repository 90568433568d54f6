"""Price: the spread of current prices, and how the median moved month by month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from catalogue.models import (
    PriceOption,
    PriceRecord,
    Service,
    Unit,
)

from .. import stats
from ..figures import Column, Figures
from .reading import Listings, Reference, on_the_market
from .registry import PERIOD_CHOICES, Options, _empty, _now, metric
from .shared import _options_text, _scope, _where

UNIT_LABELS = dict(Unit.choices)


# --- price --------------------------------------------------------------------------------------


def _price_columns(label: str) -> list[Column]:
    return [
        Column("label", label, "text"),
        Column("unit", "Unit", "text"),
        Column("count", "Prices"),
        Column("minimum", "Lowest", "money"),
        Column("lower_quartile", "Lower quartile", "money"),
        Column("median", "Median", "money"),
        Column("upper_quartile", "Upper quartile", "money"),
        Column("maximum", "Highest", "money"),
    ]


def _price_row(name: str, unit: str, amounts: list[Decimal]) -> dict | None:
    summary = stats.summarise_prices(amounts)
    if summary is None:
        return None
    return {
        "label": name,
        "unit": UNIT_LABELS.get(unit, unit),
        "count": summary.count,
        "minimum": str(summary.minimum),
        "lower_quartile": str(summary.lower_quartile),
        "median": str(summary.median),
        "upper_quartile": str(summary.upper_quartile),
        "maximum": str(summary.maximum),
    }


@metric(
    "price_summary",
    "Prices: median and quartiles",
    "price",
    "Median and quartiles of current prices in each category's reference unit.",
)
def price_summary(options: Options, reference: Reference) -> Figures:
    category, locality = _scope(options, reference)
    queryset = on_the_market()
    listings = Listings(queryset)
    prices: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for service_id, unit, amount in (
        PriceOption.objects.current()
        .filter(service__in=queryset.values("pk"))
        .exclude(unit=Unit.FREE)
        .values_list("service_id", "unit", "amount")
    ):
        prices[service_id].append((unit, amount))
    rows = []
    if category and not locality:
        label = "Locality"
        for loc in reference.localities:
            amounts = [
                amount
                for sid in listings.services
                if listings.in_category(sid, category) and listings.in_locality(sid, loc)
                for unit, amount in prices[sid]
                if unit == category.unit
            ]
            row = _price_row(loc["name"], category.unit, amounts)
            if row:
                rows.append(row)
    else:
        label = "Category"
        infos = [
            i for i in reference.tree() if i.unit and (category is None or i.id in category.family)
        ]
        for info in infos:
            amounts = [
                amount
                for sid in listings.services
                if listings.in_category(sid, info) and listings.in_locality(sid, locality)
                for unit, amount in prices[sid]
                if unit == info.unit
            ]
            row = _price_row(info.label, info.unit, amounts)
            if row:
                rows.append(row)
    if category:
        overall = stats.summarise_prices(
            amount
            for sid in listings.services
            if listings.in_category(sid, category) and listings.in_locality(sid, locality)
            for unit, amount in prices[sid]
            if unit == category.unit
        )
        unit_text = UNIT_LABELS.get(category.unit, category.unit)
        summary = (
            f"The median price{_where(category, locality)} is £{overall.median} {unit_text} "
            f"({overall.count} prices; half lie between £{overall.lower_quartile} and "
            f"£{overall.upper_quartile})."
            if overall
            else f"No current prices{_where(category, locality)}."
        )
    elif rows:
        summary = f"Current prices in {len(rows)} categories{_where(None, locality)}."
    else:
        summary = f"No current prices{_where(category, locality)}."
    return Figures(
        metric="price_summary",
        title="Prices: median and quartiles",
        as_of=_now().isoformat(),
        columns=_price_columns(label),
        rows=rows,
        chart={
            "kind": "range",
            "min": "minimum",
            "low": "lower_quartile",
            "mid": "median",
            "high": "upper_quartile",
            "max": "maximum",
        },
        summary=summary,
        options=_options_text(options, reference),
        unit=UNIT_LABELS.get(category.unit, "") if category else "",
        notes=[
            "Each current price option counts once, in the category's reference unit only; "
            "quartiles by linear interpolation (as a spreadsheet's QUARTILE.INC)."
        ],
    )


def _in_effect(record: dict, moment: datetime) -> bool:
    day = timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    if record["amount"] is None:
        return False
    if record["valid_from"] and record["valid_from"] > day:
        return False
    return not (record["valid_to"] and record["valid_to"] < day)


def prices_at(records: Iterable[dict], moments: list[datetime]) -> list[list[Decimal]]:
    """For each moment, the amounts in effect then: per price option, its latest record at or
    before the moment (records sorted by recorded_at), if it is a price (not a withdrawal)
    valid on that day."""
    ordered = sorted(records, key=lambda r: r["recorded_at"])
    result = []
    for moment in moments:
        latest: dict[Any, dict] = {}
        for record in ordered:
            if record["recorded_at"] > moment:
                break
            latest[record["option_uuid"]] = record
        result.append([r["amount"] for r in latest.values() if _in_effect(r, moment)])
    return result


def _month_end(year: int, month: int) -> datetime:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return timezone.make_aware(datetime.combine(first_next, time.min)) - timedelta(microseconds=1)


@metric(
    "price_trend",
    "Prices over time",
    "price",
    "The median price of a category at the end of each month, from the price history.",
)
def price_trend(options: Options, reference: Reference) -> Figures:
    category, locality = _scope(options, reference)
    now = _now()
    if category is None or not category.unit:
        return _empty("price_trend", "Prices over time", "Choose a category with a reference unit.")
    local_now = timezone.localtime(now)
    months = stats.month_ends(local_now.year, local_now.month, options.period_months)
    moments = [min(_month_end(y, m), now) for y, m in months]
    records = PriceRecord.objects.filter(
        category_id__in=category.family, unit=category.unit, recorded_at__lte=now
    )
    if locality:
        local = Listings(Service.objects.filter(pk__in=records.values("service_id")))
        records = records.filter(
            service_id__in=[sid for sid in local.services if local.in_locality(sid, locality)]
        )
    values = [
        dict(row)
        for row in records.values("option_uuid", "amount", "valid_from", "valid_to", "recorded_at")
    ]
    rows = []
    for (year, month), amounts in zip(months, prices_at(values, moments), strict=True):
        summary = stats.summarise_prices(amounts)
        rows.append(
            {
                "label": date(year, month, 1).strftime("%b %Y"),
                "count": summary.count if summary else 0,
                "lower_quartile": str(summary.lower_quartile) if summary else None,
                "median": str(summary.median) if summary else None,
                "upper_quartile": str(summary.upper_quartile) if summary else None,
            }
        )
    priced = [row for row in rows if row["median"] is not None]
    # Months before the first price say nothing (issue 20: an 11-row table of "0, none, none,
    # none" under a one-point trend).
    if priced:
        rows = rows[rows.index(priced[0]) :]
    unit = UNIT_LABELS.get(category.unit, category.unit)
    if len(priced) >= 2:
        first, last = Decimal(str(priced[0]["median"])), Decimal(str(priced[-1]["median"]))
        change = stats.percent_change(first, last) or Decimal(0)
        summary_text = (
            f"The median price of {category.label}{_where(None, locality)} went from "
            f"£{first} {unit} in {priced[0]['label']} to £{last} in {priced[-1]['label']} "
            f"({change:+}%)."
        )
    elif priced:
        summary_text = (
            f"The median price is £{priced[-1]['median']} {unit} ({priced[-1]['label']})."
        )
    else:
        summary_text = f"No price history{_where(category, locality)}."
    period = dict(PERIOD_CHOICES).get(options.period_months, f"{options.period_months} months")
    return Figures(
        metric="price_trend",
        title=f"Prices over the last {period}: {category.label}",
        as_of=now.isoformat(),
        columns=[
            Column("label", "Month", "text"),
            Column("count", "Prices"),
            Column("lower_quartile", "Lower quartile", "money"),
            Column("median", "Median", "money"),
            Column("upper_quartile", "Upper quartile", "money"),
        ],
        rows=rows,
        chart={"kind": "line", "series": ["median"]},
        summary=summary_text,
        options=_options_text(options, reference, Period=f"the last {period}"),
        unit=unit,
        notes=[
            "At the end of each month (or now, for this month): every price option's value "
            "then, from the append-only price history."
        ],
    )
