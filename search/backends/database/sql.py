"""The database search backend: index writes in SQL, queries over postings (postings.py).

The index is one narrow row per visible service in `IndexedService` (integers only: bitmasks for
the multi-valued facets, pence, hundredths of a star, grid metres) plus a vendor text table (see
migration 0003). The vendor subclasses (sqlite.py, postgres.py) only supply the free-text parts:
each term's matches, the highlights and the text writes.

How one search runs (one statement, two with highlights, plus one per new word; see
postings.py):

1. The index state (one row). The process keeps the index as postings (a bitset per facet
   value, sorted columns, grid cells) labelled with the state; after an index write it patches
   in the services the write changed (IndexChange), after a rebuild it reads them whole.
2. With search words: for each word this process has not looked up since the last index
   write, the services with it anywhere / in the name / in the summary (FTS5 / tsvector).
3. Filters, disjunctive facet counts, the total and the page of hits over the postings, with
   no statement at all.
4. Highlights for the hits of the page only (vendor functions, then escaped; see terms.py).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from catalogue.geo import radius_m
from catalogue.rules import stale_cutoff
from core.money import to_pence
from search import understanding, vocabulary
from search.backends.base import BaseSearchBackend
from search.indexing import ServiceDocument, indexable_services, service_documents
from search.models import (
    PRICE_UNITS,
    FacetKey,
    IndexChange,
    IndexedService,
    IndexState,
    SearchWord,
    price_column,
)
from search.query import Hit, SearchQuery, SearchResults

from . import postings
from .postings import CQC_CODES, MASK_COLUMNS, mask_of, to_hundredths

logger = logging.getLogger(__name__)

# alias -> (index token, vocabulary words, speller)
_spellers: dict[str, tuple[str, frozenset[str], understanding.Speller]] = {}
_speller_lock = threading.Lock()


def document_words(document: ServiceDocument) -> set[str]:
    """The words of a service's indexed text that typos are corrected to (letters only, at
    least 3 of them, not stop words)."""
    text = " ".join(
        (
            document.name,
            document.summary,
            document.description,
            document.organisation_name,
            document.about,
            document.places,
        )
    )
    return {
        w
        for w in understanding.words(text)
        if len(w) >= 3 and w.isalpha() and w not in understanding.STOP_WORDS
    }


def speller(
    alias: str, token: str, vocabulary_words: frozenset[str] = frozenset()
) -> understanding.Speller:
    """The typo speller of this database's word list and the care vocabulary's words (a word
    only the vocabulary has, such as "domiciliary", is corrected to as well), made again after
    each index write or vocabulary change."""
    held = _spellers.get(alias)
    if held is not None and held[0] == token and held[1] == vocabulary_words:
        return held[2]
    with _speller_lock:
        counts = dict.fromkeys(vocabulary_words, 0)
        counts.update(SearchWord.objects.using(alias).values_list("word", "count"))
        made = understanding.Speller(counts)
        _spellers[alias] = (token, vocabulary_words, made)
    return made


CHUNK = 500

ProgressCallback = Callable[[int, int], None]


class FacetBits:
    """Slug <-> bit for each multi-valued facet, read from FacetKey (assigned on first use), for
    one index write. Read afresh for every write: a process-wide copy could outlive a
    rolled-back transaction that assigned bits."""

    def __init__(self) -> None:
        self.bits: dict[str, dict[str, int]] = {f: {} for f in MASK_COLUMNS}
        for facet, key, bit in FacetKey.objects.values_list("facet", "key", "bit"):
            self.bits.setdefault(facet, {})[key] = bit

    def ensure(self, facet: str, keys: Iterable[str]) -> None:
        """Give every new key a bit (the next free one); safe when two writers race. There is
        no limit: a mask column holds as many bytes as its highest bit needs."""
        for _attempt in range(5):
            missing = [k for k in dict.fromkeys(keys) if k not in self.bits[facet]]
            if not missing:
                return
            next_bit = max(self.bits[facet].values(), default=-1) + 1
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
        raise RuntimeError(f"Could not assign search facet bits for {facet}")

    def mask(self, facet: str, keys: Iterable[str]) -> bytes:
        """The mask column value (postings.mask_of) with the bits of these keys set; unknown
        keys are ignored."""
        known = self.bits[facet]
        return mask_of(known[key] for key in keys if key in known)


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

    # --- vendor hooks ---------------------------------------------------------------------

    def term_matches(self, term: str) -> postings.TermMatches:
        """The indexed services with this term (after stemming) anywhere, in the name and in
        the summary; None if the full-text engine ignores the term."""
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
            state = self._lock()
            documents = list(service_documents(ids))
            self._delete(ids)
            self._write(documents, FacetBits())
            new_words = {w for d in documents for w in document_words(d)}
            SearchWord.objects.bulk_create(
                [SearchWord(word=w) for w in sorted(new_words)],
                ignore_conflicts=True,
                batch_size=CHUNK,
            )
            self._touch(state, ids)

    def rebuild(self, *, progress: ProgressCallback | None = None) -> int:
        """Rebuild the whole index, all or nothing: searches see the old index until the
        transaction commits."""
        total = indexable_services().count()
        done = 0
        with transaction.atomic():
            state = self._lock()
            self._delete(None)
            bits = FacetBits()
            batch: list[ServiceDocument] = []
            counts: Counter[str] = Counter()
            for document in service_documents(None, chunk=CHUNK):
                counts.update(document_words(document))
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
            SearchWord.objects.all().delete()
            SearchWord.objects.bulk_create(
                [SearchWord(word=w, count=c) for w, c in counts.items()], batch_size=CHUNK
            )
            self._touch(state, None)
            if progress:
                progress(done, total)
        return done

    @staticmethod
    def _lock() -> IndexState:
        """Take the index state's row lock first (PostgreSQL; SQLite has one writer anyway),
        so concurrent index writes queue up instead of taking the same sequence number."""
        state, _ = IndexState.objects.select_for_update().get_or_create(
            pk=1, defaults={"token": ""}
        )
        return state

    @staticmethod
    def _touch(state: IndexState, service_ids: list[int] | None) -> None:
        """Give the index a new state and log what changed (None: everything), so processes
        that hold it as postings patch in these services, or read it again after a rebuild."""
        state.sequence += 1
        state.token = uuid.uuid4().hex
        state.save(update_fields=["sequence", "token"])
        IndexChange.objects.create(
            sequence=state.sequence, token=state.token, service_ids=service_ids
        )
        IndexChange.objects.filter(sequence__lte=state.sequence - postings.KEEP_CHANGES).delete()

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
            radius_m=radius_m(document.radius_km),  # as catalogue.selectors.serves counts it
            category_mask=bits.mask("category", document.category_slugs),
            client_group_mask=bits.mask("client_group", document.client_group_slugs),
            funding_mask=bits.mask("funding", document.funding_slugs),
            locality_mask=bits.mask("locality", places),
            cqc=CQC_CODES.get(document.cqc_overall, 0),
            review_score=to_hundredths(score) if score is not None else None,
            rating_floor=int(score) if score is not None else None,
            review_count=document.review_count,
            accepting=(
                None
                if document.accepting_new_clients is None
                else int(document.accepting_new_clients)
            ),
            framework=int(document.on_framework),
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
        snap = postings.current(connection.alias)
        words = vocabulary.current()
        asked = understanding.concepts(query.text, words)
        corrections: dict[str, str] = {}
        if asked and query.correct_typos:

            def correct(word: str) -> str | None:
                # Only a word that finds nothing in the index is a typo.
                bits = snap.term(word)
                if bits is None:
                    found = self.term_matches(word)
                    if found is None:
                        return None
                    bits = tuple(postings.bits_of(ids, snap.top) for ids in found)
                    snap.keep_term(word, bits)
                if bits[0]:
                    return None
                known = speller(connection.alias, snap.token, words.spelling_words)
                return known.nearest(word)

            asked, corrections = understanding.corrected(asked, correct, words)
        terms = understanding.all_terms(asked)
        text = postings.text_postings(snap, asked, self.term_matches) if asked else None
        found = postings.evaluate(snap, query, cutoff=stale_cutoff(timezone.now()), text=text)
        hits = found.hits
        if terms and hits:
            marked = self.highlights([h.service_id for h in hits], terms)
            hits = [
                Hit(h.service_id, h.score, h.distance_m, marked.get(h.service_id, {})) for h in hits
            ]
        return SearchResults(
            hits=hits,
            total=found.total,
            facets=found.facets,
            took_ms=(time.perf_counter() - started) * 1000,
            page=query.page,
            per_page=query.per_page,
            backend=self.name,
            corrections=corrections,
        )
