"""The database backend's own parts: safe terms, highlights, vendor choice, index upkeep."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from search.backends import get_backend
from search.backends.database import DatabaseSearchBackend
from search.backends.database import sql as database_sql
from search.backends.database.terms import MAX_TERMS, marked_html, quoted, search_terms
from search.models import IndexedService, IndexState
from search.query import SearchQuery
from tests.factories import ServiceFactory


@pytest.mark.parametrize(
    "text, terms",
    [
        ("", []),
        ("carer", ["carer"]),
        ("Home CARE home", ["home", "care"]),  # lower case, each once
        ('"night sitting"', ["night", "sitting"]),
        ("NEAR(carer, home)", ["near", "carer", "home"]),
        ("carer* -home OR respite", ["carer", "home", "respite"]),  # "or" is a stop word
        ("the and of", []),
        ("' ; DROP TABLE x; --", ["drop", "table", "x"]),
        ("name:carer^2", ["name", "carer", "2"]),
        ("café über", ["café", "über"]),
        ("home_care", ["home", "care"]),
        ("a" * 100, ["a" * 40]),
    ],
)
def test_search_terms(text, terms):
    assert search_terms(text) == terms


def test_search_terms_are_capped():
    assert len(search_terms(" ".join(f"word{i}" for i in range(100)))) == MAX_TERMS


def test_quoted_terms_hold_no_operator():
    assert quoted(search_terms('carer" OR NEAR(x')) == '"carer" "near" "x"'


@pytest.mark.parametrize(
    "snippet, html",
    [
        (None, ""),
        ("no match here", ""),
        (
            "\ue000Carers\ue001 & <b>friends</b>",
            "<mark>Carers</mark> &amp; &lt;b&gt;friends&lt;/b&gt;",
        ),
        ('say "\ue000hi\ue001"', "say &quot;<mark>hi</mark>&quot;"),
    ],
)
def test_marked_html_escapes_everything_but_the_marks(snippet, html):
    assert marked_html(snippet) == html


@pytest.mark.django_db
def test_the_vendor_implementation_is_chosen_from_the_connection():
    backend = DatabaseSearchBackend()
    assert backend.vendor == connection.vendor
    assert type(get_backend("database")) is type(backend)


@pytest.mark.django_db
def test_index_rows_hold_the_filter_columns():
    service = ServiceFactory(review_score="3.456", accepting_new_clients=False, cqc_overall="Good")
    get_backend("database").index_services([service.pk])

    row = IndexedService.objects.get(service_id=service.pk)
    assert (row.review_score, row.rating_floor, row.accepting, row.cqc) == (346, 3, 0, 2)


@pytest.mark.django_db
def test_a_stale_service_stays_indexed_but_is_never_returned():
    from datetime import timedelta

    from django.utils import timezone

    service = ServiceFactory(last_confirmed_at=timezone.now() - timedelta(days=370))
    backend = get_backend("database")
    backend.index_services([service.pk])

    assert IndexedService.objects.filter(service_id=service.pk).exists()
    assert backend.search(SearchQuery()).total == 0


@pytest.mark.django_db
def test_rebuild_is_all_or_nothing(monkeypatch):
    backend = get_backend("database")
    kept = ServiceFactory(name="Kept service")
    backend.rebuild()
    ServiceFactory.create_batch(3)
    monkeypatch.setattr(database_sql, "CHUNK", 2)
    calls = []
    original = type(backend)._write

    def failing_write(self, documents, bits):
        calls.append(len(documents))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, documents, bits)

    monkeypatch.setattr(type(backend), "_write", failing_write)
    with pytest.raises(RuntimeError):
        backend.rebuild()

    assert list(IndexedService.objects.values_list("service_id", flat=True)) == [kept.pk]
    assert [h.service_id for h in backend.search(SearchQuery(text="kept")).hits] == [kept.pk]


@pytest.mark.django_db
def test_every_index_write_changes_the_token_so_cached_counts_are_dropped():
    backend = get_backend("database")
    first = ServiceFactory()
    backend.index_services([first.pk])
    token = IndexState.objects.get().token
    assert backend.search(SearchQuery()).total == 1

    second = ServiceFactory()
    backend.index_services([second.pk])

    assert IndexState.objects.get().token != token
    assert backend.search(SearchQuery()).total == 2


@pytest.mark.django_db
def test_a_search_makes_a_bounded_number_of_queries(django_assert_max_num_queries):
    ServiceFactory.create_batch(30, summary="Help for carers at home.")
    backend = get_backend("database")
    backend.rebuild()

    with django_assert_max_num_queries(4):  # facet keys, counts, hits, highlights
        results = backend.search(SearchQuery(text="carer", per_page=25))
    assert len(results.hits) == 25


@pytest.mark.django_db
def test_rebuild_command_shows_progress_and_a_summary(capsys):
    ServiceFactory.create_batch(3)
    ServiceFactory(status="draft")

    call_command("rebuild_search_index", "--backend", "database")

    out = capsys.readouterr().out
    assert "Rebuilding the database search index" in out
    assert "[##############################] 3/3 services (100%)" in out
    assert "Indexed 3 services" in out
    assert "1 services are not published" in out
    assert IndexedService.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(),
        SearchQuery(text="carer"),
        SearchQuery(categories=("home-care",)),
        SearchQuery(categories=("home-care",), funding=("direct-payment",)),
        SearchQuery(
            client_groups=("older-people",),
            cqc_ratings=("Good", "Outstanding"),
            accepting_new_clients=True,
            min_rating=Decimal("3"),
            locality="northtown",
        ),
        SearchQuery(max_price=Decimal("25"), price_unit="hour", funding=("self-funded",)),
    ],
)
def test_facets_counted_in_python_and_in_sql_agree(monkeypatch, query):
    """Small result sets are grouped in Python, large ones by GROUP BY: same figures."""
    from tests.search.conftest import build_catalogue

    build_catalogue()
    backend = get_backend("database")
    backend.rebuild()
    figures = []
    for threshold in (0, 10**6):
        monkeypatch.setattr(database_sql, "PYTHON_GROUPING_ROWS", threshold)
        database_sql._UNFILTERED.clear()
        results = backend.search(query)
        figures.append((results.total, results.facets, [h.service_id for h in results.hits]))

    assert figures[0] == figures[1]
    assert figures[0][0] > 0
