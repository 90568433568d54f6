"""The database backend's query engine: filters, disjunctive facet counts and ordering over
in-process postings read from the SQL index.

Why: at 100,000 services on SQLite, every way of counting disjunctive facets in SQL had to read
the whole relaxed result set once per facet group (a search with three filters took 57 ms at the
median and 150 ms at the 95th percentile on two cores; bench/search.py). Facet counting is set
intersection, so it is done the way search engines do it: one bitset per facet value.

A `Snapshot` is read from `IndexedService` (one SELECT of its columns) and kept per database,
labelled with the index state (`IndexState`: a random token and a write sequence number). Every
index write moves the state and logs the services it changed (`IndexChange`), so the next
search in each process patches just those services into a copy of its snapshot (`patched`)
and an edited price is found at once; after a rebuild, or when the log no longer reaches back
to the state held, the index is read whole again (at 100,000 services, bench/search.py: the
search after a one-service write takes about 20 ms, a whole read about 1.5-2 s). Bitsets are
Python ints with bit `i` set for service id `i`: AND, OR and `int.bit_count()` run in C over
100,000 bits in a few microseconds, so every value of every facet is counted in well under a
millisecond. Where a bitset meets a list of ids (a word's matches, a radius among them, a deep
page of a long order), numpy converts or selects in one pass in C.

What stays in SQL at query time: the index state (one row), the services with each search word
the snapshot has not met yet (FTS5 / tsvector, the vendor modules), and the highlights of one
page. Staleness follows the clock without rereading anything: the snapshot keeps its services
in order of last confirmation, and those before the cutoff are left out.

Memory: about 75 MB per process at 100,000 services (tracemalloc, bench/search.py's catalogue),
roughly proportional below that.

Places: services with premises are bucketed in square cells of `CELL_M` metres. A radius
filter reads the cells that meet the circle, and checks exact distances only in the cells the
circle's edge crosses; sorting by distance visits cells nearest first and stops as soon as no
unvisited cell can hold anything nearer than the page's last hit.
"""

from __future__ import annotations

import copy
import heapq
import math
import threading
from array import array
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connections

import numpy as np

from core.money import to_pence
from search import ranking
from search.models import (
    PRICE_UNITS,
    FacetKey,
    IndexChange,
    IndexedService,
    IndexState,
    price_column,
)
from search.query import FACETS, RATING_THRESHOLDS, FacetValue, Hit, SearchQuery, Sort

TABLE = IndexedService._meta.db_table
CELL_M = 2_000
MAX_RADIUS_M = 2_000_000  # further than Great Britain is long: a bigger radius changes nothing
MAX_PENCE = 10**12  # a price ceiling above this is no ceiling at all
# CQC overall ratings as small integers in the index (0: not rated).
CQC_CODES = {"Outstanding": 1, "Good": 2, "Requires improvement": 3, "Inadequate": 4}
CQC_NAMES = {code: name for name, code in CQC_CODES.items()}
# facet -> its mask column in IndexedService (little-endian bytes over FacetKey.bit, any length)
MASK_COLUMNS: dict[str, str] = {
    "category": "category_mask",
    "client_group": "client_group_mask",
    "funding": "funding_mask",
    "locality": "locality_mask",
}
PRICE_COLUMNS = (*(price_column(unit) for unit in PRICE_UNITS), "min_price", "headline_price")
# Kept per service id (arrays, -1 for null) for distances, sorting and patching.
PER_ID = ("easting", "northing", "radius_m", "review_score", "review_count", "accepting",
          "framework", *PRICE_COLUMNS)  # fmt: skip
MASKS = tuple(MASK_COLUMNS.values())
COLUMNS = ("service_id", "last_confirmed_at", "cqc", *PER_ID, *MASKS)
# Past this many changed services since the snapshot a process holds, it reads the index whole.
PATCH_LIMIT = 2_000
KEEP_CHANGES = 1_000  # IndexChange rows kept
TERMS_KEPT = 256  # search terms whose postings a snapshot keeps (12.5 kB a bitset at 100,000)
NUMPY_FROM = 256  # id lists at least this long become bitsets through numpy
# An order is walked in Python while about this many of its entries would be visited for a
# page; past that, numpy selects the members of the whole order in one pass.
WALK_LIMIT = 4_000
_ONE = [1 << k for k in range(8)]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_terms_lock = threading.Lock()


def bits_of(ids: Iterable[int] | np.ndarray, size: int = 0) -> int:
    """The bitset with the bit of every id set (size: a bound above every id, if known).

    Many ids go through numpy (set a byte per id, pack eight to a byte: ten times faster than a
    Python loop over 26,000 ids); a few through the loop, which has no fixed cost."""
    if not isinstance(ids, list | array | np.ndarray):
        ids = list(ids)
    if len(ids) < NUMPY_FROM:
        if isinstance(ids, np.ndarray):
            ids = ids.tolist()
        if not ids:
            return 0
        buffer = bytearray(max(size, max(ids) + 1) // 8 + 1)
        for i in ids:
            buffer[i >> 3] |= _ONE[i & 7]
        return int.from_bytes(buffer, "little")
    if isinstance(ids, array):
        found = np.frombuffer(ids, dtype=np.int64)
    else:
        found = np.asarray(ids, dtype=np.int64)
    if not len(found):
        return 0
    flags = np.zeros(max(size, int(found.max()) + 1), dtype=np.uint8)
    flags[found] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def flags_of(bits: int, size: int) -> np.ndarray:
    """The bitset as one byte (0 or 1) per id below `size`, for numpy to index."""
    raw = np.frombuffer(membership(bits, size), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:size].view(np.bool_)


def membership(bits: int, size: int) -> bytes:
    """The bitset as little-endian bytes covering ids below `size`: `byte[i >> 3] >> (i & 7) & 1`
    tests id i in constant time (shifting a big int costs its whole length)."""
    return bits.to_bytes(max(size // 8 + 1, (bits.bit_length() + 7) // 8), "little")


def to_hundredths(score: Decimal) -> int:
    return int(Decimal(score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


class _Sorted:
    """(value, id) pairs in ascending order of one column (rows where it is null left out), for
    "at most" / "at least" filters by bisection and for sorting."""

    def __init__(self, pairs: list[tuple[int, int]]):
        pairs.sort()
        self.pairs = pairs

    @property
    def ids(self) -> list[int]:
        return [pk for _, pk in self.pairs]

    def at_most(self, value: int) -> int:
        return bits_of([pk for _, pk in self.pairs[: bisect_right(self.pairs, (value, math.inf))]])

    def at_least(self, value: int) -> int:
        return bits_of([pk for _, pk in self.pairs[bisect_left(self.pairs, (value, -1)) :]])

    def without(self, old: Iterable[tuple[int, int]]) -> _Sorted:
        pairs = self.pairs[:]
        for pair in old:
            position = bisect_left(pairs, pair)
            if position < len(pairs) and pairs[position] == pair:
                del pairs[position]
        copy = _Sorted.__new__(_Sorted)
        copy.pairs = pairs
        return copy

    def add(self, new: Iterable[tuple[int, int]]) -> None:
        for pair in new:
            insort(self.pairs, pair)


def _microseconds(at: datetime) -> int:
    """A moment as microseconds since 1970 in UTC (SQLite's naive datetimes are UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return (at - EPOCH) // timedelta(microseconds=1)


def _rating_key(score: int, count: int, pk: int) -> tuple[int, int, int, int]:
    """Best review score first, then most reviews, then id; unrated (score -1) last, most
    reviews first among them too."""
    return (1, 0, -count, pk) if score < 0 else (0, -score, -count, pk)


def standing(cqc: int, min_price: int, accepting: int, reviews: int) -> int:
    """search.ranking.standing() of the index's per-id columns (-1: null)."""
    return ranking.standing(
        CQC_NAMES.get(cqc, ""),
        priced=min_price >= 0,
        availability_known=accepting >= 0,
        reviewed=reviews > 0,
    )


def _trust_key(values: dict[str, array], pk: int) -> tuple[int, int, int, int, int]:
    """The order of relevance ties and of a search without words: search.ranking.TRUST_ORDER
    (standing, then the review ranking order)."""
    score, count = values["review_score"][pk], values["review_count"][pk]
    rank = standing(values["cqc"][pk], values["min_price"][pk], values["accepting"][pk], count)
    return ranking.trust_key(rank, score if score >= 0 else None, count, pk)


class Snapshot:
    """The index of one database at one state (token, sequence), as postings, per-id columns
    and sorted lists. Never changed once published: a newer state is a patched copy
    (`patched`), so searches in other threads keep a consistent view."""

    token: str
    sequence: int

    def __init__(self, token: str, sequence: int, rows: Sequence[Sequence[Any]], keys) -> None:
        """rows: COLUMNS of every index row; keys: facet -> bit -> FacetKey key. Column by
        column: a pass per column in C-level iteration costs less than unpacking every row in
        Python."""
        self.token, self.sequence = token, sequence
        column = dict(zip(COLUMNS, zip(*rows, strict=True), strict=True)) if rows else {}
        ids: tuple[int, ...] = column.get("service_id", ())
        self.ids = sorted(ids)
        self.top = top = (self.ids[-1] if self.ids else 0) + 1  # every id is below this
        self.universe = bits_of(self.ids, top)
        self.values = {name: array("q", [-1]) * top for name in PER_ID}  # -1: null
        for name in PER_ID:
            values = self.values[name]
            for pk, value in zip(ids, column.get(name, ()), strict=True):
                if value is not None:
                    values[pk] = value
        # When each was last confirmed, in microseconds since 1970 (UTC), per id and in order.
        confirmed_us = self.values["confirmed_us"] = array("q", [-1]) * top
        for pk, at in zip(ids, column.get("last_confirmed_at", ()), strict=True):
            confirmed_us[pk] = _microseconds(at)
        self.confirmed = sorted((confirmed_us[pk], pk) for pk in self.ids)
        cqc_codes = self.values["cqc"] = array("q", [0]) * top
        for pk, code in zip(ids, column.get("cqc", ()), strict=True):
            cqc_codes[pk] = code or 0
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.unplaced: list[int] = []  # no premises on the grid
        east, north, cells = self.values["easting"], self.values["northing"], self.cells
        for pk in self.ids:
            e = east[pk]
            if e < 0:
                self.unplaced.append(pk)
                continue
            cell = (e // CELL_M, north[pk] // CELL_M)
            if cell in cells:
                cells[cell].append(pk)
            else:
                cells[cell] = [pk]
        self.postings: dict[str, dict[str, int]] = {}
        for facet, mask_column in MASK_COLUMNS.items():
            names = keys.get(facet, {})
            groups: dict[bytes, list[int]] = defaultdict(list)
            for pk, mask in zip(ids, column.get(mask_column, ()), strict=True):
                groups[bytes(mask or b"")].append(pk)  # PostgreSQL's bytea: a memoryview
            found: dict[str, int] = defaultdict(int)
            for mask, members in groups.items():
                bits = bits_of(members, top)
                for key in _decode(mask, names):
                    found[key] |= bits
            self.postings[facet] = dict(found)
        by_value: dict[str, dict[str, list[int]]] = {"cqc": defaultdict(list), "rating": {}}
        for pk, code in zip(ids, column.get("cqc", ()), strict=True):
            if code in CQC_NAMES:
                by_value["cqc"][CQC_NAMES[code]].append(pk)
        score, count = self.values["review_score"], self.values["review_count"]
        self.scores = _Sorted([(score[pk], pk) for pk in self.ids if score[pk] >= 0])
        for threshold in RATING_THRESHOLDS:
            position = bisect_left(self.scores.pairs, (threshold * 100, -1))
            by_value["rating"][str(threshold)] = [pk for _, pk in self.scores.pairs[position:]]
        accepting = self.values["accepting"]
        by_value["accepting"] = {"yes": [pk for pk in self.ids if accepting[pk] == 1]}
        framework = self.values["framework"]
        by_value["framework"] = {"yes": [pk for pk in self.ids if framework[pk] == 1]}
        for facet, lists in by_value.items():
            self.postings[facet] = {k: bits_of(m, top) for k, m in lists.items() if m}
        self.rating_keys = sorted(_rating_key(score[pk], count[pk], pk) for pk in self.ids)
        self.rating_order = [key[-1] for key in self.rating_keys]  # the ids alone
        self.trust_keys = sorted(_trust_key(self.values, pk) for pk in self.ids)
        self.trust_order = [key[-1] for key in self.trust_keys]
        self.prices = {
            name: _Sorted(
                [(v, pk) for pk, v in zip(ids, column.get(name, ()), strict=True) if v is not None]
            )
            for name in PRICE_COLUMNS
        }
        self._derive()

    def _derive(self) -> None:
        """The lists computed from the others, and the caches, emptied."""
        self.size = len(self.ids)
        self.cell_list = sorted(self.cells.items())
        self._rating_array: np.ndarray | None = None
        self._trust_array: np.ndarray | None = None
        self._unpriced: dict[str, list[int]] = {}
        self._price_arrays: dict[str, np.ndarray] = {}
        self._stale: tuple[int, int] = (-1, 0)
        self._terms: dict[str, tuple[int, ...]] = {}

    def rating_array(self) -> np.ndarray:
        """rating_order as a numpy array (made the first time a page needs it)."""
        if self._rating_array is None:
            self._rating_array = np.array(self.rating_order, dtype=np.int64)
        return self._rating_array

    def trust_array(self) -> np.ndarray:
        """trust_order as a numpy array (made the first time a page needs it)."""
        if self._trust_array is None:
            self._trust_array = np.array(self.trust_order, dtype=np.int64)
        return self._trust_array

    def column(self, name: str) -> np.ndarray:
        """A per-id column (PER_ID) as a numpy view: -1 where null."""
        return np.frombuffer(self.values[name], dtype=np.int64)

    def term(self, term: str) -> tuple[int, ...] | None:
        """The postings of a search term (anywhere, name, summary) if this snapshot has read
        them; the most recently used TERMS_KEPT are kept."""
        with _terms_lock:
            bits = self._terms.pop(term, None)
            if bits is not None:
                self._terms[term] = bits  # most recently used last
        return bits

    def keep_term(self, term: str, bits: tuple[int, ...]) -> None:
        with _terms_lock:
            self._terms[term] = bits
            while len(self._terms) > TERMS_KEPT:
                self._terms.pop(next(iter(self._terms)))

    def patched(
        self, token: str, sequence: int, changed: set[int], rows: Sequence[Sequence[Any]], keys
    ) -> Snapshot:
        """A copy at a later state: the services `changed` re-read (`rows`: the COLUMNS of
        those still indexed; the others left the index). Costs about the number of changes
        times the catalogue's size in memmove, not a read of the index."""
        new = copy.copy(self)
        new.token, new.sequence = token, sequence
        fresh = Snapshot("", 0, rows, keys)  # the changed rows alone, as a snapshot
        gone = [pk for pk in changed if pk < self.top and (self.universe >> pk) & 1]
        new.top = top = max(self.top, fresh.top)
        keep = ~bits_of(changed)
        new.universe = (self.universe & keep) | fresh.universe
        new.values = {}
        for name, values in self.values.items():
            values = values[:]
            if top > len(values):
                values.extend(array("q", [-1]) * (top - len(values)))
            for pk in gone:
                values[pk] = -1
            for pk in fresh.ids:
                values[pk] = fresh.values[name][pk]
            new.values[name] = values
        old = self.values
        new.ids = self.ids[:]
        new.unplaced = self.unplaced[:]
        new.cells = dict(self.cells)
        copied: set[tuple[int, int]] = set()
        for pk in gone:
            del new.ids[bisect_left(new.ids, pk)]
            if old["easting"][pk] < 0:
                del new.unplaced[bisect_left(new.unplaced, pk)]
            else:
                cell = (old["easting"][pk] // CELL_M, old["northing"][pk] // CELL_M)
                if cell not in copied:
                    new.cells[cell] = new.cells[cell][:]
                    copied.add(cell)
                new.cells[cell].remove(pk)
                if not new.cells[cell]:
                    del new.cells[cell]
        for pk in fresh.ids:
            insort(new.ids, pk)
        for pk in fresh.unplaced:
            insort(new.unplaced, pk)
        for cell, members in fresh.cells.items():
            new.cells[cell] = sorted([*new.cells.get(cell, ()), *members])
        new.confirmed = self.confirmed[:]
        for pk in gone:
            del new.confirmed[bisect_left(new.confirmed, (old["confirmed_us"][pk], pk))]
        for pair in fresh.confirmed:
            insort(new.confirmed, pair)
        new.postings = {}
        for facet, by_key in self.postings.items():
            merged = {key: bits & keep for key, bits in by_key.items()}
            for key, bits in fresh.postings.get(facet, {}).items():
                merged[key] = merged.get(key, 0) | bits
            new.postings[facet] = {key: bits for key, bits in merged.items() if bits}
        for facet in fresh.postings.keys() - new.postings.keys():
            new.postings[facet] = dict(fresh.postings[facet])
        score, count = old["review_score"], old["review_count"]
        new.scores = self.scores.without((score[pk], pk) for pk in gone if score[pk] >= 0)
        new.scores.add(fresh.scores.pairs)
        new.prices = {}
        for name, held in self.prices.items():
            values = old[name]
            new.prices[name] = held.without((values[pk], pk) for pk in gone if values[pk] >= 0)
            new.prices[name].add(fresh.prices[name].pairs)
        new.rating_keys, new.rating_order = self.rating_keys[:], self.rating_order[:]
        for pk in gone:
            position = bisect_left(new.rating_keys, _rating_key(score[pk], count[pk], pk))
            del new.rating_keys[position], new.rating_order[position]
        for rating in fresh.rating_keys:
            position = bisect_left(new.rating_keys, rating)
            new.rating_keys.insert(position, rating)
            new.rating_order.insert(position, rating[-1])
        new.trust_keys, new.trust_order = self.trust_keys[:], self.trust_order[:]
        for pk in gone:
            position = bisect_left(new.trust_keys, _trust_key(old, pk))
            del new.trust_keys[position], new.trust_order[position]
        for trust in fresh.trust_keys:
            position = bisect_left(new.trust_keys, trust)
            new.trust_keys.insert(position, trust)
            new.trust_order.insert(position, trust[-1])
        new._derive()
        return new

    # --- filters ------------------------------------------------------------------------------

    def fresh(self, cutoff: datetime) -> int:
        """Every indexed service confirmed at or after `cutoff` (the others are stale). The
        stale ones are the first of `confirmed`; their bitset is kept until one more goes
        stale, which the clock does rarely."""
        stale_count = bisect_left(self.confirmed, (_microseconds(cutoff), -1))
        count, bits = self._stale
        if count != stale_count:
            bits = bits_of([pk for _, pk in self.confirmed[:stale_count]])
            self._stale = (stale_count, bits)
        return self.universe & ~bits

    def any_of(self, facet: str, keys: Iterable[str]) -> int:
        values = self.postings.get(facet, {})
        bits = 0
        for key in keys:
            bits |= values.get(key, 0)
        return bits

    def within(self, easting: int, northing: int, radius: int, among: int = -1) -> int:
        """Those of `among` (default: all) whose premises lie within `radius` metres, exact on
        the grid. When `among` holds under a quarter of the catalogue (a text search, say), the
        distances of its members are computed at once (numpy) instead of reading cells."""
        r2 = radius * radius
        if among >= 0:
            count = among.bit_count()
            if count * 4 < self.size:
                members = np.flatnonzero(flags_of(among, self.top))
                xs, ys = self.column("easting")[members], self.column("northing")[members]
                inside = (xs >= 0) & ((xs - easting) ** 2 + (ys - northing) ** 2 <= r2)
                return bits_of(members[inside], self.top)
        low_x, high_x = (easting - radius) // CELL_M, (easting + radius) // CELL_M
        low_y, high_y = (northing - radius) // CELL_M, (northing + radius) // CELL_M
        if (high_x - low_x + 1) * (high_y - low_y + 1) <= len(self.cells):
            candidates: Iterable[tuple[tuple[int, int], list[int]]] = (
                ((x, y), self.cells[(x, y)])
                for x in range(low_x, high_x + 1)
                for y in range(low_y, high_y + 1)
                if (x, y) in self.cells
            )
        else:  # a huge radius: fewer cells exist than the box holds
            candidates = (
                (cell, ids)
                for cell, ids in self.cell_list
                if low_x <= cell[0] <= high_x and low_y <= cell[1] <= high_y
            )
        found: list[int] = []
        east, north = self.values["easting"], self.values["northing"]
        for (x, y), ids in candidates:
            near, far = _cell_distances(x, y, easting, northing)
            if far <= r2:
                found.extend(ids)
            elif near <= r2:
                found.extend(
                    i for i in ids if (east[i] - easting) ** 2 + (north[i] - northing) ** 2 <= r2
                )
        return bits_of(found) & among

    def within_own_radius(self, easting: int, northing: int) -> int:
        """Services that say they cover a radius around their premises which reaches here."""
        xs, ys, radius = (self.column(c) for c in ("easting", "northing", "radius_m"))
        reaches = (radius >= 0) & (xs >= 0)  # -1: no radius, not on the grid, or not indexed
        reaches &= (xs - easting) ** 2 + (ys - northing) ** 2 <= radius * radius
        return bits_of(np.flatnonzero(reaches), self.top)

    # --- orders -------------------------------------------------------------------------------

    def price(self, name: str) -> _Sorted:
        """The services with a price in this column (a unit's, min_price or headline_price),
        cheapest first."""
        return self.prices[name]

    def price_order(self, column: str) -> Iterator[int]:
        """Cheapest first, then id; services without a price in this column last, by id (that
        tail is listed only when a page reaches it)."""
        yield from (pk for _, pk in self.prices[column].pairs)
        unpriced = self._unpriced.get(column)
        if unpriced is None:
            values = self.values[column]
            unpriced = self._unpriced[column] = [pk for pk in self.ids if values[pk] < 0]
        yield from unpriced

    def price_array(self, column: str) -> np.ndarray:
        """price_order(column) whole, as a numpy array (made the first time a page needs it)."""
        found = self._price_arrays.get(column)
        if found is None:
            found = np.fromiter(self.price_order(column), dtype=np.int64)
            self._price_arrays[column] = found
        return found

    def nearest(
        self, member: bytes, easting: int, northing: int, count: int
    ) -> list[tuple[int, int]]:
        """The first `count` (squared distance, id) of the member services with premises, in
        order of distance then id: cells are visited nearest first, and the visit stops once
        the next cell lies further away than the count-th best found so far."""
        order = sorted(
            ((_cell_distances(x, y, easting, northing)[0], ids) for (x, y), ids in self.cell_list),
            key=lambda item: item[0],
        )
        best: list[tuple[int, int]] = []  # a max-heap of (-d2, -id) holding at most count
        east, north = self.values["easting"], self.values["northing"]
        for near, ids in order:
            if len(best) >= count and near > -best[0][0]:
                break
            for i in ids:
                if member[i >> 3] >> (i & 7) & 1:
                    d2 = (east[i] - easting) ** 2 + (north[i] - northing) ** 2
                    item = (-d2, -i)
                    if len(best) < count:
                        heapq.heappush(best, item)
                    elif item > best[0]:
                        heapq.heapreplace(best, item)
        return sorted((-d2, -i) for d2, i in best)


def _cell_distances(x: int, y: int, easting: int, northing: int) -> tuple[int, int]:
    """Squared distances from a point to the nearest and the furthest point of cell (x, y)."""
    left, bottom = x * CELL_M, y * CELL_M
    right, top = left + CELL_M, bottom + CELL_M
    dx = max(left - easting, 0, easting - right)
    dy = max(bottom - northing, 0, northing - top)
    fx = max(abs(easting - left), abs(easting - right))
    fy = max(abs(northing - bottom), abs(northing - top))
    return dx * dx + dy * dy, fx * fx + fy * fy


def mask_of(bits: Iterable[int]) -> bytes:
    """The mask column value with these FacetKey bits set: little-endian bytes, as many as the
    highest bit needs (b"" for none), so there is no limit on how many values a facet has."""
    value = 0
    for bit in bits:
        value |= 1 << bit
    return value.to_bytes((value.bit_length() + 7) // 8, "little")


def _decode(mask: bytes, names: dict[int, str]) -> list[str]:
    """The keys of the bits set in a mask column value (mask_of)."""
    keys = []
    word = int.from_bytes(mask, "little")
    while word:
        low = word & -word
        key = names.get(low.bit_length() - 1)
        if key is not None:
            keys.append(key)
        word ^= low
    return keys


# --- the snapshots of this process ------------------------------------------------------------

_snapshots: dict[str, Snapshot] = {}
_lock = threading.Lock()
reads = {"whole": 0, "patched": 0}  # how this process got its snapshots (for tests and benches)


def current(alias: str) -> Snapshot:
    """The snapshot of this database at its present state. One statement (a row read by its
    key) when this process is up to date; otherwise the changes since its snapshot are read and
    patched in, or, after a rebuild or too many changes, the whole index is read."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT token, sequence FROM {IndexState._meta.db_table} WHERE id = 1"  # noqa: S608
        )
        row = cursor.fetchone()
    token, sequence = (row[0] or "", int(row[1] or 0)) if row else ("", 0)
    held = _snapshots.get(alias)
    if held is None or held.token != token:
        with _lock:
            held = _snapshots.get(alias)
            if held is None or held.token != token:
                held = _patch(alias, held, sequence) or _read(alias, token, sequence)
                _snapshots[alias] = held
    return held


def forget() -> None:
    """Drop every snapshot of this process."""
    _snapshots.clear()


def _keys(alias: str) -> dict[str, dict[int, str]]:
    keys: dict[str, dict[int, str]] = {}
    for facet, key, bit in FacetKey.objects.using(alias).values_list("facet", "key", "bit"):
        keys.setdefault(facet, {})[bit] = key
    return keys


def _read(alias: str, token: str, sequence: int) -> Snapshot:
    """Read the whole index. It is labelled with the state read before it, so if a writer
    commits meanwhile, the next search sees a newer state and patches those services again."""
    reads["whole"] += 1
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {TABLE}")  # noqa: S608
        rows = cursor.fetchall()
    return Snapshot(token, sequence, rows, _keys(alias))


def _patch(alias: str, held: Snapshot | None, sequence: int) -> Snapshot | None:
    """`held` brought up to date from the change log, or None when it cannot be: the log no
    longer reaches back to it (or never held it: a rolled-back write), there was a rebuild,
    or too much changed."""
    if held is None or not held.sequence or held.sequence >= sequence:
        return None
    changes = list(
        IndexChange.objects.using(alias)
        .filter(sequence__gte=held.sequence)
        .order_by("sequence")
        .values_list("sequence", "token", "service_ids")
    )
    if not changes or changes[0][:2] != (held.sequence, held.token):
        return None
    changed: set[int] = set()
    for number, (step, _token, ids) in enumerate(changes[1:], start=held.sequence + 1):
        if step != number or ids is None:
            return None
        changed.update(int(pk) for pk in ids)
    if len(changed) > max(PATCH_LIMIT, held.size // 20) or len(changes) < 2:
        return None
    rows: list[Sequence[Any]] = []
    ordered = sorted(changed)
    with connections[alias].cursor() as cursor:
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            cursor.execute(
                f"SELECT {', '.join(COLUMNS)} FROM {TABLE} "  # noqa: S608
                f"WHERE service_id IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            rows.extend(cursor.fetchall())
    reads["patched"] += 1
    last, token, _ids = changes[-1]
    return held.patched(token, last, changed, rows, _keys(alias))


# --- one search -------------------------------------------------------------------------------

# A term's matches: (services with it anywhere, in the name, in the summary), as id lists from
# the vendor's full-text index; None when the term is no constraint (a stop word to PostgreSQL).
TermMatches = (
    tuple[Sequence[int] | np.ndarray, Sequence[int] | np.ndarray, Sequence[int] | np.ndarray] | None
)


@dataclass(frozen=True)
class Text:
    """The services matching a search's concepts (search.understanding): `matched` those with
    enough of them (understanding.required), `full` those with every one, and the relevance
    tiers among the full matches: every concept in the name or what the service is (its
    categories and client groups), every concept in the summary."""

    matched: int
    name: int
    summary: int
    full: int = -1  # -1: the same as matched

    @property
    def complete(self) -> int:
        return self.matched if self.full == -1 else self.full


def text_postings(snap: Snapshot, found: Sequence[Any], read: Callable[[str], TermMatches]) -> Text:
    """The services matching the concepts `found` (each with `.terms`; a plain string is a
    concept of one term). A concept is matched by any of its terms; each term's postings are
    read from the full-text index through `read` the first time this snapshot meets the term
    and kept with it (a new snapshot starts afresh, so an edited text is found at once). A term
    of several words is a phrase. A concept none of whose terms the full-text engine can use
    (stop words to PostgreSQL) is no constraint."""
    from search.understanding import required

    anywhere: list[int] = []
    names: list[int] = []
    summaries: list[int] = []
    for concept in found:
        terms = (concept,) if isinstance(concept, str) else concept.terms
        any_bits = name_bits = summary_bits = 0
        used = False
        for term in terms:
            bits = snap.term(term)
            if bits is None:
                matches = read(term)
                if matches is None:
                    continue
                bits = tuple(bits_of(ids, snap.top) for ids in matches)
                snap.keep_term(term, bits)
            used = True
            any_bits |= bits[0]
            name_bits |= bits[1]
            summary_bits |= bits[2]
        if used:
            anywhere.append(any_bits)
            names.append(name_bits)
            summaries.append(summary_bits)
    full, name, summary = snap.universe, snap.universe, snap.universe
    for a, n, s in zip(anywhere, names, summaries, strict=True):
        full, name, summary = full & a, name & n, summary & s
    name, summary = name & full, summary & full
    count = len(anywhere)
    if required(count) >= count:
        return Text(full, name, summary)
    # All but one: the union, over each concept, of the services with every other one
    # (prefix and suffix intersections: 3n ANDs rather than n^2).
    suffix = [snap.universe] * (count + 1)
    for i in range(count - 1, -1, -1):
        suffix[i] = suffix[i + 1] & anywhere[i]
    matched, prefix = 0, snap.universe
    for i in range(count):
        matched |= prefix & suffix[i + 1]
        prefix &= anywhere[i]
    return Text(matched, name, summary, full)


@dataclass
class Evaluation:
    total: int
    facets: dict[str, list[FacetValue]]
    hits: list[Hit]


def evaluate(
    snap: Snapshot,
    query: SearchQuery,
    *,
    cutoff: datetime,
    text: Text | None,
) -> Evaluation:
    """Filters, disjunctive facet counts, the total and the page of hits (without highlights).
    `text`: the services matching the free text (None: no words)."""
    base = snap.fresh(cutoff)
    if text is not None:
        base &= text.matched
    origin = query.origin
    if origin is not None:
        e, n = int(origin.easting), int(origin.northing)
        if query.radius_km is not None:
            radius = max(0, min(MAX_RADIUS_M, int(Decimal(query.radius_km) * 1000)))
            base &= snap.within(e, n, radius, among=base)
        if query.serves_origin:  # catalogue.selectors.serves: own locality, named, radius
            own_or_named = [query.origin_locality] if query.origin_locality else []
            base &= snap.any_of("locality", own_or_named) | snap.within_own_radius(e, n)
    if query.max_price is not None:
        pence = max(-1, min(MAX_PENCE, to_pence(query.max_price)))
        if not query.price_unit:
            base &= snap.price("min_price").at_most(pence)
        elif query.price_unit in PRICE_UNITS:
            base &= snap.price(price_column(query.price_unit)).at_most(pence)
        else:
            base = 0  # no service has prices in an unknown unit

    filters = _facet_filters(snap, query)
    facets: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        selected = base
        for other, bits in filters.items():
            if other != facet:
                selected &= bits
        values = snap.postings[facet]
        facets[facet] = (
            [
                FacetValue(key, count)
                for key, posting in sorted(values.items())
                if (count := (selected & posting).bit_count())
            ]
            if selected
            else []
        )
    matched = base
    for bits in filters.values():
        matched &= bits
    total = matched.bit_count()
    hits = _page(snap, query, matched, text) if query.offset < total else []
    return Evaluation(total=total, facets=facets, hits=hits)


def _facet_filters(snap: Snapshot, query: SearchQuery) -> dict[str, int]:
    """Each facet's filter as a bitset, kept apart: disjunctive counting leaves one out."""
    filters: dict[str, int] = {}
    for facet, values in (
        ("category", query.categories),
        ("client_group", query.client_groups),
        ("funding", query.funding),
        ("locality", (query.locality,) if query.locality else ()),
        ("cqc", query.cqc_ratings),
    ):
        if values:
            filters[facet] = snap.any_of(facet, values)
    if query.min_rating is not None:
        floor = max(0, min(1000, to_hundredths(query.min_rating)))
        filters["rating"] = snap.scores.at_least(floor)
    if query.accepting_new_clients:
        filters["accepting"] = snap.any_of("accepting", ["yes"])
    if query.on_framework:
        filters["framework"] = snap.any_of("framework", ["yes"])
    return filters


def _page(snap: Snapshot, query: SearchQuery, matched: int, text: Text | None) -> list[Hit]:
    start, stop = query.offset, query.offset + query.per_page
    member = membership(matched, snap.top)
    origin = query.origin
    ids: list[int]
    scores: dict[int, float] = {}
    if text is not None and query.sort == Sort.RELEVANCE:
        # Relevance tiers among the services matching every concept: every one in the name
        # (or the categories and client groups) and the summary (4), in the name (3), in the
        # summary (2), elsewhere (1); then those matching all but one (0). Inside a tier, the
        # order people can trust (_trust_key: standing, then reviews).
        ids = []
        skip, wanted = start, stop - start
        complete = text.complete
        for tier, bits in (
            (4, text.name & text.summary),
            (3, text.name & ~text.summary),
            (2, text.summary & ~text.name),
            (1, complete & ~(text.name | text.summary)),
            (0, ~complete),
        ):
            members = matched & bits
            count = members.bit_count()
            if skip >= count:
                skip -= count
                continue
            found = _in_order(snap, members, count, skip, skip + wanted, trust=True)
            ids += found
            scores.update((pk, float(tier)) for pk in found)
            skip, wanted = 0, wanted - len(found)
            if not wanted:
                break
    elif query.sort == Sort.DISTANCE and origin is not None:
        e, n = int(origin.easting), int(origin.northing)
        ordered = [pk for _, pk in snap.nearest(member, e, n, stop)]
        if len(ordered) < stop:  # services without premises come last, by id
            ordered += _walk(snap.unplaced, member, 0, stop - len(ordered))
        ids = ordered[start:stop]
    elif query.sort == Sort.PRICE:
        column = (
            price_column(query.price_unit) if query.price_unit in PRICE_UNITS else "headline_price"
        )
        if _sparse(snap, matched.bit_count(), stop):
            values = snap.values[column]
            ids = sorted(_members(matched), key=lambda pk: (values[pk] < 0, values[pk], pk))
            ids = ids[start:stop]
        elif _walked(snap, matched.bit_count(), stop):
            ids = _walk(snap.price_order(column), member, start, stop)
        else:
            ids = _select(snap.price_array(column), matched, snap.top, start, stop)
    else:  # relevance without words (trust order), or review score
        trust = query.sort != Sort.RATING
        ids = _in_order(snap, matched, matched.bit_count(), start, stop, trust=trust)
    hits = []
    for pk in ids:
        distance = None
        east, north = snap.values["easting"][pk], snap.values["northing"][pk]
        if origin is not None and east >= 0:
            distance = math.hypot(east - int(origin.easting), north - int(origin.northing))
        hits.append(Hit(service_id=pk, score=scores.get(pk, 0.0), distance_m=distance))
    return hits


def _sparse(snap: Snapshot, count: int, stop: int) -> bool:
    """Whether sorting the `count` members beats walking an order of the whole catalogue until
    `stop` of them are found (about stop / count of it: each visit costs a tenth of what a
    member costs to sort)."""
    return count * count * 10 < stop * snap.size


def _members(bits: int) -> list[int]:
    """The ids in a bitset, in ascending order (one pass in C over the bits)."""
    if not bits:
        return []
    return np.flatnonzero(flags_of(bits, bits.bit_length())).tolist()


def _in_order(
    snap: Snapshot, bits: int, count: int, start: int, stop: int, *, trust: bool
) -> list[int]:
    """Members at positions start..stop of the trust order (_trust_key) or, trust False, of
    the review ranking order (_rating_key)."""
    if _sparse(snap, count, stop):
        values = snap.values
        if trust:
            members = sorted(_members(bits), key=lambda pk: _trust_key(values, pk))
        else:
            score, reviews = values["review_score"], values["review_count"]
            members = sorted(_members(bits), key=lambda pk: _rating_key(score[pk], reviews[pk], pk))
        return members[start:stop]
    if _walked(snap, count, stop):
        order = snap.trust_order if trust else snap.rating_order
        return _walk(order, membership(bits, snap.top), start, stop)
    array_ = snap.trust_array() if trust else snap.rating_array()
    return _select(array_, bits, snap.top, start, stop)


def _walked(snap: Snapshot, count: int, stop: int) -> bool:
    """Whether walking an order in Python until `stop` of `count` members are found (about
    stop / count of the order) visits few enough entries to beat a numpy pass over all of it."""
    return stop * snap.size < WALK_LIMIT * max(count, 1)


def _select(order: np.ndarray, bits: int, top: int, start: int, stop: int) -> list[int]:
    """The members at positions start..stop of `order`, in one numpy pass over it."""
    return order[flags_of(bits, top)[order]][start:stop].tolist()


def _walk(order: Iterable[int], member: bytes, start: int, stop: int) -> list[int]:
    """The members at positions start..stop of `order`."""
    out: list[int] = []
    seen = 0
    for i in order:
        if member[i >> 3] >> (i & 7) & 1:
            if seen >= start:
                out.append(i)
                if seen + 1 >= stop:
                    break
            seen += 1
    return out
