"""Quality: CQC ratings and review scores."""

from __future__ import annotations

from catalogue.models import (
    CQCRating,
)

from .. import stats
from ..figures import Column, Figures
from .reading import Listings, Reference, on_the_market
from .registry import Options, _now, metric
from .shared import _groups, _options_text, _scope, _where

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
