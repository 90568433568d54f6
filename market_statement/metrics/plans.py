"""Support plan reviews and outcomes."""

from __future__ import annotations

from typing import Any

from .. import readers
from ..figures import Column, Figures
from .reading import Reference
from .registry import Options, _empty, _now, metric

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
