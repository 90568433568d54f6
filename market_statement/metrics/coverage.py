"""Gaps: the localities a category does not reach, and the dashboard's matrix of services per
locality and category with the gaps marked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import stats
from ..figures import Column, Figures
from .reading import CategoryInfo, Listings, Reference, on_the_market
from .registry import Options, _empty, _now, metric
from .shared import _scope

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
