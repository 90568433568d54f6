"""The relevance set of catalogue search (issue 23): queries people type, with what they mean
written as the catalogue's own structure, so the services each should find are computed from the
catalogue rather than listed by hand.

A case's expected services are the visible, fresh ones (indexed and confirmed within 12 months)
that have any of its categories (a service counts under its categories' parents too), any of its
client groups, and are based in or serve its place, for each part the case names. The search runs
as the search page runs it: the words go through the page's understanding (a place in the words
becomes the place filter) and then the backend, and every page of results is read.

Figures, per case: recall, the share of the expected services found anywhere in the results;
precision of the first 10, the share of the first min(10, results) results that are expected (0
when nothing came back). Used by tests/search/relevance/test_relevance.py on the small demo
catalogue and by bench/relevance.py on the full one.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from catalogue.rules import stale_cutoff
from search.backends.base import BaseSearchBackend
from search.indexing import ServiceDocument, service_documents
from search.models import IndexedService
from search.query import MAX_PER_PAGE

TOP = 10


@dataclass(frozen=True)
class Case:
    text: str
    categories: tuple[str, ...] = ()
    client_groups: tuple[str, ...] = ()
    place: str = ""  # a locality slug: based in or serving it


DEMENTIA = ("dementia",)
CASES: tuple[Case, ...] = (
    # care words, as the issue measured them
    Case("dementia", client_groups=DEMENTIA),
    Case("dementia care", client_groups=DEMENTIA),
    Case("Alzheimer's", client_groups=DEMENTIA),
    Case("memory loss", client_groups=DEMENTIA),
    Case("home care", categories=("home-care",)),
    Case("homecare", categories=("home-care",)),
    Case("domiciliary care", categories=("home-care",)),
    Case("cleaner", categories=("cleaning",)),
    Case("domestic help", categories=("cleaning",)),
    Case("night sitter", categories=("night-sitting",)),
    Case("PA", categories=("personal-assistants",)),
    Case("personal assistant", categories=("personal-assistants",)),
    Case("personal alarm", categories=("telecare",)),
    Case("telecare", categories=("telecare",)),
    Case("advocate", categories=("advocacy",)),
    Case("lonely", categories=("befriending",)),
    Case("befriending", categories=("befriending",)),
    Case("autism", client_groups=("autism",)),
    Case("mental health", client_groups=("mental-health",)),
    Case("deaf", client_groups=("sensory-impairment",)),
    Case("sight loss", client_groups=("sensory-impairment",)),
    Case("learning disability", client_groups=("learning-disability",)),
    Case("LD", client_groups=("learning-disability",)),
    Case("physical disability", client_groups=("physical-disability",)),
    Case("support for carers", client_groups=("carers",)),
    Case("respite", categories=("short-breaks",)),
    Case("short breaks", categories=("short-breaks",)),
    Case("meals on wheels", categories=("meals",)),
    Case("live in care", categories=("live-in-care",)),
    Case("day centre", categories=("day-opportunities",)),
    Case("supported living", categories=("supported-living",)),
    Case("reablement", categories=("reablement",)),
    Case("transport", categories=("transport",)),
    Case("nursing home", categories=("nursing-home",)),
    Case("residential care", categories=("care-homes",)),
    # typos: one letter wrong, missing or doubled
    Case("dementa", client_groups=DEMENTIA),
    Case("resspite", categories=("short-breaks",)),
    Case("nursng home", categories=("nursing-home",)),
    Case("befriendng", categories=("befriending",)),
    Case("autsim", client_groups=("autism",)),
    # typos of words only the care vocabulary knows
    Case("domicilary", categories=("home-care",)),
    Case("alzhiemers", client_groups=DEMENTIA),
    # places, alone and in the words
    Case("Bridgnorth", place="bridgnorth"),
    Case("Shrewsbury", place="shrewsbury"),
    Case("Much Wenlock", place="much-wenlock"),
    Case("nursing home Ludlow", categories=("nursing-home",), place="ludlow"),
    Case("care homes in Shrewsbury", categories=("care-homes",), place="shrewsbury"),
    Case("help for someone with dementia in Ludlow", client_groups=DEMENTIA, place="ludlow"),
    Case("home care Oswestry", categories=("home-care",), place="oswestry"),
    Case("cleaning in Wem", categories=("cleaning",), place="wem"),
    Case("day centre Church Stretton", categories=("day-opportunities",), place="church-stretton"),
)


@dataclass(frozen=True)
class Score:
    case: Case
    expected: int
    found: int
    recall: float
    precision: float


def visible_documents() -> list[ServiceDocument]:
    """The documents of the indexed services that a search can show (not stale)."""
    cutoff = stale_cutoff(timezone.now())
    ids = IndexedService.objects.filter(last_confirmed_at__gte=cutoff).values_list(
        "service_id", flat=True
    )
    return list(service_documents(list(ids)))


def expected(case: Case, documents: Iterable[ServiceDocument]) -> set[int]:
    found = set()
    for d in documents:
        if case.categories and not set(case.categories) & set(d.category_slugs):
            continue
        if case.client_groups and not set(case.client_groups) & set(d.client_group_slugs):
            continue
        if case.place and case.place not in (*d.localities_served, d.locality):
            continue
        found.add(d.service_id)
    return found


def search_all(backend: BaseSearchBackend, text: str) -> list[int]:
    """Every service the search page would list for these words, in order."""
    from search.filters import ServiceSearchFilter

    query = ServiceSearchFilter(data={"q": text}).criteria().query
    ids: list[int] = []
    page = 1
    while True:
        results = backend.search(dataclasses.replace(query, page=page, per_page=MAX_PER_PAGE))
        ids += [h.service_id for h in results.hits]
        if not results.hits or len(ids) >= results.total:
            return ids
        page += 1


def score(case: Case, wanted: set[int], found: list[int]) -> Score:
    recall = len(wanted & set(found)) / len(wanted) if wanted else 1.0
    first = found[:TOP]
    precision = len(wanted & set(first)) / len(first) if first else 0.0
    return Score(case, len(wanted), len(found), recall, precision)


def measure(backend: BaseSearchBackend, cases: Iterable[Case] = CASES) -> list[Score]:
    """The scores of the cases with at least one expected service in this catalogue."""
    documents = visible_documents()
    scores = []
    for case in cases:
        wanted = expected(case, documents)
        if wanted:
            scores.append(score(case, wanted, search_all(backend, case.text)))
    return scores


def means(scores: list[Score]) -> tuple[float, float]:
    return (
        statistics.fmean(s.recall for s in scores),
        statistics.fmean(s.precision for s in scores),
    )
