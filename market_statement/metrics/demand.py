"""Demand signals: searches that found little, and enquiries, shortlists and support plans."""

from __future__ import annotations

from typing import Any

from catalogue.models import (
    Service,
)

from .. import readers
from ..figures import Column, Figures
from .reading import Listings, Reference
from .registry import PERIOD_CHOICES, Options, _empty, _now, metric
from .shared import _count, _group_name, _groups, _options_text, _scope, _where, period_start

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
