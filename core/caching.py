"""Reads that rarely change (the site's chrome, the taxonomy), cached until their topic changes.

Each topic ("pages", "taxonomy", ...) has a generation number in the shared cache; a cached
value's key carries the generation it was computed under, so `invalidate(topic)` makes every
value of that topic stale at once, in every process, without knowing their keys. Values also
expire after CACHE_SECONDS, so a change made behind the ORM's back heals by itself.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
# Topics: published pages and site settings (marketplace/pages/signals.py invalidates it).
PAGES = "pages"
# The catalogue's vocabularies: types of service, groups of people, ways to pay, areas
# (catalogue/vocabulary.py invalidates it).
TAXONOMY = "taxonomy"
CACHE_SECONDS = 60 * 60
_MISSING = object()


def _generation_key(topic: str) -> str:
    return f"generation:{topic}"


def generation(topic: str) -> int:
    return int(cache.get(_generation_key(topic)) or 0)


def invalidate(*topics: str) -> None:
    """Make every cached value of these topics stale (call it after the change commits)."""
    for topic in topics:
        try:
            cache.incr(_generation_key(topic))
        except ValueError:
            cache.set(_generation_key(topic), 1, None)


def cached(topic: str, key: str, compute: Callable[[], T], timeout: int = CACHE_SECONDS) -> T:
    """`compute()`, or its value cached under this topic's current generation."""
    full_key = f"cached:{topic}:{generation(topic)}:{key}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full_key, value, timeout)
    return value
