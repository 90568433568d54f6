"""The one search contract every backend honours (DESIGN.md, "Search").

Callers build a `SearchQuery`, hand it to `search.backends.get_backend().search(query)` and get
`SearchResults` back; they never know which backend answered. Both types are plain frozen
dataclasses so that the contract tests can build them without a request.

Facet counts are *disjunctive*: the counts of one filter are computed with every other filter
applied but not that filter itself, so a person can see what picking another option would give.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_TEXT_LENGTH = 200


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    DISTANCE = "distance"  # nearest first; needs an origin, else falls back to relevance
    PRICE = "price"  # cheapest headline price first (in price_unit when given)
    RATING = "rating"  # highest review ranking score first


# The facets every backend returns, keyed by these names (the search page's GET parameters).
# Facet value keys: category / client_group / funding / locality -> slugs (a service counts under
# every category slug of its document, parents included, and under each locality it serves or is
# based in); cqc -> the CQC rating value ("Good"); rating -> "4", "3", "2", "1" meaning "at least
# that review score" (cumulative); accepting -> "yes" (services taking new clients); framework ->
# "yes" (on a council framework or contract). Values with a zero count are left out; the order of
# a list is not significant (the page orders them).
FACETS = (
    "category", "client_group", "funding", "locality", "cqc", "rating", "accepting", "framework",
)  # fmt: skip
RATING_THRESHOLDS = (4, 3, 2, 1)


@dataclass(frozen=True)
class GridPoint:
    """A place on the British National Grid, in metres (from a postcode or locality centroid)."""

    easting: int
    northing: int


@dataclass(frozen=True)
class SearchQuery:
    """What a person asked for. Every field is optional; an empty query lists every visible
    (published, not stale) service.

    - text: free text, matched with stemming ("carer" finds "carers"); never parsed as syntax.
    - categories: category slugs; a top-level slug also matches its sub-categories.
    - client_groups / funding / cqc_ratings: slugs (funding, client groups) and CQC rating values;
      several values of one filter are OR-ed, different filters are AND-ed.
    - locality: a locality slug: services that list it among their areas served or are based in it.
    - origin + radius_km: services whose premises lie within radius_km of origin.
    - origin + serves_origin: services that serve origin by the catalogue's one rule
      (catalogue.selectors.serves): the origin's locality is their own or among their localities
      served, or origin lies within their own radius_km of their public location. A service that
      states no area serves its own locality only.
    - max_price (+ price_unit): a current price option at or below max_price in that unit (the
      category's reference unit when the page knows it); without a unit, any unit.
    - min_rating: review ranking score at or above this (1-5).
    - accepting_new_clients: True keeps only services that say they are taking new clients.
    - on_framework: True keeps only services a commissioner marked as on a council framework.
    """

    text: str = ""
    categories: tuple[str, ...] = ()
    client_groups: tuple[str, ...] = ()
    funding: tuple[str, ...] = ()
    locality: str | None = None
    origin: GridPoint | None = None
    origin_locality: str | None = None  # the origin's locality slug, for serves_origin
    radius_km: Decimal | None = None
    serves_origin: bool = False
    max_price: Decimal | None = None
    price_unit: str | None = None
    min_rating: Decimal | None = None
    cqc_ratings: tuple[str, ...] = ()
    accepting_new_clients: bool | None = None
    on_framework: bool | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    per_page: int = PER_PAGE
    # A word the index does not hold is read as the nearest indexed word (search.understanding);
    # False searches for the words exactly as typed ("Search instead for ...").
    correct_typos: bool = True

    def __post_init__(self) -> None:
        # Clamp rather than fail: a hand-edited URL must never produce a server error.
        text = (self.text or "").strip()
        if len(text) > MAX_TEXT_LENGTH:
            # Cut at the last space before the limit, so no word is left half typed.
            cut = text[: MAX_TEXT_LENGTH + 1].rsplit(None, 1)[0] if " " in text else ""
            text = (cut or text)[:MAX_TEXT_LENGTH].strip()
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "page", max(1, int(self.page)))
        object.__setattr__(self, "per_page", min(max(1, int(self.per_page)), MAX_PER_PAGE))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Hit:
    """One matching service. distance_m is set when the query had an origin; highlights maps a
    field name ("name", "summary", "description") to an HTML-safe snippet with <mark> tags."""

    service_id: int
    score: float = 0.0
    distance_m: float | None = None
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetValue:
    key: str
    count: int


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    took_ms: float
    page: int = 1
    per_page: int = PER_PAGE
    backend: str = ""
    # Typed word -> the indexed word searched for instead (typo correction).
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def facet_counts(self, name: str) -> dict[str, int]:
        return {value.key: value.count for value in self.facets.get(name, [])}
