"""The vocabularies the search form offers and validates against (types of service, groups of
people, ways to pay, areas), read from the shared cache rather than in four queries a request.

They change when an editor edits the taxonomy or an area; every save or delete of one makes the
cached copy stale at once, in every process (core.caching's topic TAXONOMY, which
catalogue.vocabulary's signal handlers invalidate). A change made behind the ORM's back (bulk
writes, SQL) shows within core.caching.CACHE_SECONDS.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.models import Category, ClientGroup, FundingType, Locality
from core.caching import TAXONOMY, cached


@dataclass(frozen=True)
class Vocabularies:
    categories: list[Category]  # with their parents
    client_groups: list[ClientGroup]
    funding_types: list[FundingType]
    localities: list[Locality]


def _read() -> Vocabularies:
    return Vocabularies(
        categories=list(Category.objects.select_related("parent")),
        client_groups=list(ClientGroup.objects.all()),
        funding_types=list(FundingType.objects.all()),
        localities=list(Locality.objects.all()),
    )


def vocabularies() -> Vocabularies:
    """The four vocabularies in their usual order (a fresh copy: callers may change them)."""
    return cached(TAXONOMY, "search-vocabularies", _read)
