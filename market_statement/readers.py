"""Figures the market statement needs from the journey apps, which sit above it.

The statement may not import `marketplace` (tests/test_architecture.py): the plans and RAS apps
hand over their selectors here in their AppConfig.ready(), and the metrics ask through `read`.
A figure whose reader is missing (the app is not installed) says so instead of failing.

- "service_activity": `(start, end) -> ServiceActivity`, enquiries, shortlistings and plan
  lines in the period (marketplace.plans.selectors.service_activity).
- "ras_rate": `(months) -> MonthlyRate | None`, the active RAS scheme's money per point now and
  at each month end (marketplace.ras.selectors.monthly_rate).
- "review_figures": `(*, own_words=True) -> ReviewFigures`, support plan reviews due, overdue
  and done, the outcomes achieved at them and the most chosen outcomes, with `own_words=False`
  only those from the council's list (marketplace.plans.selectors.review_figures).
"""

from collections.abc import Callable
from typing import Any

_readers: dict[str, Callable[..., Any]] = {}


class MissingReader(LookupError):
    """No installed app provides this reader."""


def provide(name: str, reader: Callable[..., Any]) -> None:
    """Register (or replace) the reader `name`."""
    _readers[name] = reader


def read(name: str, *args: Any, **kwargs: Any) -> Any:
    try:
        reader = _readers[name]
    except KeyError:
        raise MissingReader(name) from None
    return reader(*args, **kwargs)
