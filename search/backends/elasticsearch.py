"""The Elasticsearch catalogue search backend (production at scale), built on elasticsearch-dsl.

Three parts, so that everything but the network call can be tested without a cluster:

- `build_search(query, now=...)` turns a `SearchQuery` into a request body (a pure function);
- `ElasticsearchSearchBackend._execute(body)` is the one network call of a search;
- `parse_response(raw, query, prepared)` turns an Elasticsearch 8 response into `SearchResults`.

Rules the request enforces (the same contract as the database backend):

- Only visible services: the index holds only published services of active organisations
  (`search.indexing`), and every query also keeps `last_confirmed_at >= stale_cutoff(now)`,
  because staleness depends on the clock, not on when the service was indexed.
- User text is never query syntax: it is read by search.understanding (shared with the database
  backend, so both look for the same things): concepts, each satisfied by any of its terms (the
  word typed and its synonyms; a term of several words is a phrase), each term in a
  `multi_match`, which parses nothing, over the name, what the service is (categories, client
  groups), summary, organisation, description and places. Every concept is required when there
  are one or two, all but one when there are more (a `bool` should with minimum_should_match);
  each concept matched adds its score, so services matching more concepts rank higher. BM25
  saturates term frequency (k1 = 1.2), so repeating a keyword in a description gains almost
  nothing; the name and summary weigh more than the description.
- Facets are disjunctive: the filters that have a facet go in `post_filter`, and each facet's
  aggregation sits in a `filter` aggregation holding every other facet filter but not its own.
  Filters without a facet (distance, area served, price, staleness) narrow the query itself,
  so they narrow every count too. Facet values are ordered by key, zero counts left out.
- Relevance is the database backend's: tiers of where the concepts were found (a
  `function_score` that replaces the text score with the tier: every concept in the name or
  what the service is and in the summary, in the name, in the summary, elsewhere, then the
  services matching all but one), and inside a tier, as with no words at all, the order people
  can trust (search.ranking.TRUST_ORDER, on the indexed `standing`): Inadequate last, bare
  imported entries after complete listings, then reviews. Every sort ends with the service
  id, so pages never overlap.
- Distances are metres on the British National Grid, as everywhere else in the catalogue: the
  radius filter is an indexed `geo_distance` (on the `geo_point` converted from the grid
  reference) narrowed by the exact grid distance, and each hit's distance is computed from
  its grid reference. Sorting by distance uses `_geo_distance`, whose order matches the grid's.
- Pages: from + size may not pass the index's max_result_window (10,000). A page beyond it
  comes back with the true total and facets but no hits (a page that straddles it is cut
  short); nobody pages through 10,000 care services, and deep paging by search_after is not
  worth its cost here.

If the cluster cannot be reached (or answers with an error) the search is answered by the
database backend and a warning is logged, and for RETRY_AFTER seconds searches go straight to
the database instead of waiting on a dead cluster. `index_services()` and `rebuild()` keep the
database backend's index up to date as well, so that the fallback never answers from stale data.

Writes share that circuit breaker. An update waits at most ELASTICSEARCH_WRITE_TIMEOUT (a
cluster that accepts connections but never answers costs one provider's save that long, once);
a failed update opens the breaker, and while it is open updates are not sent at all. Either
way the update is kept in the search outbox (search.outbox) and replayed: by a task
(search.tasks.replay_search_outbox) scheduled for when the breaker closes again, which tries
again at growing intervals until the cluster takes everything (this needs a task worker:
in-process tasks cannot wait), by the next update that reaches the cluster (it takes up to
BULK_CHUNK along and enqueues a replay of any more), and by `manage.py replay_search_outbox`. A
replay writes each service as it is then, so an update that is late is never an old one. Until
then the index may hold a listing that was since suspended: the search page shows only what is
visible now (it loads its cards through Service.objects.visible()), so such a hit is left out,
never shown.

The URL is logged without any user name or password in it (redacted_url).

A rebuild loads a new index while searches and updates keep using the old one; an update that
lands during the rebuild, after its service was copied, is lost when the alias moves, so run
rebuilds when the catalogue is quiet (or run `index_services` again for what changed).
"""

from __future__ import annotations

import functools
import logging
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch.helpers import BulkIndexError
from elasticsearch_dsl import A, Q, Search

from catalogue.geo import grid_to_wgs84
from catalogue.rules import stale_cutoff
from search import ranking, understanding, vocabulary
from search.documents import (
    MAX_RESULT_WINDOW,
    PRICE_UNITS,
    from_service_document,
    price_field,
    service_index,
)
from search.query import (
    FACETS,
    RATING_THRESHOLDS,
    FacetValue,
    GridPoint,
    Hit,
    SearchQuery,
    SearchResults,
    Sort,
)

from .base import BaseSearchBackend

logger = logging.getLogger(__name__)

# What "the cluster cannot answer" looks like: connection refused or reset, timeouts, TLS and
# serialisation failures (TransportError), and any HTTP error reply (ApiError), for example a
# missing index or a red cluster. The person searching sees database results instead.
UNAVAILABLE = (TransportError, ApiError)

RETRY_AFTER = 30.0  # seconds during which searches skip a cluster that just failed
DEFAULT_TIMEOUT = 5.0  # seconds; ELASTICSEARCH_TIMEOUT overrides
DEFAULT_WRITE_TIMEOUT = 2.0  # seconds an index update waits; ELASTICSEARCH_WRITE_TIMEOUT overrides
FACET_SIZE = 500  # more buckets than a council has categories, localities or client groups
BULK_CHUNK = 500

MAX_RADIUS_KM = 2_000  # further than Great Britain is long: a bigger radius changes nothing
MAX_PRICE = Decimal("10000000000")  # a ceiling above this is the same as this one

# Text fields and their weight: the name, the categories and the client groups say most about a
# service (they weigh alike, as in the database backend), the description and places least.
TEXT_FIELDS = (
    "name^3",
    "category_names^3",
    "client_group_names^3",
    "summary^2",
    "organisation_name^2",
    "description",
    "places",
)
HIGHLIGHT_FIELDS = {
    "name": {"number_of_fragments": 0},
    "summary": {"number_of_fragments": 0},
    "description": {"fragment_size": 160, "number_of_fragments": 1},
}
HIGHLIGHT_SEPARATOR = " … "

# url -> monotonic time until which that cluster is considered down.
_unavailable_until: dict[str, float] = {}


_USERINFO = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*://)?[^/?#]*@", re.IGNORECASE)


def redacted_url(url: str) -> str:
    """The URL without its user name and password ("https://user:secret@es:9200" ->
    "https://es:9200"), for logs and messages: the credentials must never reach a log."""
    return _USERINFO.sub(lambda match: match.group("scheme") or "", url, count=1)


def alias_name(prefix: str) -> str:
    """The alias every search and update goes through; a rebuild moves it atomically."""
    return f"{prefix}-services"


# --- building the request ------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedSearch:
    """A request body and what the parser needs to know about it."""

    body: dict[str, Any]
    origin: GridPoint | None = None  # distances are measured from here, on the grid
    window_capped: bool = False  # the requested page lies (partly) beyond max_result_window
    corrections: dict[str, str] = field(default_factory=dict)  # typo -> word searched for


def _origin(query: SearchQuery) -> dict[str, float] | None:
    if query.origin is None:
        return None
    lat, lon = grid_to_wgs84(query.origin.easting, query.origin.northing)
    return {"lat": round(lat, 7), "lon": round(lon, 7)}


def _decimal_string(value: Decimal) -> str:
    # Money and scores go to Elasticsearch as decimal strings, never via a binary float.
    return format(value, "f")


# The fields of the relevance tiers, as the database backend's (its "name about" and "summary"
# columns): the name and what the service is; the summary.
NAME_FIELDS = ("name", "category_names", "client_group_names")
SUMMARY_FIELDS = ("summary",)


def _term_query(term: str, fields: tuple[str, ...] = TEXT_FIELDS) -> Q:
    """One term: a word in any of the fields, or a phrase (its words next to each other) in one."""
    if " " in term:
        return Q("multi_match", query=term, fields=list(fields), type="phrase")
    return Q("multi_match", query=term, fields=list(fields), type="cross_fields", operator="and")


def _every_concept_in(found: list[understanding.Concept], fields: tuple[str, ...]) -> Q:
    """Services with every concept (any of its terms) in these fields."""
    return Q(
        "bool",
        filter=[
            Q("bool", should=[_term_query(t, fields) for t in c.terms], minimum_should_match=1)
            for c in found
        ],
    )


def _relevance_tiers(found: list[understanding.Concept]) -> list[dict[str, Any]]:
    """function_score functions whose sum is the database backend's relevance tier plus one
    (search/backends/database/postings.py, _page): 5 every concept in the name (or what the
    service is) and the summary, 4 in the name, 3 in the summary, 2 elsewhere, 1 all but one."""
    return [
        {"weight": 1},
        {"filter": _every_concept_in(found, TEXT_FIELDS).to_dict(), "weight": 1},
        {"filter": _every_concept_in(found, NAME_FIELDS).to_dict(), "weight": 2},
        {"filter": _every_concept_in(found, SUMMARY_FIELDS).to_dict(), "weight": 1},
    ]


def _text_query(found: list[understanding.Concept]) -> Q:
    """The concepts of the text (search.understanding), never parsed as syntax."""
    if all(len(c.terms) == 1 and " " not in c.terms[0] for c in found) and understanding.required(
        len(found)
    ) == len(found):
        # Plain words, every one required: one multi_match, cross_fields + and (every word must
        # appear, in any of the fields).
        return Q(
            "multi_match",
            query=" ".join(c.terms[0] for c in found),
            fields=list(TEXT_FIELDS),
            type="cross_fields",
            operator="and",
            zero_terms_query="all",
        )
    clauses = [
        _term_query(c.terms[0])
        if len(c.terms) == 1
        else Q("bool", should=[_term_query(t) for t in c.terms], minimum_should_match=1)
        for c in found
    ]
    if len(clauses) == 1:
        return clauses[0]
    return Q("bool", should=clauses, minimum_should_match=understanding.required(len(clauses)))


def _price_filter(max_price: Decimal, unit: str | None) -> Q:
    if max_price < 0:
        return Q("match_none")
    bound = _decimal_string(min(max_price, MAX_PRICE))
    if unit:
        if unit not in PRICE_UNITS:
            return Q("match_none")
        return Q("range", **{f"prices.{price_field(unit)}": {"lte": bound}})
    return Q(
        "bool",
        should=[Q("range", **{f"prices.{price_field(u)}": {"lte": bound}}) for u in PRICE_UNITS],
        minimum_should_match=1,
    )


# Squared grid distance from the origin (params.e, params.n) to the premises, in exact integer
# arithmetic like the database backend; documents without premises are never within reach.
_GRID_DISTANCE_SQ = (
    "if (doc['easting'].size() == 0 || doc['northing'].size() == 0) { return false; } "
    "long de = doc['easting'].value - params.e; long dn = doc['northing'].value - params.n; "
)
WITHIN_RADIUS_SCRIPT = _GRID_DISTANCE_SQ + "return de * de + dn * dn <= params.r2;"
WITHIN_OWN_RADIUS_SCRIPT = (
    _GRID_DISTANCE_SQ
    + "if (doc['radius_m'].size() == 0) { return false; } "
    + "long r = doc['radius_m'].value; return de * de + dn * dn <= r * r;"
)


def _within_radius_filters(
    origin: GridPoint, location: dict[str, float], radius_km: Decimal
) -> list[Q]:
    """Services whose premises lie within radius_km of origin, on the British National Grid.

    Two clauses: a geo_distance filter, which uses the geo_point index but measures on the
    ellipsoid, widened to be sure it keeps everything the grid keeps (the grid's scale factor is
    within 0.04% of 1 across Great Britain; the datum shift is good to ~5 m); then the exact
    grid distance, a script that runs only on what the first clause kept. So "exactly 2 km
    away" counts on both backends, and the distances agree with the service pages.
    """
    radius_m = int(min(max(radius_km, Decimal(0)), Decimal(MAX_RADIUS_KM)) * 1000)
    return [
        Q(
            "geo_distance",
            distance=f"{math.ceil(radius_m * 1.001) + 50}m",
            distance_type="arc",
            location=location,
        ),
        Q(
            "script",
            script={
                "source": WITHIN_RADIUS_SCRIPT,
                "params": {"e": origin.easting, "n": origin.northing, "r2": radius_m * radius_m},
            },
        ),
    ]


def _serves_origin_filter(query: SearchQuery) -> Q:
    """Services that serve the origin (catalogue.selectors.serves): the origin's locality is
    their own or among their localities served (the `localities` field holds both), or the
    origin lies within their own radius of their public location."""
    ways: list[Q] = []
    if query.origin_locality:
        ways.append(Q("term", localities=query.origin_locality))
    if query.origin is not None:
        ways.append(
            Q(
                "script",
                script={
                    "source": WITHIN_OWN_RADIUS_SCRIPT,
                    "params": {"e": query.origin.easting, "n": query.origin.northing},
                },
            )
        )
    if not ways:
        return Q("match_none")
    return Q("bool", should=ways, minimum_should_match=1)


def _facet_filters(query: SearchQuery) -> dict[str, Q]:
    """The filter of each facet the query uses, keyed by facet name (search.query.FACETS)."""
    filters: dict[str, Q] = {}
    if query.categories:
        filters["category"] = Q("terms", categories=list(query.categories))
    if query.client_groups:
        filters["client_group"] = Q("terms", client_groups=list(query.client_groups))
    if query.funding:
        filters["funding"] = Q("terms", funding=list(query.funding))
    if query.locality:
        filters["locality"] = Q("term", localities=query.locality)
    if query.cqc_ratings:
        filters["cqc"] = Q("terms", cqc=list(query.cqc_ratings))
    if query.min_rating is not None:
        filters["rating"] = Q("range", review_score={"gte": _decimal_string(query.min_rating)})
    if query.accepting_new_clients:
        filters["accepting"] = Q("term", accepting_new_clients=True)
    if query.on_framework:
        filters["framework"] = Q("term", on_framework=True)
    return filters


def _facet_aggregation(name: str) -> A:
    # rating: "4" counts services scoring 4 and up (cumulative, like SearchQuery.min_rating);
    # accepting: "yes" counts services taking new clients; framework: "yes" those on a council
    # framework or contract.
    if name == "rating":
        return A(
            "filters",
            filters={
                str(t): Q("range", review_score={"gte": t}).to_dict() for t in RATING_THRESHOLDS
            },
        )
    if name == "accepting":
        return A("filters", filters={"yes": Q("term", accepting_new_clients=True).to_dict()})
    if name == "framework":
        return A("filters", filters={"yes": Q("term", on_framework=True).to_dict()})
    field = {
        "category": "categories",
        "client_group": "client_groups",
        "funding": "funding",
        "locality": "localities",
        "cqc": "cqc",
    }[name]
    return A("terms", field=field, size=FACET_SIZE)


def _page_window(query: SearchQuery) -> tuple[int, int, bool]:
    """(from, size, capped): the page, cut to Elasticsearch's max_result_window."""
    start, size = query.offset, query.per_page
    if start + size <= MAX_RESULT_WINDOW:
        return start, size, False
    if start >= MAX_RESULT_WINDOW:
        return 0, 0, True
    return start, MAX_RESULT_WINDOW - start, True


def build_search(
    query: SearchQuery,
    *,
    now: datetime,
    words: understanding.Vocabulary | None = None,
    corrections: dict[str, str] | None = None,
) -> PreparedSearch:
    """The Elasticsearch request for a SearchQuery (see the module docstring for the rules).
    `words`: the care vocabulary (default: the admin's, search.vocabulary.current());
    `corrections`: typed word -> the indexed word to search for instead (typos)."""
    origin = _origin(query)
    found: list[understanding.Concept] = []
    changes: dict[str, str] = {}
    if query.text:
        vocab = words if words is not None else vocabulary.current()
        found = understanding.concepts(query.text, vocab)
        if corrections and query.correct_typos:
            found, changes = understanding.corrected(found, corrections.get, vocab)

    # Filters without a facet narrow the query (and so every facet count).
    narrowing: list[Q] = [Q("range", last_confirmed_at={"gte": stale_cutoff(now).isoformat()})]
    if query.origin is not None and origin is not None and query.radius_km is not None:
        narrowing.extend(_within_radius_filters(query.origin, origin, Decimal(query.radius_km)))
    if query.serves_origin:
        narrowing.append(_serves_origin_filter(query))
    if query.max_price is not None:
        narrowing.append(_price_filter(query.max_price, query.price_unit))

    matching = Q(
        "bool",
        must=[_text_query(found) if found else Q("match_all")],
        filter=narrowing,
    )

    sort_by = query.sort
    if sort_by == Sort.DISTANCE and origin is None:
        sort_by = Sort.RELEVANCE

    if sort_by == Sort.RELEVANCE and found:
        matching = Q(
            "function_score",
            query=matching,
            functions=_relevance_tiers(found),
            score_mode="sum",
            boost_mode="replace",
        )

    sort: list[Any]
    if sort_by == Sort.DISTANCE:
        # Indexed and fast; its order is the grid's except between services whose distances
        # differ by under 0.1%. Premises-less services sort last (at "Infinity").
        sort = [
            {
                "_geo_distance": {
                    "location": origin,
                    "order": "asc",
                    "unit": "m",
                    "distance_type": "arc",
                    "ignore_unmapped": True,
                }
            }
        ]
    elif sort_by == Sort.PRICE:
        field = (
            f"prices.{price_field(query.price_unit)}"
            if query.price_unit in PRICE_UNITS
            else "headline_price"
        )
        sort = [{field: {"order": "asc", "missing": "_last"}}]
    elif sort_by == Sort.RATING:
        sort = [
            {"review_score": {"order": "desc", "missing": "_last"}},
            {"review_count": {"order": "desc"}},
        ]
    elif found:  # relevance: the tier, then the order people can trust
        sort = ["_score", *ranking.elasticsearch_sort()]
    else:  # no words: the order people can trust
        sort = ranking.elasticsearch_sort()
    if sort[-1] != {"service_id": {"order": "asc", "missing": "_last"}}:
        sort.append({"service_id": {"order": "asc"}})  # a stable order across pages

    start, size, capped = _page_window(query)
    if capped:
        logger.info(
            "Search page %s is beyond max_result_window (%s): answering with %s hits",
            query.page,
            MAX_RESULT_WINDOW,
            size,
        )

    search = Search().query(matching).extra(from_=start, size=size, track_total_hits=True)
    # The grid reference comes back only when there is a distance to compute from it.
    search = search.source(["easting", "northing"] if origin is not None else False).sort(*sort)

    facet_filters = _facet_filters(query)
    if facet_filters:
        search = search.post_filter(Q("bool", filter=list(facet_filters.values())))
    for name in FACETS:
        others = [f for key, f in facet_filters.items() if key != name]
        scope = Q("bool", filter=others) if others else Q("match_all")
        search.aggs.bucket(name, "filter", filter=scope).bucket("values", _facet_aggregation(name))

    if found:
        search = search.highlight_options(
            pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html"
        )
        for field_name, options in HIGHLIGHT_FIELDS.items():
            search = search.highlight(field_name, **options)

    return PreparedSearch(
        body=search.to_dict(), origin=query.origin, window_capped=capped, corrections=changes
    )


# --- reading the response ------------------------------------------------------------------------


def _grid_distance(origin: GridPoint | None, source: dict[str, Any] | None) -> float | None:
    """Metres on the British National Grid, as the database backend and the service pages
    measure, from the premises' grid reference returned in _source."""
    if origin is None or not source:
        return None
    easting, northing = source.get("easting"), source.get("northing")
    if easting is None or northing is None:
        return None
    return math.hypot(easting - origin.easting, northing - origin.northing)


def _facet_values(aggregation: dict[str, Any]) -> list[FacetValue]:
    """A facet's values with a count, ordered by key (search.query's contract)."""
    buckets = aggregation["values"]["buckets"]
    if isinstance(buckets, dict):  # a keyed "filters" aggregation (rating, accepting, framework)
        pairs = [(key, bucket["doc_count"]) for key, bucket in buckets.items()]
    else:  # a terms aggregation
        pairs = [(b.get("key_as_string", b["key"]), b["doc_count"]) for b in buckets]
    return sorted(
        (FacetValue(key=str(key), count=int(count)) for key, count in pairs if count),
        key=lambda value: value.key,
    )


def parse_response(
    raw: dict[str, Any], query: SearchQuery, prepared: PreparedSearch
) -> SearchResults:
    """SearchResults from an Elasticsearch 8 search response to build_search()'s request."""
    hits: list[Hit] = []
    for item in raw["hits"]["hits"]:
        distance = _grid_distance(prepared.origin, item.get("_source"))
        highlights = {
            name: HIGHLIGHT_SEPARATOR.join(fragments)
            for name, fragments in (item.get("highlight") or {}).items()
            if fragments
        }
        hits.append(
            Hit(
                service_id=int(item["_id"]),
                score=float(item.get("_score") or 0.0),
                distance_m=distance,
                highlights=highlights,
            )
        )
    total = raw["hits"]["total"]
    aggregations = raw.get("aggregations") or {}
    return SearchResults(
        hits=hits,
        total=int(total["value"] if isinstance(total, dict) else total),
        facets={name: _facet_values(aggregations[name]) for name in FACETS if name in aggregations},
        took_ms=float(raw.get("took", 0)),
        page=query.page,
        per_page=query.per_page,
        backend=ElasticsearchSearchBackend.name,
        corrections=dict(prepared.corrections),
    )


# --- the backend ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _client(url: str, timeout: float) -> Elasticsearch:
    # One client (and connection pool) per process: get_backend() makes a backend per call.
    return Elasticsearch(url, request_timeout=timeout, max_retries=1, retry_on_timeout=False)


Progress = Callable[[int, int], None]


class ElasticsearchSearchBackend(BaseSearchBackend):
    """Catalogue search on an Elasticsearch 8 cluster, through the `<prefix>-services` alias.

    The database backend answers whenever the cluster cannot (see the module docstring)."""

    name = "elasticsearch"

    def __init__(
        self,
        *,
        url: str | None = None,
        prefix: str | None = None,
        timeout: float | None = None,
        write_timeout: float | None = None,
        client: Elasticsearch | None = None,
        fallback: bool = True,
    ) -> None:
        configured_url = url or settings.ELASTICSEARCH_URL
        if not configured_url:
            raise ImproperlyConfigured("The elasticsearch search backend needs ELASTICSEARCH_URL.")
        self.url: str = configured_url
        self.prefix: str = prefix or settings.ELASTICSEARCH_INDEX_PREFIX or "caremarket"
        self.timeout = float(timeout or settings.ELASTICSEARCH_TIMEOUT or DEFAULT_TIMEOUT)
        self.write_timeout = float(
            write_timeout or settings.ELASTICSEARCH_WRITE_TIMEOUT or DEFAULT_WRITE_TIMEOUT
        )
        self.client = client or _client(self.url, self.timeout)
        # fallback=False lets errors through (and ignores the circuit breaker): for tests that
        # must know Elasticsearch answered.
        self.fallback = fallback

    @property
    def safe_url(self) -> str:
        """The URL as logs and messages show it: without user name or password."""
        return redacted_url(self.url)

    def _safe(self, error: BaseException | str) -> str:
        """An error's text, without the URL's credentials should the error quote the URL."""
        return str(error).replace(self.url, self.safe_url)

    # the circuit breaker, shared by searches and updates

    def _breaker_open(self) -> bool:
        """True while the cluster failed less than RETRY_AFTER seconds ago: do not ask it."""
        return self.fallback and _unavailable_until.get(self.url, 0.0) > time.monotonic()

    def _trip_breaker(self) -> None:
        _unavailable_until[self.url] = time.monotonic() + RETRY_AFTER

    @property
    def alias(self) -> str:
        return alias_name(self.prefix)

    # searching

    def search(self, query: SearchQuery) -> SearchResults:
        """Visible services matching query; the database backend answers if the cluster cannot."""
        if self._breaker_open():
            return self._fallback(query)
        prepared = build_search(query, now=timezone.now(), corrections=self._corrections(query))
        try:
            raw = self._execute(prepared.body)
        except UNAVAILABLE as error:
            if not self.fallback:
                raise
            self._trip_breaker()
            logger.warning(
                "Elasticsearch at %s could not answer a catalogue search (%s: %s); "
                "answering with the database backend for the next %.0f s",
                self.safe_url,
                type(error).__name__,
                self._safe(error),
                RETRY_AFTER,
            )
            return self._fallback(query)
        try:
            return parse_response(raw, query, prepared)
        except (KeyError, TypeError, ValueError):
            if not self.fallback:
                raise
            # A bug or a proxy's answer, not an outage: log it loudly, still show results.
            logger.exception(
                "Elasticsearch at %s answered a catalogue search in an unexpected shape; "
                "answering with the database backend",
                self.safe_url,
            )
            return self._fallback(query)

    def _execute(self, body: dict[str, Any]) -> dict[str, Any]:
        """The one network call of a search."""
        return self.client.search(index=self.alias, body=body).body

    @staticmethod
    def _corrections(query: SearchQuery) -> dict[str, str]:
        """Typo corrections of the words of query: a word the indexed texts do not hold (the
        database backend's word list, which index writes keep up to date here too) is read as
        the nearest word they hold, as in the database backend."""
        if not query.text or not query.correct_typos:
            return {}
        from django.db import connection

        from search.backends.database.sql import speller
        from search.models import IndexState

        token = IndexState.objects.values_list("token", flat=True).first() or ""
        words = vocabulary.current()
        known = speller(connection.alias, token, words.spelling_words)
        changes: dict[str, str] = {}
        for concept in understanding.concepts(query.text, words):
            word = concept.typed
            if concept.terms == (word,) and not known.knows(word):
                better = known.nearest(word)
                if better:
                    changes[word] = better
        return changes

    def _fallback(self, query: SearchQuery) -> SearchResults:
        from search.backends import get_backend

        return get_backend("database").search(query)

    # indexing

    def index_services(self, service_ids: Iterable[int]) -> None:
        """Index the services that are visible, delete the others; the changes are searchable
        when this returns (refresh=wait_for), and the database fallback index follows too.

        Never waits on the cluster longer than write_timeout, and not at all while the circuit
        breaker is open; an update that does not reach the cluster goes to the search outbox.
        An update that reaches it takes along the oldest pending ones (up to BULK_CHUNK; a
        replay task writes the rest). One that does not schedules a replay task for when the
        breaker closes again (with a task worker; in-process tasks cannot wait)."""
        from search.backends import get_backend
        from search.outbox import outbox_pending
        from search.tasks import schedule_outbox_replay

        ids = sorted({int(pk) for pk in service_ids})
        if not ids:
            return
        get_backend("database").index_services(ids)
        taken_along: list[int] = []
        if not self._breaker_open():
            taken_along = outbox_pending(limit=BULK_CHUNK)
            ids = sorted(set(ids) | set(taken_along))
        if not self._write(ids):
            schedule_outbox_replay(wait=RETRY_AFTER)
        elif len(taken_along) == BULK_CHUNK:
            schedule_outbox_replay(wait=0)  # there may be more than one write took along

    def replay_outbox(self) -> tuple[int, int]:
        """Write the search outbox's pending updates to the cluster, the oldest first, in chunks
        of BULK_CHUNK, even while the breaker is open (an operator asked); stops at the first
        chunk the cluster does not take. Returns (updates written, updates still pending)."""
        from search.outbox import outbox_count, outbox_pending

        written = 0
        previous: list[int] = []
        while True:
            ids = outbox_pending(limit=BULK_CHUNK)
            # The same ids again: failures recorded (by a clock ahead of ours) after this write
            # began; they wait for the next replay rather than loop here.
            if not ids or ids == previous or not self._write(ids, force=True):
                break
            written += len(ids)
            previous = ids
        return written, outbox_count()

    def _write(self, ids: list[int], *, force: bool = False) -> bool:
        """Bring these services up to date in the cluster: one bulk request, bounded by
        write_timeout. Returns whether every update was written; the ones that were not are
        in the search outbox (and an unavailable cluster opens the circuit breaker)."""
        from search.indexing import service_documents
        from search.models import PendingIndexUpdate
        from search.outbox import outbox_done, outbox_record

        documents = list(service_documents(ids))
        present = {doc.service_id for doc in documents}
        what = {
            pk: PendingIndexUpdate.Action.INDEX
            if pk in present
            else PendingIndexUpdate.Action.DELETE
            for pk in ids
        }
        if not force and self._breaker_open():
            outbox_record(what, error="not sent: Elasticsearch was unavailable")
            return False
        started = timezone.now()
        # A short timeout and no retry: a provider's save waits on this (in-process tasks).
        writer = self.client.options(request_timeout=self.write_timeout, max_retries=0)
        actions: list[dict[str, Any]] = [self._index_action(doc) for doc in documents]
        actions += [
            {"_op_type": "delete", "_index": self.alias, "_id": pk}
            for pk in ids
            if pk not in present
        ]
        try:
            if not writer.indices.exists_alias(name=self.alias):
                self.ensure_index()  # first deploy: creating an index may take longer
            # require_alias: never let a write auto-create a concrete index under the alias.
            helpers.bulk(
                writer,
                actions,
                chunk_size=BULK_CHUNK,
                refresh="wait_for",
                require_alias=True,
                ignore_status=(404,),  # deleting what was never indexed is fine
            )
        except UNAVAILABLE as error:
            outbox_record(what, error=f"{type(error).__name__}: {self._safe(error)}")
            if not self.fallback:
                raise
            self._trip_breaker()
            logger.warning(
                "Elasticsearch at %s could not take %s index updates (%s: %s); they are kept "
                "in the search outbox, and updates skip the cluster for the next %.0f s",
                self.safe_url,
                len(ids),
                type(error).__name__,
                self._safe(error),
                RETRY_AFTER,
            )
            return False
        except BulkIndexError as error:
            # The cluster answered but refused some documents: keep those, not an outage.
            failed: dict[int, str] = {}
            for item in error.errors:
                for result in item.values():
                    if isinstance(result, dict) and "_id" in result:
                        reason = result.get("error") or {}
                        failed[int(result["_id"])] = (
                            f"{reason.get('type', 'error')}: {reason.get('reason', '')}"
                            if isinstance(reason, dict)
                            else str(reason)
                        )
            for pk, message in failed.items():  # rare: one row at a time is fine
                if pk in what:
                    outbox_record({pk: what[pk]}, error=self._safe(message))
            outbox_done([pk for pk in ids if pk not in failed], started=started)
            if not self.fallback:
                raise
            logger.error(
                "Elasticsearch at %s refused %s of %s index updates (%s); they are kept in the "
                "search outbox",
                self.safe_url,
                len(failed),
                len(ids),
                self._safe(error),
            )
            return False
        outbox_done(ids, started=started)
        return True

    def _index_action(self, doc, index: str | None = None) -> dict[str, Any]:
        source = from_service_document(doc).to_dict()
        return {
            "_op_type": "index",
            "_index": index or self.alias,
            "_id": doc.service_id,
            "_source": source,
        }

    def ensure_index(self) -> None:
        """Create an empty index behind the alias if there is none yet (first deploy)."""
        if self.client.indices.exists_alias(name=self.alias):
            return
        name = self._new_index_name()
        service_index(name, vocabulary.rules()).create(using=self.client)
        self._swap_alias(name)

    def _new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def _aliased_indices(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def _swap_alias(self, new_index: str) -> list[str]:
        """Point the alias at new_index in one atomic update_aliases call; returns the indices
        it pointed at before. A concrete index squatting on the alias's name is removed in the
        same call."""
        old = self._aliased_indices()
        actions: list[dict[str, Any]] = [
            {"remove": {"index": index, "alias": self.alias}} for index in old
        ]
        if not old and self.client.indices.exists(index=self.alias):
            actions.append({"remove_index": {"index": self.alias}})
        actions.append({"add": {"index": new_index, "alias": self.alias}})
        self.client.indices.update_aliases(actions=actions)
        return old

    def rebuild(self, *, progress: Progress | None = None) -> int:
        """Zero-downtime rebuild: index every visible service into a new timestamped index,
        swap the alias to it atomically, then delete the old index. Searches keep using the old
        index until the swap; if anything fails, the new index is dropped and the alias is left
        as it was. The database fallback index is rebuilt first, so it is current even when
        the cluster is down. Returns how many services Elasticsearch indexed."""
        from search.backends import get_backend
        from search.indexing import indexable_services, service_documents
        from search.outbox import outbox_done

        get_backend("database").rebuild()
        started = timezone.now()  # the outbox's pending updates are in the new index
        total = indexable_services().count()
        name = self._new_index_name()
        index = service_index(name, vocabulary.rules())
        # No refreshes while loading: the new index is invisible until the alias moves.
        index.settings(refresh_interval="-1")
        index.create(using=self.client)
        done = 0
        try:
            for _ok, _item in helpers.streaming_bulk(
                self.client,
                (self._index_action(doc, index=name) for doc in service_documents()),
                chunk_size=BULK_CHUNK,
                raise_on_error=True,
            ):
                done += 1
                if progress is not None and done % BULK_CHUNK == 0:
                    progress(done, max(total, done))
            if progress is not None and (done == 0 or done % BULK_CHUNK):
                progress(done, max(total, done))  # the last, partial chunk (or nothing at all)
            self.client.indices.put_settings(index=name, settings={"refresh_interval": None})
            self.client.indices.refresh(index=name)
            old = self._swap_alias(name)
        except Exception:
            try:
                self.client.indices.delete(index=name, ignore_unavailable=True)
            except UNAVAILABLE:
                logger.warning("Could not delete the half-built index %s; delete it by hand", name)
            raise
        for old_index in old:
            self.client.indices.delete(index=old_index, ignore_unavailable=True)
        outbox_done(None, started=started)
        return done

    # for tests and operators

    def refresh(self) -> None:
        """Make every write so far searchable (index_services already waits for this)."""
        self.client.indices.refresh(index=self.alias)

    def delete_indices(self) -> None:
        """Delete the alias and every index behind it (the test suites' clean-up)."""
        for index in self._aliased_indices():
            self.client.indices.delete(index=index, ignore_unavailable=True)
