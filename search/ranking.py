"""The order people can trust, shared by both search backends (no Django: table-tested in
tests/search/test_ranking.py).

For equal relevance, and for a search without words, services are ordered by TRUST_ORDER:

1. `standing()`: a service rated Inadequate by CQC after every other; then the more of a
   price (or "free"), its availability (taking new clients or not) and reviews its listing
   has, the sooner it comes, so bare imported entries follow complete listings; then
   Requires improvement after Outstanding, Good and not (yet) rated;
2. then the review ranking: the best review score first, unreviewed services last;
3. then the most reviews; 4. then the service id, so pages never overlap.

The database backend sorts by `trust_key()` (search/backends/database/postings.py); the
Elasticsearch backend indexes `standing` with each document and sorts by
`elasticsearch_sort()` (search/backends/elasticsearch.py). Both are TRUST_ORDER.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

INADEQUATE = "Inadequate"
REQUIRES_IMPROVEMENT = "Requires improvement"


def standing(cqc: str, *, priced: bool, availability_known: bool, reviewed: bool) -> int:
    """How far down a service goes among equals in relevance (0 first; see the module
    docstring). `cqc`: its overall CQC rating ("" when none)."""
    complete = int(priced) + int(availability_known) + int(reviewed)
    return (cqc == INADEQUATE) * 8 + (3 - complete) * 2 + (cqc == REQUIRES_IMPROVEMENT)


@dataclass(frozen=True)
class SortKey:
    """One key of an order: a field of the index, its direction, missing values last."""

    field: str
    descending: bool = False


TRUST_ORDER = (
    SortKey("standing"),
    SortKey("review_score", descending=True),  # unreviewed (no score) last
    SortKey("review_count", descending=True),
    SortKey("service_id"),
)


def trust_key(
    standing: int, review_score: int | None, review_count: int, service_id: int
) -> tuple[int, int, int, int, int]:
    """A key that sorts ascending in TRUST_ORDER (review_score: any number that orders as the
    score does, such as hundredths of a star; None when unreviewed)."""
    if review_score is None:
        return (standing, 1, 0, -review_count, service_id)
    return (standing, 0, -review_score, -review_count, service_id)


def elasticsearch_sort() -> list[dict[str, Any]]:
    """TRUST_ORDER as an Elasticsearch sort (missing values last, as trust_key has them)."""
    return [
        {key.field: {"order": "desc" if key.descending else "asc", "missing": "_last"}}
        for key in TRUST_ORDER
    ]
