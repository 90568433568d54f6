"""Market figures from the live catalogue: the selectors behind every data block and the
commissioner dashboard. Reads only; the maths is in stats.py, the shape of a result in
figures.py.

Rules every metric follows:
- "On the market" means what the public can find: published, confirmed in the last 12 months,
  from an active organisation (Service.objects.visible()).
- A service is "in" a locality if it serves it by the catalogue's one rule
  (catalogue.selectors.serves, the rule search and the API follow): it is based there, lists the
  locality as an area served, or its own radius reaches the locality's centre; it is "in" a
  category if it is listed under it or under one of its sub-categories.
- Prices are compared only in the category's reference unit (Category.effective_unit); a price
  in another unit (a weekly live-in price in "Care at home", which is priced per hour) is left
  out rather than converted.
- Queries are bounded: each metric reads the catalogue in a fixed number of queries (one per
  table it needs) and aggregates in Python, so the cost in queries never grows with the number
  of services.
- Results are cached for MARKET_STATEMENT_CACHE_SECONDS (default 300), keyed by metric and
  options; any change to a service or a price moves a version number in the key (apps.py), so
  live figures are never older than the last catalogue change.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from catalogue.models import (
    Category,
    CQCRating,
    Locality,
    PriceOption,
    PriceRecord,
    Service,
    ServiceChange,
    Unit,
)
from catalogue.rules import months_before
from catalogue.selectors import Coverage, Place, coverages, serves

from . import readers, stats
from .figures import Column, Figures

CACHE_VERSION_KEY = "market-statement:version"
UNIT_LABELS = dict(Unit.choices)
NOT_KNOWN = "Not known"


def cache_seconds() -> int:
    return int(settings.MARKET_STATEMENT_CACHE_SECONDS)


def invalidate_cache() -> None:
    """Make every cached figure stale at once (called after any catalogue change commits)."""
    try:
        cache.incr(CACHE_VERSION_KEY)
    except ValueError:
        cache.set(CACHE_VERSION_KEY, 1, None)


# --- options ------------------------------------------------------------------------------------


PERIOD_CHOICES = [(3, "3 months"), (6, "6 months"), (12, "12 months"), (24, "24 months")]


@dataclass(frozen=True)
class Options:
    """What a data block asks for. Empty category / locality means all of them."""

    category: str = ""  # a Category slug
    locality: str = ""  # a Locality slug
    period_months: int = 12
    distance_km: int = 10

    def key(self) -> str:
        text = f"{self.category}|{self.locality}|{self.period_months}|{self.distance_km}"
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


# --- reading the catalogue ----------------------------------------------------------------------


@dataclass
class CategoryInfo:
    id: int
    parent_id: int | None
    name: str
    slug: str
    label: str
    unit: str
    children: list[int] = field(default_factory=list)

    @property
    def family(self) -> set[int]:
        return {self.id, *self.children}


class Reference:
    """Categories and localities, read once (two queries)."""

    def __init__(self) -> None:
        rows = list(
            Category.objects.order_by("sort_order", "name").values(
                "id", "parent_id", "name", "slug", "reference_unit"
            )
        )
        by_id = {row["id"]: row for row in rows}
        self.categories: dict[int, CategoryInfo] = {}
        for row in rows:
            parent = by_id.get(row["parent_id"])
            self.categories[row["id"]] = CategoryInfo(
                id=row["id"],
                parent_id=row["parent_id"],
                name=row["name"],
                slug=row["slug"],
                label=f"{parent['name']} > {row['name']}" if parent else row["name"],
                unit=row["reference_unit"] or (parent["reference_unit"] if parent else ""),
            )
        for info in self.categories.values():
            if info.parent_id in self.categories:
                self.categories[info.parent_id].children.append(info.id)
        self.localities: list[dict[str, Any]] = [
            dict(row)
            for row in Locality.objects.order_by("name").values(
                "id", "name", "slug", "easting", "northing"
            )
        ]

    def tree(self) -> list[CategoryInfo]:
        """Top-level categories in order, each followed by its sub-categories."""
        ordered = []
        for info in self.categories.values():
            if info.parent_id is None:
                ordered.append(info)
                ordered.extend(self.categories[child] for child in info.children)
        return ordered

    def category(self, slug: str) -> CategoryInfo | None:
        return next((c for c in self.categories.values() if c.slug == slug), None)

    def locality(self, slug: str) -> dict | None:
        return next((loc for loc in self.localities if loc["slug"] == slug), None)

    def locality_name(self, locality_id: int | None) -> str:
        found = next((loc for loc in self.localities if loc["id"] == locality_id), None)
        return found["name"] if found else NOT_KNOWN


SERVICE_FIELDS = (
    "id",
    "organisation_id",
    "locality_id",
    "easting",
    "northing",
    "beds",
    "vacancies",
    "accepting_new_clients",
    "cqc_location_id",
    "cqc_overall",
    "review_count",
    "review_mean",
    "review_score",
    "published_at",
    "started_trading_on",
    "status",
)


class Listings:
    """A set of services with their categories and where they serve (four queries)."""

    def __init__(self, queryset: QuerySet[Service]) -> None:
        self.services: dict[int, dict[str, Any]] = {
            row["id"]: row for row in queryset.values(*SERVICE_FIELDS)
        }
        ids = queryset.values("pk")
        self.categories: dict[int, set[int]] = defaultdict(set)
        for service_id, category_id in Service.categories.through.objects.filter(
            service_id__in=ids
        ).values_list("service_id", "category_id"):
            self.categories[service_id].add(category_id)
        self.coverage: dict[int, Coverage] = coverages(queryset)
        self._places: dict[int, Place] = {}

    def in_category(self, service_id: int, category: CategoryInfo | None) -> bool:
        return category is None or bool(self.categories[service_id] & category.family)

    def in_locality(self, service_id: int, locality: dict | None) -> bool:
        if locality is None:
            return True
        place = self._places.get(locality["id"])
        if place is None:
            place = self._places[locality["id"]] = Place.of_locality(
                id=locality["id"],
                slug=locality["slug"],
                easting=locality["easting"],
                northing=locality["northing"],
            )
        return serves(self.coverage[service_id], place)

    def select(self, category: CategoryInfo | None, locality: dict | None) -> list[dict]:
        return [
            service
            for service_id, service in self.services.items()
            if self.in_category(service_id, category) and self.in_locality(service_id, locality)
        ]


def on_the_market() -> QuerySet[Service]:
    return Service.objects.visible()


# --- the metric registry ------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    family: str  # supply, price, quality, demand, gaps, ras, plans
    compute: Callable[[Options, Reference], Figures]
    description: str = ""


METRICS: dict[str, Metric] = {}


def metric(key: str, label: str, family: str, description: str = ""):
    def register(function: Callable[[Options, Reference], Figures]):
        METRICS[key] = Metric(key, label, family, function, description)
        return function

    return register


def choices_for(family: str) -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in METRICS.values() if m.family == family]


def compute(key: str, options: Options) -> Figures:
    """The figures of metric `key` with `options`, computed now from the catalogue (uncached).

    An unknown metric, or a category or locality that no longer exists, gives figures with no
    rows and a note saying why, never an error: a published statement must always render."""
    found = METRICS.get(key)
    if found is None:
        return _empty(key, "Figures", "This kind of figure is no longer available.")
    reference = Reference()
    if options.category and reference.category(options.category) is None:
        return _empty(key, found.label, "The category chosen for these figures no longer exists.")
    if options.locality and reference.locality(options.locality) is None:
        return _empty(key, found.label, "The locality chosen for these figures no longer exists.")
    return found.compute(options, reference)


def figures_for(key: str, options: Options) -> Figures:
    """compute(), through the cache."""
    version = cache.get(CACHE_VERSION_KEY, 0)
    cache_key = f"market-statement:{version}:{key}:{options.key()}"
    cached = cache.get(cache_key)
    if cached is not None:
        return Figures.from_dict(cached)
    figures = compute(key, options)
    cache.set(cache_key, figures.to_dict(), cache_seconds())
    return figures


def _now() -> datetime:
    return timezone.now()


def _empty(key: str, title: str, note: str) -> Figures:
    return Figures(
        metric=key,
        title=title,
        as_of=_now().isoformat(),
        columns=[Column("label", "Item", "text")],
        rows=[],
        summary=note,
        notes=[note],
    )


def _scope(options: Options, reference: Reference) -> tuple[CategoryInfo | None, dict | None]:
    return reference.category(options.category), reference.locality(options.locality)


def _options_text(options: Options, reference: Reference, **extra: str) -> dict[str, str]:
    category, locality = _scope(options, reference)
    text = {
        "Category": category.label if category else "All categories",
        "Locality": locality["name"] if locality else "All localities",
    }
    text.update(extra)
    return text


def _count(number: int, one: str, many: str) -> str:
    """1 -> '1 support plan', 2 -> '2 support plans'."""
    return f"{number} {one if number == 1 else many}"


def _group_name(label: str) -> str:
    """A row label inside a sentence: the searches with no category read as such."""
    return "searches with no category chosen" if label == "No category chosen" else label


def _where(category: CategoryInfo | None, locality: dict | None) -> str:
    parts = []
    if category:
        parts.append(f"in {category.label}")
    if locality:
        parts.append(f"in {locality['name']}")
    return (" " + " ".join(parts)) if parts else ""


Membership = Callable[["Listings", int], bool]


def _locality_test(locality: dict[str, Any]) -> Membership:
    return lambda listings, service_id: listings.in_locality(service_id, locality)


def _category_test(category: CategoryInfo) -> Membership:
    return lambda listings, service_id: listings.in_category(service_id, category)


def _groups(
    options: Options, reference: Reference
) -> tuple[str, list[tuple[str, Callable[[Listings, int], bool]]]]:
    """The rows of a by-category-or-locality table: by locality when a category is chosen
    without a locality, otherwise by category (the chosen one and its sub-categories)."""
    category, locality = _scope(options, reference)
    if category and not locality:
        return "Locality", [(loc["name"], _locality_test(loc)) for loc in reference.localities]
    infos = reference.tree()
    if category:
        infos = [info for info in infos if info.id in category.family]
    return "Category", [(info.label, _category_test(info)) for info in infos]


# --- supply -------------------------------------------------------------------------------------


@metric(
    "providers_services",
    "Providers and services",
    "supply",
    "How many providers and services there are, by category or by locality.",
)
def providers_services(options: Options, reference: Reference) -> Figures:
    category, locality = _scope(options, reference)
    listings = Listings(on_the_market())
    chosen = listings.select(category, locality)
    label, groups = _groups(options, reference)
    chosen_ids = {s["id"] for s in chosen}
    rows: list[dict[str, Any]] = []
    for name, belongs in groups:
        members = [listings.services[sid] for sid in chosen_ids if belongs(listings, sid)]
        if not members:
            continue
        rows.append(
            {
                "label": name,
                "providers": len({s["organisation_id"] for s in members}),
                "services": len(members),
            }
        )
    providers = len({s["organisation_id"] for s in chosen})
    summary = f"{len(chosen)} services from {providers} providers{_where(category, locality)}."
    if rows:
        top = max(rows, key=lambda row: row["services"])
        summary += f" The most services: {top['label']} ({top['services']})."
    return Figures(
        metric="providers_services",
        title="Providers and services",
        as_of=_now().isoformat(),
        columns=[
            Column("label", label, "text"),
            Column("providers", "Providers"),
            Column("services", "Services"),
        ],
        rows=rows,
        chart={"kind": "bar", "series": ["services", "providers"]},
        summary=summary,
        options=_options_text(options, reference),
        notes=["A service listed in several categories or localities counts in each of them."],
    )


@metric(
    "care_homes",
    "Care home beds and vacancies",
    "supply",
    "Beds and vacancies of services with beds (care homes), by locality.",
)
def care_homes(options: Options, reference: Reference) -> Figures:
    category, locality = _scope(options, reference)
    listings = Listings(on_the_market().filter(beds__isnull=False))
    homes = listings.select(category, locality)
    by_locality: dict[str, list[dict]] = defaultdict(list)
    for home in homes:
        by_locality[reference.locality_name(home["locality_id"])].append(home)
    order = [loc["name"] for loc in reference.localities] + [NOT_KNOWN]
    rows = []
    for name in order:
        members = by_locality.get(name)
        if not members:
            continue
        beds = sum(h["beds"] or 0 for h in members)
        vacancies = sum(h["vacancies"] or 0 for h in members)
        rows.append(
            {
                "label": name,
                "homes": len(members),
                "beds": beds,
                "vacancies": vacancies,
                "vacancy_rate": str(stats.share(vacancies, beds)),
                "accepting": sum(1 for h in members if h["accepting_new_clients"]),
            }
        )
    beds = sum(row["beds"] for row in rows)
    vacancies = sum(row["vacancies"] for row in rows)
    return Figures(
        metric="care_homes",
        title="Care home beds and vacancies",
        as_of=_now().isoformat(),
        columns=[
            Column("label", "Locality (where the home is)", "text"),
            Column("homes", "Homes"),
            Column("beds", "Beds"),
            Column("vacancies", "Vacancies"),
            Column("vacancy_rate", "Vacancy rate", "percent"),
            Column("accepting", "Accepting new residents"),
        ],
        rows=rows,
        chart={"kind": "bar", "series": ["beds", "vacancies"]},
        summary=(
            f"{len(homes)} homes with {beds} beds{_where(category, locality)}; "
            f"{vacancies} vacancies ({stats.share(vacancies, beds)}% of beds)."
        ),
        options=_options_text(options, reference),
        notes=["Vacancies are as the homes last reported them."],
    )


def period_start(months: int, now: datetime) -> datetime:
    return months_before(now, months)


@metric(
    "openings_closures",
    "Services opened and closed",
    "supply",
    "Services that started trading, and services archived or suspended, over a period.",
)
def openings_closures(options: Options, reference: Reference) -> Figures:
    # Opened means started trading in the period (Service.started_trading_on: the provider's
    # date or the CQC registration date), never the listing joining the site, which would show
    # the whole market as new in a deployment's first year. Listings with no date are not
    # counted as opened; how many of those are on the market is said beside the figures.
    category, locality = _scope(options, reference)
    now = _now()
    start = period_start(options.period_months, now)
    first_day, today = timezone.localdate(start), timezone.localdate(now)
    undated_on_market = on_the_market().filter(started_trading_on__isnull=True)
    closing_actions = [ServiceChange.Action.ARCHIVED, ServiceChange.Action.SUSPENDED]
    closed_statuses = {Service.Status.ARCHIVED, Service.Status.SUSPENDED}
    closed_at: dict[int, datetime] = {}
    for service_id, created_at in (
        ServiceChange.objects.filter(action__in=closing_actions, created_at__gte=start)
        .order_by("created_at")
        .values_list("service_id", "created_at")
    ):
        closed_at[service_id] = created_at
    listings = Listings(
        Service.objects.filter(
            published_at__isnull=False,
            started_trading_on__gte=first_day,
            started_trading_on__lte=today,
        )
        | Service.objects.filter(pk__in=list(closed_at))
        | undated_on_market
    )
    in_scope = {s["id"] for s in listings.select(category, locality)}
    opened = {
        sid
        for sid in in_scope
        if listings.services[sid]["published_at"]
        and listings.services[sid]["started_trading_on"]
        and first_day <= listings.services[sid]["started_trading_on"] <= today
    }
    undated = in_scope & set(undated_on_market.values_list("pk", flat=True))
    closed = {
        sid
        for sid in in_scope
        if sid in closed_at and listings.services[sid]["status"] in closed_statuses
    }
    label, groups = _groups(options, reference)
    rows = []
    for name, belongs in groups:
        o = sum(1 for sid in opened if belongs(listings, sid))
        c = sum(1 for sid in closed if belongs(listings, sid))
        if o or c:
            rows.append({"label": name, "opened": o, "closed": c, "net": o - c})
    period = dict(PERIOD_CHOICES).get(options.period_months, f"{options.period_months} months")
    return Figures(
        metric="openings_closures",
        title=f"Services opened and closed in the last {period}",
        as_of=now.isoformat(),
        columns=[
            Column("label", label, "text"),
            Column("opened", "Opened"),
            Column("closed", "Closed"),
            Column("net", "Net change"),
        ],
        rows=rows,
        chart={"kind": "bar", "series": ["opened", "closed"]},
        summary=(
            f"In the last {period}, {len(opened)} services opened and {len(closed)} closed"
            f"{_where(category, locality)}: a net change of {len(opened) - len(closed):+d}."
            + (
                f" {len(undated)} service{'s' if len(undated) != 1 else ''} on the market "
                f"{'do' if len(undated) != 1 else 'does'} not say when "
                f"{'they' if len(undated) != 1 else 'it'} started trading and "
                f"{'are' if len(undated) != 1 else 'is'} not counted as opened."
                if undated
                else ""
            )
        ),
        options=_options_text(options, reference, Period=f"the last {period}"),
        notes=[
            "Opened: started trading in the period (the date the provider gave, or the date "
            "the CQC registered the service), not the date the listing joined this site. "
            "Closed: archived by the provider or suspended by the council in the period, and "
            "not back on the market since.",
            f"Services with no trading start date are not counted as opened: {len(undated)} "
            "on the market have none.",
        ],
    )


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


# --- quality ------------------------------------------------------------------------------------

CQC_ORDER = [value for value, _label in CQCRating.choices]
NOT_RATED = "Not yet rated"


@metric(
    "cqc_ratings",
    "CQC ratings",
    "quality",
    "How many CQC-registered services have each overall rating.",
)
def cqc_ratings(options: Options, reference: Reference) -> Figures:
    category, locality = _scope(options, reference)
    listings = Listings(on_the_market().exclude(cqc_location_id="", cqc_overall=""))
    registered = listings.select(category, locality)
    counts = dict.fromkeys([*CQC_ORDER, NOT_RATED], 0)
    for service in registered:
        counts[service["cqc_overall"] if service["cqc_overall"] in counts else NOT_RATED] += 1
    total = len(registered)
    rows = [
        {"label": name, "services": count, "share": str(stats.share(count, total))}
        for name, count in counts.items()
    ]
    good = counts[CQCRating.OUTSTANDING] + counts[CQCRating.GOOD]
    rated = total - counts[NOT_RATED]
    return Figures(
        metric="cqc_ratings",
        title="CQC ratings",
        as_of=_now().isoformat(),
        columns=[
            Column("label", "Overall rating", "text"),
            Column("services", "Services"),
            Column("share", "Share", "percent"),
        ],
        rows=rows,
        chart={"kind": "bar", "series": ["services"]},
        summary=(
            f"{total} CQC-registered services{_where(category, locality)}; {good} of the "
            f"{rated} rated ({stats.share(good, rated)}%) are rated Good or Outstanding."
        ),
        options=_options_text(options, reference),
        notes=["Overall ratings as last published by the Care Quality Commission."],
    )


@metric(
    "review_scores",
    "Review scores",
    "quality",
    "Reviews of the last 24 months: how many, their mean rating and ranking score.",
)
def review_scores(options: Options, reference: Reference) -> Figures:
    category, locality = _scope(options, reference)
    listings = Listings(on_the_market())
    chosen = {s["id"] for s in listings.select(category, locality)}
    label, groups = _groups(options, reference)
    rows = []
    for name, belongs in groups:
        members = [listings.services[sid] for sid in chosen if belongs(listings, sid)]
        reviewed = [s for s in members if s["review_count"]]
        if not members:
            continue
        mean = stats.weighted_mean((s["review_mean"], s["review_count"]) for s in reviewed)
        scores = [s["review_score"] for s in reviewed if s["review_score"] is not None]
        score = stats.weighted_mean((value, 1) for value in scores)
        rows.append(
            {
                "label": name,
                "services": len(members),
                "reviewed": len(reviewed),
                "reviews": sum(s["review_count"] for s in reviewed),
                "mean": str(mean) if mean is not None else None,
                "score": str(score) if score is not None else None,
            }
        )
    everything = [
        listings.services[sid] for sid in chosen if listings.services[sid]["review_count"]
    ]
    overall = stats.weighted_mean((s["review_mean"], s["review_count"]) for s in everything)
    reviews = sum(s["review_count"] for s in everything)
    return Figures(
        metric="review_scores",
        title="Review scores",
        as_of=_now().isoformat(),
        columns=[
            Column("label", label, "text"),
            Column("services", "Services"),
            Column("reviewed", "Services with reviews"),
            Column("reviews", "Reviews"),
            Column("mean", "Mean rating (1 to 5)", "decimal"),
            Column("score", "Mean ranking score", "decimal"),
        ],
        rows=rows,
        chart={"kind": "bar", "series": ["mean"]},
        summary=(
            f"{reviews} reviews of {len(everything)} services{_where(category, locality)}"
            + (f", with a mean rating of {overall} out of 5." if overall is not None else ".")
        ),
        options=_options_text(options, reference),
        notes=[
            "Published reviews of the last 24 months. The mean rating weighs each service by "
            "its number of reviews; the ranking score is a Bayesian average."
        ],
    )


# --- gaps ---------------------------------------------------------------------------------------


def locality_gaps(
    reference: Reference, listings: Listings, category: CategoryInfo, distance_km: int
) -> list[dict]:
    """For each locality, whether `category` is provided there: by a service based within
    distance_km of the locality's centre (grid distance from its public location), or by one
    that serves the locality (catalogue.selectors.serves). A locality with neither is a gap."""
    limit_m = distance_km * 1000
    members = [sid for sid in listings.services if listings.in_category(sid, category)]
    points = {sid: point for sid in members if (point := listings.coverage[sid].base) is not None}
    rows = []
    for loc in reference.localities:
        serving = [sid for sid in members if listings.in_locality(sid, loc)]
        nearest = within = None
        if loc["easting"] is not None and loc["northing"] is not None:
            centre = (loc["easting"], loc["northing"])
            distances = [stats.grid_distance_m(centre, point) for point in points.values()]
            nearest = min(distances) if distances else None
            within = sum(1 for d in distances if d <= limit_m)
        covered = bool(serving) or bool(within)
        rows.append(
            {
                "label": loc["name"],
                "nearest_km": (
                    str(Decimal(nearest / 1000).quantize(Decimal("0.1")))
                    if nearest is not None
                    else None
                ),
                "within": within,
                "serving": len(serving),
                "status": "Covered" if covered else "Gap",
            }
        )
    return rows


@metric(
    "gaps",
    "Gaps: localities without a provider",
    "gaps",
    "Localities with no service of a category within a set distance or serving the area.",
)
def gaps(options: Options, reference: Reference) -> Figures:
    category, _locality = _scope(options, reference)
    if category is None:
        return _empty("gaps", "Gaps", "Choose a category to find the localities it does not reach.")
    rows = locality_gaps(reference, Listings(on_the_market()), category, options.distance_km)
    missing = [row["label"] for row in rows if row["status"] == "Gap"]
    summary = (
        f"{len(missing)} of {len(rows)} localities have no {category.label} service within "
        f"{options.distance_km} km or serving the area"
        + (f": {', '.join(missing)}." if missing else ".")
    )
    return Figures(
        metric="gaps",
        title=f"Gaps in {category.label} within {options.distance_km} km",
        as_of=_now().isoformat(),
        columns=[
            Column("label", "Locality", "text"),
            Column("nearest_km", "Nearest service", "distance"),
            Column("within", f"Services within {options.distance_km} km"),
            Column("serving", "Services serving it (based there, naming it or reaching it)"),
            Column("status", "Gap or covered", "text"),
        ],
        rows=rows,
        chart={"kind": "bar", "series": ["within"]},
        summary=summary,
        options={
            "Category": category.label,
            "Distance": f"{options.distance_km} km from the centre of each locality",
        },
        notes=[
            "Distances are straight lines on the National Grid from each locality's centre; a "
            "locality whose centre is not known is covered only by services naming it."
        ],
    )


# --- the dashboard ------------------------------------------------------------------------------


def coverage_matrix(distance_km: int) -> dict[str, Any]:
    """Services per locality and category, all at once, with the gaps marked: the dashboard's
    overview. A fixed number of queries, whatever the size of the catalogue."""
    reference = Reference()
    listings = Listings(on_the_market())
    categories = [info for info in reference.tree() if info.parent_id is None]
    rows: list[dict[str, Any]] = []
    for loc in reference.localities:
        cells: list[dict[str, Any]] = []
        for info in categories:
            count = sum(
                1
                for sid in listings.services
                if listings.in_category(sid, info) and listings.in_locality(sid, loc)
            )
            cells.append({"category": info.label, "count": count})
        rows.append({"locality": loc["name"], "cells": cells})
    gap_counts: dict[str, int] = {}
    for index, info in enumerate(categories):
        gap_rows = locality_gaps(reference, listings, info, distance_km)
        for row_index, gap in enumerate(gap_rows):
            rows[row_index]["cells"][index]["gap"] = gap["status"] == "Gap"
        gap_counts[info.label] = sum(1 for gap in gap_rows if gap["status"] == "Gap")
    return {
        "categories": [info.label for info in categories],
        "rows": rows,
        "gap_counts": gap_counts,
        "as_of": _now(),
        "distance_km": distance_km,
    }


# --- demand signals -------------------------------------------------------------------------------
# Read from the search app (searches that found little) and, through market_statement.readers,
# from the plans app (enquiries, shortlists, support plans), which sits above this one.


@metric(
    "low_result_searches",
    "Searches with few or no results",
    "demand",
    "What people searched for and did not find, by category or by locality, over a period.",
)
def low_result_searches(options: Options, reference: Reference) -> Figures:
    from search.models import LowResultSearch

    category, locality = _scope(options, reference)
    now = _now()
    start = period_start(options.period_months, now)
    searches = LowResultSearch.objects.filter(created_at__gte=start, created_at__lte=now)
    if category:
        searches = searches.filter(
            category__in=[reference.categories[i].slug for i in category.family]
        )
    if locality:
        searches = searches.filter(locality=locality["slug"])
    rows_by: dict[str, dict[str, Any]] = {}
    by_locality = bool(category and not locality)
    slugs = {info.slug: info.label for info in reference.categories.values()}
    places = {loc["slug"]: loc["name"] for loc in reference.localities}
    for category_slug, locality_slug, total in searches.values_list(
        "category", "locality", "total"
    ):
        if by_locality:
            label = places.get(locality_slug, "No locality given")
        else:
            label = slugs.get(category_slug, "No category chosen")
        row = rows_by.setdefault(label, {"label": label, "searches": 0, "none": 0})
        row["searches"] += 1
        row["none"] += 1 if total == 0 else 0
    rows = sorted(rows_by.values(), key=lambda row: (-row["searches"], row["label"]))
    count = sum(row["searches"] for row in rows)
    nothing = sum(row["none"] for row in rows)
    period = dict(PERIOD_CHOICES).get(options.period_months, f"{options.period_months} months")
    return Figures(
        metric="low_result_searches",
        title=f"Searches with few or no results in the last {period}",
        as_of=now.isoformat(),
        columns=[
            Column("label", "Locality" if by_locality else "Category searched for", "text"),
            Column("searches", "Searches with few or no results"),
            Column("none", "Searches with no results"),
        ],
        rows=rows,
        chart={"kind": "bar", "series": ["searches", "none"]},
        summary=(
            f"In the last {period}, {_count(count, 'search', 'searches')}"
            f"{_where(category, locality)} found few or no services; {nothing} found none."
            + (
                f" The largest group: {_group_name(rows[0]['label'])}, with {rows[0]['searches']}."
                if rows
                else ""
            )
        ),
        options=_options_text(options, reference, Period=f"the last {period}"),
        notes=[
            "The search records a search that finds few or no services; it keeps no personal "
            "details and no full postcodes."
        ],
    )


@metric(
    "marketplace_activity",
    "Enquiries, shortlists and support plans",
    "demand",
    "How often people enquire about, shortlist and plan with services, by category.",
)
def marketplace_activity(options: Options, reference: Reference) -> Figures:
    category, locality = _scope(options, reference)
    now = _now()
    start = period_start(options.period_months, now)
    try:
        activity = readers.read("service_activity", start, now)
    except readers.MissingReader:
        return _empty(
            "marketplace_activity",
            "Enquiries, shortlists and support plans",
            "Enquiries and support plans are not part of this site.",
        )
    enquiries, shortlisted, planned = activity.enquiries, activity.shortlisted, activity.planned
    ids = set(enquiries) | set(shortlisted) | {sid for sid, _plan in planned}
    listings = Listings(Service.objects.filter(pk__in=ids))
    label, groups = _groups(options, reference)
    in_scope = {
        sid
        for sid in listings.services
        if listings.in_category(sid, category) and listings.in_locality(sid, locality)
    }
    rows = []
    for name, belongs in groups:
        members = {sid for sid in in_scope if belongs(listings, sid)}
        row = {
            "label": name,
            "enquiries": sum(1 for sid in enquiries if sid in members),
            "shortlisted": sum(1 for sid in shortlisted if sid in members),
            "plans": len({plan for sid, plan in planned if sid in members}),
        }
        if row["enquiries"] or row["shortlisted"] or row["plans"]:
            rows.append(row)
    period = dict(PERIOD_CHOICES).get(options.period_months, f"{options.period_months} months")
    total_enquiries = sum(1 for sid in enquiries if sid in in_scope)
    total_plans = len({plan for sid, plan in planned if sid in in_scope})
    return Figures(
        metric="marketplace_activity",
        title=f"Enquiries, shortlists and support plans in the last {period}",
        as_of=now.isoformat(),
        columns=[
            Column("label", label, "text"),
            Column("enquiries", "Enquiries"),
            Column("shortlisted", "Times shortlisted"),
            Column("plans", "Support plans using it"),
        ],
        rows=rows,
        chart={"kind": "bar", "series": ["enquiries", "shortlisted", "plans"]},
        summary=(
            f"In the last {period}, {_count(total_enquiries, 'enquiry was', 'enquiries were')} "
            f"sent and {_count(total_plans, 'support plan', 'support plans')} used services"
            f"{_where(category, locality)}."
        ),
        options=_options_text(options, reference, Period=f"the last {period}"),
        notes=["Shortlists count signed-in people's shortlists; a plan counts once per row."],
    )


# --- the RAS rate ---------------------------------------------------------------------------------


@metric(
    "ras_rate",
    "RAS money per point",
    "ras",
    "The Resource Allocation System's money per point now and how it moved, month by month.",
)
def ras_rate(options: Options, reference: Reference) -> Figures:
    now = _now()
    try:
        rate = readers.read("ras_rate", options.period_months)
    except readers.MissingReader:
        rate = None
    if rate is None:
        return _empty("ras_rate", "RAS money per point", "There is no active RAS scheme.")
    rows = [
        {"label": day.strftime("%b %Y"), "rate": str(value) if value is not None else None}
        for day, value in rate.months
    ]
    priced = [row for row in rows if row["rate"] is not None]
    period = dict(PERIOD_CHOICES).get(options.period_months, f"{options.period_months} months")
    market_mode = rate.market_mode
    if rate.money_per_point is not None:
        # The RAS pays nothing: its rate indicates budgets, which a practitioner or a panel
        # then agrees.
        summary = (
            f"The RAS rate indicates budgets at £{rate.money_per_point} a week per point "
            f"({rate.scheme_name}); the budget itself is agreed with each person."
        )
        basis = getattr(rate, "basis_text", "the market median")
        if not market_mode:
            summary += f" The rate is not following market prices: {rate.rate_mode_label.lower()}."
        elif len(priced) >= 2:
            first, last = Decimal(str(priced[0]["rate"])), Decimal(str(priced[-1]["rate"]))
            change = stats.percent_change(first, last) or Decimal(0)
            lead = (
                "At market prices"
                if basis == "the market median"
                else f"On its rate basis ({basis})"
            )
            summary += (
                f" {lead} it moved from £{first} in {priced[0]['label']} to £{last} "
                f"in {priced[-1]['label']} ({change:+}%)."
            )
    else:
        summary = "The RAS has no money-per-point rate: " + "; ".join(rate.problems)
    return Figures(
        metric="ras_rate",
        title=f"RAS money per point over the last {period}",
        as_of=now.isoformat(),
        columns=[
            Column("label", "Month", "text"),
            Column("rate", "Money per point a week", "money"),
        ],
        rows=rows,
        chart={"kind": "line", "series": ["rate"]},
        summary=summary,
        options={
            "Scheme": f"{rate.scheme_name} (version {rate.scheme_version})",
            "Period": f"the last {period}",
        },
        notes=[rate.source] if rate.source else [],
    )


# --- support plan reviews -------------------------------------------------------------------------


def _share_row(label: str, share: Any) -> dict[str, Any]:
    percent = share.percent
    return {
        "label": label,
        "count": share.part,
        "of": share.whole,
        "percent": str(percent) if percent is not None else None,
    }


def _share_words(share: Any) -> str:
    if share.percent is None:
        return "none recorded yet"
    return f"{share.percent}% ({share.part} of {share.whole})"


@metric(
    "plan_reviews",
    "Support plan reviews and outcomes",
    "plans",
    "Reviews due, overdue and done; outcomes achieved at review for people and for carers; "
    "early reviews within the new estimate; the most chosen outcomes.",
)
def plan_reviews(options: Options, reference: Reference) -> Figures:
    """From the plans app's review figures (marketplace.plans.selectors.review_figures): the
    Surrey paper's measure ("Where progress is recorded at review, 81% of people who use
    services and 75% of carers consider their outcomes are being achieved") and the Bath pilot's
    ("17 of 24 individuals (71%) were able to purchase their care and support within their new
    “estimated budget”" at an unscheduled review). Not scoped by category or locality."""
    now = _now()
    try:
        # The statement is public: outcomes in a person's own words are never counted in it.
        review = readers.read("review_figures", own_words=False)
    except readers.MissingReader:
        return _empty(
            "plan_reviews",
            "Support plan reviews and outcomes",
            "Support plans are not part of this site.",
        )
    rows: list[dict[str, Any]] = [
        {"label": "Reviews due soon", "count": review.due, "of": None, "percent": None},
        {"label": "Reviews overdue", "count": review.overdue, "of": None, "percent": None},
        {"label": "Reviews done", "count": review.done, "of": None, "percent": None},
        _share_row("Outcomes achieved at review: people", review.achieved_people),
        _share_row("Outcomes achieved at review: carers", review.achieved_carers),
        _share_row(
            "Early (unscheduled) reviews within the new estimate", review.within_new_estimate
        ),
    ]
    rows += [
        {"label": f"Chosen outcome: {text}", "count": plans, "of": None, "percent": None}
        for text, plans in review.top_outcomes
    ]
    summary = (
        f"At review, outcomes were achieved for people in {_share_words(review.achieved_people)} "
        f"and for carers in {_share_words(review.achieved_carers)}. Of "
        f"{review.unscheduled} early reviews, those within the new estimate: "
        f"{_share_words(review.within_new_estimate)}. {review.overdue} reviews are overdue."
    )
    return Figures(
        metric="plan_reviews",
        title="Support plan reviews and outcomes",
        as_of=now.isoformat(),
        columns=[
            Column("label", "Figure", "text"),
            Column("count", "Number"),
            Column("of", "Out of"),
            Column("percent", "Share", "percent"),
        ],
        rows=rows,
        chart={"kind": "bar", "series": ["count"]},
        summary=summary,
        options={"Plans": "agreed support plans, all of them"},
        notes=[
            "An outcome counts as achieved when the review records it as achieved; partly "
            "achieved and not yet achieved do not count.",
            "An early review is within the new estimate when the plan's weekly cost is no more "
            "than the new estimate recorded at the review.",
            "'Chosen outcome' rows count the plans that chose the outcome from the council's "
            "list; outcomes written in a person's own words are not shown here.",
        ],
    )
