"""The RAS rate: the Resource Allocation System's money per point, month by month."""

from __future__ import annotations

from decimal import Decimal

from .. import readers, stats
from ..figures import Column, Figures
from .reading import Reference
from .registry import PERIOD_CHOICES, Options, _empty, _now, metric

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
