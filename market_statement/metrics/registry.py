"""The metric registry (every block kind registers its metrics here with @metric), the options a
data block asks with, and the cache of computed figures."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ..figures import Column, Figures
from .reading import Reference

CACHE_VERSION_KEY = "market-statement:version"


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
