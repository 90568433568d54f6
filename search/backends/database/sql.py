"""The database search backend's shared SQL: index writes, filters, facets, sorting, paging.

The index is one narrow row per visible service in `IndexedService` (integers only: bitmasks for
the multi-valued facets, pence, hundredths of a star, grid metres) plus a vendor text table (see
migration 0003). A query never joins the catalogue tables. The vendor subclasses
(sqlite.py, postgres.py) only supply the free-text parts: the match condition, the rank, the
highlights and the text writes.

How one search runs (two statements, three with highlights):

1. Facets and total in ONE statement. A MATERIALIZED CTE selects, once, the rows that pass the
   non-facet filters (text, distance, price, staleness) and fail at most one facet filter,
   keeping only their facet columns and one 0/1 flag per active facet filter. Four GROUP BYs
   over that CTE count every value of every facet (the bitmask columns group all values of a
   multi-valued facet at once); Python then adds up, for each facet, the groups that pass every
   *other* active filter, which gives disjunctive counts (search.query), and the total.
2. The page of hits: the same conditions, ORDER BY the chosen sort, LIMIT/OFFSET. It is skipped
   when the page lies beyond the total.
3. Highlights for the hits of the page only (vendor functions, then escaped; see terms.py).

Distance: a bounding box on the indexed easting/northing (the planner uses the grid index) and
then the exact squared distance on the British National Grid, in metres.
"""

# ruff: noqa: S608 (SQL is assembled from constant identifiers; every value is a parameter)

from __future__ import annotations

import logging
import math
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from catalogue.rules import stale_cutoff
from search.backends.base import BaseSearchBackend
from search.indexing import ServiceDocument, indexable_services, service_documents
from search.models import PRICE_UNITS, FacetKey, IndexedService, IndexState, price_column
from search.query import (
    FACETS,
    RATING_THRESHOLDS,
    FacetValue,
    Hit,
    SearchQuery,
    SearchResults,
    Sort,
)

from .terms import search_terms

logger = logging.getLogger(__name__)

TABLE = IndexedService._meta.db_table

# CQC overall ratings as small integers in the index (0: not rated).
CQC_CODES = {"Outstanding": 1, "Good": 2, "Requires improvement": 3, "Inadequate": 4}
CQC_NAMES = {code: name for name, code in CQC_CODES.items()}

WORD_BITS = 62  # bits used in each BigInteger mask word (keeps every mask a positive int64)
# facet -> its mask columns, in word order
MASK_COLUMNS: dict[str, tuple[str, ...]] = {
    "category": ("category_bits_0", "category_bits_1"),
    "client_group": ("client_group_bits",),
    "funding": ("funding_bits",),
    "locality": ("locality_bits_0", "locality_bits_1"),
}
SERVED_COLUMNS = ("served_bits_0", "served_bits_1")  # uses the locality facet's bits
# The facets counted by each GROUP BY of the facet statement (SQLSearchBackend._facets).
GROUP_FACETS = {
    0: ("cqc", "rating", "accepting", "funding"),
    1: ("client_group",),
    2: ("category",),
    3: ("locality",),
}

MAX_RADIUS_M = 2_000_000  # further than Great Britain is long: a bigger radius changes nothing
MAX_PENCE = 10**12  # a price ceiling above this is no ceiling at all
CHUNK = 500
PYTHON_GROUPING_ROWS = 800  # see _facets: below this, facet rows are counted in Python

ProgressCallback = Callable[[int, int], None]

# The facet counts and total of the unfiltered catalogue, per (database, index token, number of
# stale rows): see SQLSearchBackend._counts(). A handful of entries at most.
_UNFILTERED: dict[tuple[str, str, int], tuple[dict[str, list[FacetValue]], int]] = {}


def to_pence(amount: Decimal) -> int:
    """Pounds to whole pence, rounding half up (the index keeps money as exact integers)."""
    return int(Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


def to_hundredths(score: Decimal) -> int:
    return int(Decimal(score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


class _Sql:
    """A fragment of SQL with its parameters, kept in step."""

    def __init__(self, sql: str = "", params: Sequence[Any] = ()):
        self.sql = sql
        self.params = list(params)


class FacetBits:
    """Slug <-> bit for each multi-valued facet, read from FacetKey (assigned on first use).

    Read afresh for every search (a small table, well under a millisecond): a process-wide copy
    could outlive a rolled-back transaction that assigned bits."""

    def __init__(self) -> None:
        self.bits: dict[str, dict[str, int]] = {facet: {} for facet in MASK_COLUMNS}
        for facet, key, bit in FacetKey.objects.values_list("facet", "key", "bit"):
            self.bits.setdefault(facet, {})[key] = bit
        self.keys = {
            facet: {b: k for k, b in values.items()} for facet, values in self.bits.items()
        }
        self._decoded: dict[tuple[str, tuple[int, ...]], list[str]] = {}

    def ensure(self, facet: str, keys: Iterable[str]) -> None:
        """Give every new key a bit (the next free one); safe when two writers race."""
        capacity = WORD_BITS * len(MASK_COLUMNS[facet])
        for _attempt in range(5):
            missing = [k for k in dict.fromkeys(keys) if k not in self.bits[facet]]
            if not missing:
                return
            next_bit = max(self.bits[facet].values(), default=-1) + 1
            if next_bit + len(missing) > capacity:
                raise ValueError(
                    f"Search index: more than {capacity} {facet} values; "
                    "add a mask column to search.models.IndexedService."
                )
            new = [
                FacetKey(facet=facet, key=key, bit=next_bit + i) for i, key in enumerate(missing)
            ]
            try:
                with transaction.atomic():
                    FacetKey.objects.bulk_create(new)
            except IntegrityError:
                pass  # another writer took these bits or keys: reload and try again
            for key, bit in FacetKey.objects.filter(facet=facet).values_list("key", "bit"):
                self.bits[facet][key] = bit
                self.keys[facet][bit] = key
        raise RuntimeError(f"Could not assign search facet bits for {facet}")

    def words(self, facet: str, keys: Iterable[str]) -> list[int]:
        """The mask words (one int per mask column) with the bits of these keys set; unknown
        keys are ignored."""
        words = [0] * len(MASK_COLUMNS[facet])
        for key in keys:
            bit = self.bits[facet].get(key)
            if bit is not None:
                words[bit // WORD_BITS] |= 1 << (bit % WORD_BITS)
        return words

    def decode(self, facet: str, words: Sequence[int]) -> list[str]:
        """The keys whose bits are set in these mask words (memoised: masks repeat)."""
        memo = (facet, tuple(int(w or 0) for w in words))
        if memo in self._decoded:
            return self._decoded[memo]
        keys = []
        for index, word in enumerate(memo[1]):
            while word:
                low = word & -word
                bit = index * WORD_BITS + low.bit_length() - 1
                key = self.keys[facet].get(bit)
                if key is None:
                    raise _UnknownBit(facet, bit)
                keys.append(key)
                word ^= low
        self._decoded[memo] = keys
        return keys


class _UnknownBit(LookupError):
    """The index holds a bit this process has not read yet: re-read FacetKey and retry."""


class SQLSearchBackend(BaseSearchBackend):
    """Catalogue search in the site's own database. Vendor subclasses fill in the text parts.

    Rules it enforces: only published services of active organisations are indexed (a service
    that stops being visible is removed by index_services()); services unconfirmed for
    12 months (catalogue.rules.stale_cutoff) are filtered out at query time; facet counts are
    disjunctive; a page beyond the end is empty with the right total; no input raises.
    """

    name = "database"
    vendor = ""
    text_table = ""
    # Prefix that stops the planner using the last_confirmed_at index for the staleness check:
    # nearly every row passes it, so a scan beats an index walk with a look-up per row.
    unindexed = ""

    # --- vendor hooks ---------------------------------------------------------------------

    def text_condition(self, terms: list[str]) -> _Sql:
        """`s.service_id IN (services matching every term)`."""
        raise NotImplementedError

    def ranked_text_join(self, terms: list[str]) -> tuple[_Sql, _Sql, _Sql]:
        """(FROM-clause join, WHERE condition, score expression: higher is better)."""
        raise NotImplementedError

    def highlights(self, service_ids: list[int], terms: list[str]) -> dict[int, dict[str, str]]:
        raise NotImplementedError

    def write_texts(self, cursor, documents: list[ServiceDocument]) -> None:
        raise NotImplementedError

    def delete_texts(self, cursor, service_ids: list[int] | None) -> None:
        """Delete the texts of these services (all when None)."""
        raise NotImplementedError

    # --- indexing -------------------------------------------------------------------------

    def index_services(self, service_ids: Iterable[int]) -> None:
        """Upsert the index rows of these services, and remove those that are no longer
        visible or no longer exist, in one transaction."""
        ids = sorted({int(pk) for pk in service_ids})
        if not ids:
            return
        with transaction.atomic():
            documents = list(service_documents(ids))
            self._delete(ids)
            self._write(documents, FacetBits())
            self._touch()

    def rebuild(self, *, progress: ProgressCallback | None = None) -> int:
        """Rebuild the whole index, all or nothing: searches see the old index until the
        transaction commits."""
        total = indexable_services().count()
        done = 0
        with transaction.atomic():
            self._delete(None)
            bits = FacetBits()
            batch: list[ServiceDocument] = []
            for document in service_documents(None, chunk=CHUNK):
                batch.append(document)
                if len(batch) == CHUNK:
                    self._write(batch, bits)
                    done += len(batch)
                    batch = []
                    if progress:
                        progress(done, total)
            if batch:
                self._write(batch, bits)
                done += len(batch)
            self._touch()
            if progress:
                progress(done, total)
        return done

    @staticmethod
    def _touch() -> None:
        """Give the index a new token: figures cached from the old index no longer hold."""
        IndexState.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})

    def _delete(self, ids: list[int] | None) -> None:
        with connection.cursor() as cursor:
            if ids is None:
                IndexedService.objects.all().delete()
                self.delete_texts(cursor, None)
                return
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                IndexedService.objects.filter(service_id__in=chunk).delete()
                self.delete_texts(cursor, chunk)

    def _write(self, documents: list[ServiceDocument], bits: FacetBits) -> None:
        if not documents:
            return
        for facet, attribute in (
            ("category", "category_slugs"),
            ("client_group", "client_group_slugs"),
            ("funding", "funding_slugs"),
        ):
            bits.ensure(facet, [k for d in documents for k in getattr(d, attribute)])
        bits.ensure(
            "locality",
            [k for d in documents for k in (*d.localities_served, d.locality) if k],
        )
        IndexedService.objects.bulk_create([self._row(d, bits) for d in documents])
        with connection.cursor() as cursor:
            self.write_texts(cursor, documents)

    @staticmethod
    def _row(document: ServiceDocument, bits: FacetBits) -> IndexedService:
        places = [*document.localities_served, *([document.locality] if document.locality else [])]
        category = bits.words("category", document.category_slugs)
        locality = bits.words("locality", places)
        served = bits.words("locality", document.localities_served)
        prices = {
            unit: to_pence(amount)
            for unit, amount in document.prices.items()
            if unit in PRICE_UNITS
        }
        score = document.review_score
        row = IndexedService(
            service_id=document.service_id,
            last_confirmed_at=document.last_confirmed_at or timezone.now(),
            easting=document.easting,
            northing=document.northing,
            radius_m=int(document.radius_km * 1000) if document.radius_km is not None else None,
            category_bits_0=category[0],
            category_bits_1=category[1],
            client_group_bits=bits.words("client_group", document.client_group_slugs)[0],
            funding_bits=bits.words("funding", document.funding_slugs)[0],
            locality_bits_0=locality[0],
            locality_bits_1=locality[1],
            served_bits_0=served[0],
            served_bits_1=served[1],
            cqc=CQC_CODES.get(document.cqc_overall, 0),
            review_score=to_hundredths(score) if score is not None else None,
            rating_floor=int(score) if score is not None else None,
            review_count=document.review_count,
            accepting=(
                None
                if document.accepting_new_clients is None
                else int(document.accepting_new_clients)
            ),
            min_price=min(prices.values()) if prices else None,
            headline_price=(
                to_pence(document.headline_price) if document.headline_price is not None else None
            ),
            headline_unit=document.headline_unit,
        )
        for unit, pence in prices.items():
            setattr(row, price_column(unit), pence)
        return row

    # --- searching ------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        started = time.perf_counter()
        plan = _Plan(query, FacetBits(), self)
        try:
            facets, total = self._counts(plan)
        except _UnknownBit:  # a writer added a value since FacetKey was read: read it again
            plan = _Plan(query, FacetBits(), self, cutoff=plan.cutoff)
            facets, total = self._counts(plan)
        hits: list[Hit] = []
        if query.offset < total:
            hits = self._hits(plan)
            if plan.terms and hits:
                marked = self.highlights([h.service_id for h in hits], plan.terms)
                hits = [
                    Hit(h.service_id, h.score, h.distance_m, marked.get(h.service_id, {}))
                    for h in hits
                ]
        return SearchResults(
            hits=hits,
            total=total,
            facets=facets,
            took_ms=(time.perf_counter() - started) * 1000,
            page=query.page,
            per_page=query.per_page,
            backend=self.name,
        )

    def _counts(self, plan: _Plan) -> tuple[dict[str, list[FacetValue]], int]:
        """Facet counts and total. The counts of the only filter of a query (say, a category
        and nothing else) are those of the unfiltered catalogue, which are the same for every
        such query: they are computed once per state of the index and kept, so the query
        itself only counts the rows that pass its filter. The key is the index token plus the
        number of stale rows, which pins down which rows are stale (staleness only grows with
        time), so the kept figures are exact."""
        active = list(plan.facet_filters)
        if plan.narrowed or len(active) > 1:
            return self._facets(plan)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT token FROM {IndexState._meta.db_table} WHERE id = 1), "
                f"(SELECT COUNT(*) FROM {TABLE} WHERE last_confirmed_at < %s)",
                [plan.cutoff],
            )
            token, stale = cursor.fetchone()
        key = (connection.alias, token or "", int(stale))
        if key not in _UNFILTERED:
            if len(_UNFILTERED) >= 8:
                _UNFILTERED.clear()
            _UNFILTERED[key] = self._facets(
                _Plan(SearchQuery(), plan.bits, self, cutoff=plan.cutoff)
            )
        unfiltered, total = _UNFILTERED[key]
        if not active:
            return dict(unfiltered), total
        facets, total = self._facets(plan, strict=True)
        facets[active[0]] = unfiltered[active[0]]
        return facets, total

    def _facets(
        self, plan: _Plan, *, strict: bool = False
    ) -> tuple[dict[str, list[FacetValue]], int]:
        """Disjunctive facet counts and the total in one statement (see the module docstring).
        strict: count only the rows that pass every filter (the caller knows the counts of the
        filtered facets some other way)."""
        filters = {} if strict else plan.facet_filters
        active = list(filters)  # facet names with an active filter, in flag order
        flags = [
            _Sql(f"CASE WHEN {cond.sql} THEN 1 ELSE 0 END AS f_{name}", cond.params)
            for name, cond in filters.items()
        ]
        where = [*plan.base, *(plan.facet_filters.values() if strict else [])]
        if len(active) > 1:
            relaxed = " + ".join(
                f"CASE WHEN {cond.sql} THEN 1 ELSE 0 END" for cond in filters.values()
            )
            where.append(
                _Sql(
                    f"({relaxed}) >= %s",
                    [p for c in filters.values() for p in c.params] + [len(active) - 1],
                )
            )
        columns = (
            "s.cqc, s.rating_floor, s.accepting, s.funding_bits, s.client_group_bits, "
            "s.category_bits_0, s.category_bits_1, s.locality_bits_0, s.locality_bits_1"
        )
        select_flags = "".join(", " + f.sql for f in flags)
        flag_names = "".join(f", f_{name}" for name in active)
        groups = [
            "0, cqc, COALESCE(rating_floor, -1), COALESCE(accepting, -1), funding_bits",
            "1, client_group_bits, 0, 0, 0",
            "2, category_bits_0, category_bits_1, 0, 0",
            "3, locality_bits_0, locality_bits_1, 0, 0",
        ]
        group_by = [
            "cqc, rating_floor, accepting, funding_bits",
            "client_group_bits",
            "category_bits_0, category_bits_1",
            "locality_bits_0, locality_bits_1",
        ]
        # Each GROUP BY only reads the rows that can count towards its facets: those passing
        # every active filter of the other facets (they may fail their own), so the big
        # relaxed set of a disjunctive query is sorted once, not four times.
        branches = []
        for number, (g, gb) in enumerate(zip(groups, group_by, strict=True)):
            others = [f"f_{name} = 1" for name in active if name not in GROUP_FACETS[number]]
            where_g = f" WHERE {' AND '.join(others)}" if others else ""
            branches.append(
                f"SELECT {g}{flag_names}, COUNT(*) FROM m{where_g} GROUP BY {gb}{flag_names}"
            )
        selects = " UNION ALL ".join(branches)
        where_sql, where_params = _and(where)
        sql = (
            f"WITH m AS MATERIALIZED (SELECT {columns}{select_flags} "
            f"FROM {TABLE} s WHERE {where_sql}) {selects}"
        )
        params = [p for f in flags for p in f.params] + where_params
        with connection.cursor() as cursor:
            # Few matching rows (a typical text search): fetching them and counting in Python
            # is cheaper than four sorts; many rows: the GROUP BYs run in the database.
            cursor.execute(
                f"SELECT {columns}{select_flags} FROM {TABLE} s WHERE {where_sql} LIMIT %s",
                [*params, PYTHON_GROUPING_ROWS + 1],
            )
            matched = cursor.fetchall()
            if len(matched) <= PYTHON_GROUPING_ROWS:
                rows = _group_rows(matched)
            else:
                cursor.execute(sql, params)
                rows = cursor.fetchall()

        # Add up the counts per raw column value first and decode each distinct value once:
        # the groups are bounded by the combinations of values, not by the catalogue's size.
        raw: dict[tuple[str, Any], int] = {}
        total = 0
        n = len(active)
        for row in rows:
            group = row[0]
            count = row[5 + n]
            failing = {active[i] for i, ok in enumerate(row[5 : 5 + n]) if not ok}
            if group == 0 and not failing:
                total += count
            for facet in GROUP_FACETS[group]:
                if failing and failing != {facet}:
                    continue  # it fails another facet's filter: not counted for this one
                value = _raw_value(facet, row)
                raw[(facet, value)] = raw.get((facet, value), 0) + count
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for (facet, value), count in raw.items():
            for key in _facet_keys(plan.bits, facet, value):
                counts[facet][key] = counts[facet].get(key, 0) + count
        facets = {
            name: [FacetValue(key, count) for key, count in sorted(values.items()) if count]
            for name, values in counts.items()
        }
        return facets, total

    def _hits(self, plan: _Plan) -> list[Hit]:
        query = plan.query
        joins = ""
        join_params: list[Any] = []
        score_sql = "0"
        score_params: list[Any] = []
        conditions = [*plan.base, *plan.facet_filters.values()]
        order = "s.review_score DESC NULLS LAST, s.review_count DESC, s.service_id"
        if plan.terms and plan.sort == Sort.RELEVANCE:
            join, match, score = self.ranked_text_join(plan.terms)
            joins, join_params = join.sql, join.params
            conditions = [c for c in conditions if c is not plan.text] + [match]
            score_sql, score_params = score.sql, score.params
            order = "score DESC, s.service_id"
        elif plan.sort == Sort.DISTANCE and plan.distance is not None:
            order = "distance_sq ASC NULLS LAST, s.service_id"
        elif plan.sort == Sort.PRICE:
            column = (
                price_column(query.price_unit)
                if query.price_unit in PRICE_UNITS
                else "headline_price"
            )
            order = f"s.{column} ASC NULLS LAST, s.service_id"
        distance_sql, distance_params = ("NULL", [])
        if plan.distance is not None:
            distance_sql, distance_params = plan.distance.sql, plan.distance.params
        where_sql, where_params = _and(conditions)
        sql = (
            f"SELECT s.service_id, {score_sql} AS score, {distance_sql} AS distance_sq "
            f"FROM {TABLE} s {joins} WHERE {where_sql} ORDER BY {order} LIMIT %s OFFSET %s"
        )
        params = [
            *score_params,
            *distance_params,
            *join_params,
            *where_params,
            query.per_page,
            query.offset,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            Hit(
                service_id=pk,
                score=float(score or 0),
                distance_m=math.sqrt(distance) if distance is not None else None,
            )
            for pk, score, distance in rows
        ]


class _Plan:
    """A SearchQuery translated into SQL conditions on the index row `s`."""

    def __init__(
        self,
        query: SearchQuery,
        bits: FacetBits,
        backend: SQLSearchBackend,
        *,
        cutoff: datetime | None = None,
    ):
        self.query = query
        self.cutoff = cutoff or stale_cutoff(timezone.now())
        self.bits = bits
        self.terms = search_terms(query.text)
        self.sort = query.sort
        if self.sort == Sort.DISTANCE and query.origin is None:
            self.sort = Sort.RELEVANCE
        self.base: list[_Sql] = [
            _Sql(f"{backend.unindexed}s.last_confirmed_at >= %s", [self.cutoff])
        ]
        self.text: _Sql | None = None
        if self.terms:
            self.text = backend.text_condition(self.terms)
            self.base.append(self.text)
        self.distance: _Sql | None = None
        origin = query.origin
        if origin is not None:
            e, n = int(origin.easting), int(origin.northing)
            self.distance = _Sql(
                "((CAST(s.easting AS BIGINT) - %s) * (CAST(s.easting AS BIGINT) - %s)"
                " + (CAST(s.northing AS BIGINT) - %s) * (CAST(s.northing AS BIGINT) - %s))",
                [e, e, n, n],
            )
            if query.radius_km is not None:
                radius = max(0, min(MAX_RADIUS_M, int(Decimal(query.radius_km) * 1000)))
                self.base.append(
                    _Sql(
                        "s.easting BETWEEN %s AND %s AND s.northing BETWEEN %s AND %s",
                        [e - radius, e + radius, n - radius, n + radius],
                    )
                )
                self.base.append(
                    _Sql(f"{self.distance.sql} <= %s", [*self.distance.params, radius * radius])
                )
            if query.serves_origin:
                self.base.append(self._serves(origin.easting, origin.northing))
        if query.max_price is not None:
            pence = max(-1, min(MAX_PENCE, to_pence(query.max_price)))
            if query.price_unit:
                if query.price_unit in PRICE_UNITS:
                    column = price_column(query.price_unit)
                    self.base.append(_Sql(f"s.{column} <= %s", [pence]))
                else:
                    self.base.append(_Sql("1 = 0"))  # no service prices in an unknown unit
            else:
                self.base.append(_Sql("s.min_price <= %s", [pence]))

        # Anything beyond the staleness check that narrows the rows before the facet filters.
        self.narrowed = len(self.base) > 1
        # Facet filters, each one a single condition (disjunctive counting needs them apart).
        self.facet_filters: dict[str, _Sql] = {}
        for facet, values in (
            ("category", query.categories),
            ("client_group", query.client_groups),
            ("funding", query.funding),
            ("locality", (query.locality,) if query.locality else ()),
        ):
            if values:
                self.facet_filters[facet] = self._mask(facet, MASK_COLUMNS[facet], values)
        if query.cqc_ratings:
            codes = sorted({CQC_CODES[v] for v in query.cqc_ratings if v in CQC_CODES})
            self.facet_filters["cqc"] = (
                _Sql(f"s.cqc IN ({', '.join(['%s'] * len(codes))})", codes)
                if codes
                else _Sql("1 = 0")
            )
        if query.min_rating is not None:
            self.facet_filters["rating"] = _Sql(
                "s.review_score >= %s", [max(0, min(1000, to_hundredths(query.min_rating)))]
            )
        if query.accepting_new_clients:
            self.facet_filters["accepting"] = _Sql("s.accepting = 1")

    def _mask(self, facet: str, columns: Sequence[str], keys: Iterable[str]) -> _Sql:
        words = self.bits.words(facet, keys)
        parts = [
            _Sql(f"(s.{column} & CAST(%s AS BIGINT)) <> 0", [word])
            for column, word in zip(columns, words, strict=True)
            if word
        ]
        if not parts:
            return _Sql("1 = 0")  # only unknown values: nothing has them
        return _Sql(
            "(" + " OR ".join(p.sql for p in parts) + ")", [x for p in parts for x in p.params]
        )

    def _serves(self, easting: int, northing: int) -> _Sql:
        """Services whose area served covers the origin: its locality is among those served,
        or it lies within the service's own radius of its premises."""
        assert self.distance is not None
        within = _Sql(
            f"(s.radius_m IS NOT NULL AND {self.distance.sql}"
            " <= CAST(s.radius_m AS BIGINT) * s.radius_m)",
            self.distance.params,
        )
        locality = self.query.origin_locality
        if not locality:
            return within
        served = self._mask("locality", SERVED_COLUMNS, [locality])
        return _Sql(f"({served.sql} OR {within.sql})", [*served.params, *within.params])


def _and(parts: list[_Sql]) -> tuple[str, list[Any]]:
    if not parts:
        return "1 = 1", []
    return " AND ".join(f"({p.sql})" for p in parts), [x for p in parts for x in p.params]


def _group_rows(matched: list[tuple]) -> list[tuple]:
    """The rows the facet statement's four GROUP BYs would give, counted in Python."""
    counter: Counter[tuple] = Counter()
    for r in matched:
        flags = r[9:]
        counter[
            (0, r[0], -1 if r[1] is None else r[1], -1 if r[2] is None else r[2], r[3], *flags)
        ] += 1
        counter[(1, r[4], 0, 0, 0, *flags)] += 1
        counter[(2, r[5], r[6], 0, 0, *flags)] += 1
        counter[(3, r[7], r[8], 0, 0, *flags)] += 1
    return [(*key, count) for key, count in counter.items()]


def _raw_value(facet: str, row: Sequence[Any]) -> Any:
    """The part of a facet-query row that holds this facet's value (see _facets' groups)."""
    if facet == "cqc":
        return row[1]
    if facet == "rating":
        return row[2]
    if facet == "accepting":
        return row[3]
    if facet == "funding":
        return row[4]
    if facet == "client_group":
        return row[1]
    return (row[1], row[2])  # category, locality: two mask words


def _facet_keys(bits: FacetBits, facet: str, value: Any) -> list[str]:
    if facet == "cqc":
        name = CQC_NAMES.get(int(value))
        return [name] if name else []
    if facet == "rating":
        return [str(t) for t in RATING_THRESHOLDS if int(value) >= t]
    if facet == "accepting":
        return ["yes"] if int(value) == 1 else []
    if facet in ("funding", "client_group"):
        return bits.decode(facet, [value])
    return bits.decode(facet, list(value))  # category, locality
