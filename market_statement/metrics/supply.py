"""Supply: providers and services, care home beds and vacancies, services opened and closed."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.utils import timezone

from catalogue.models import (
    Service,
    ServiceChange,
)

from .. import stats
from ..figures import Column, Figures
from .reading import NOT_KNOWN, Listings, Reference, on_the_market
from .registry import PERIOD_CHOICES, Options, _now, metric
from .shared import _groups, _options_text, _scope, _where, period_start

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
