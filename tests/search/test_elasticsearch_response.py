"""Parsing Elasticsearch 8 search responses (fixtures in tests/search/data/es_*.json, shaped as
in Elasticsearch's search API reference: hits.total.value, sort values, highlight fragments,
filter aggregations with terms / keyed filters buckets) into SearchResults."""

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from search.backends.elasticsearch import build_search, parse_response
from search.query import FACETS, FacetValue, GridPoint, SearchQuery, Sort
from search.vocabulary import file_vocabulary

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)
WORDS = file_vocabulary()


def fixture(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def parse(name: str, query: SearchQuery):
    return parse_response(fixture(name), query, build_search(query, now=NOW, words=WORDS))


DISTANCE_QUERY = SearchQuery(
    text="carers", origin=GridPoint(349000, 312000), sort=Sort.DISTANCE, page=1
)


def test_hits_come_back_in_order_with_grid_distances_from_their_grid_references():
    results = parse("es_search_distance.json", DISTANCE_QUERY)

    assert [hit.service_id for hit in results.hits] == [17, 4, 9]
    assert [hit.score for hit in results.hits] == [0.0, 0.0, 0.0]  # sorted by distance only
    # On the grid, as the database backend and the service pages measure (the sort values
    # are Elasticsearch's ellipsoidal metres: close, but not what the site shows).
    assert results.hits[0].distance_m == pytest.approx(math.hypot(600, 550))
    assert results.hits[1].distance_m == pytest.approx(math.hypot(4000, 2000))
    assert results.hits[2].distance_m is None  # no premises: sorted last, at "Infinity"


def test_relevance_with_an_origin_keeps_scores_and_distances():
    raw = fixture("es_search_distance.json")
    for score, item in zip([2.4137, 1.1, 0.9], raw["hits"]["hits"], strict=True):
        item["_score"] = score
        item["sort"] = [score, 3, item["sort"][1]]  # [_score, review_count, service_id]
    query = SearchQuery(text="carers", origin=GridPoint(349000, 312000))
    results = parse_response(raw, query, build_search(query, now=NOW, words=WORDS))
    assert [hit.score for hit in results.hits] == [2.4137, 1.1, 0.9]
    assert [hit.distance_m for hit in results.hits] == [
        pytest.approx(813.94, abs=0.01),
        pytest.approx(4472.14, abs=0.01),
        None,
    ]


def test_highlights_are_joined_fragments_with_mark_tags_as_elasticsearch_escaped_them():
    hits = parse("es_search_distance.json", DISTANCE_QUERY).hits

    assert hits[0].highlights == {
        "name": "Holly <mark>Carers</mark> at Home",
        "description": (
            "Our <mark>carers</mark> visit twice a day &amp; stay for a cup of tea"
            " … trained <mark>carers</mark> for people living with dementia"
        ),
    }
    assert hits[1].highlights == {"summary": "Night sits by experienced <mark>carers</mark>."}
    assert hits[2].highlights == {}


def test_total_took_and_paging_come_from_the_response_and_the_query():
    results = parse("es_search_distance.json", DISTANCE_QUERY)
    assert results.total == 3
    assert results.took_ms == 12.0
    assert (results.page, results.per_page) == (1, 20)
    assert results.backend == "elasticsearch"


def test_every_facet_is_read_from_its_filter_aggregation():
    results = parse("es_search_distance.json", DISTANCE_QUERY)

    assert set(results.facets) == set(FACETS)
    assert results.facets["category"] == [
        FacetValue("care-at-home", 3),
        FacetValue("home-care", 2),
        FacetValue("night-sitting", 1),
    ]
    assert results.facet_counts("client_group") == {"older-people": 3, "dementia": 1}
    # Disjunctive: funding's own filter does not narrow its counts, so they may exceed total.
    assert results.facets["funding"] == [  # Elasticsearch ordered them by count
        FacetValue("direct-payment", 3),
        FacetValue("self-funded", 5),
    ]
    assert results.facet_counts("locality") == {"shrewsbury": 3, "church-stretton": 1}
    assert results.facet_counts("cqc") == {"Good": 2, "Outstanding": 1}
    # Ordered by key, as search.query says, whatever order Elasticsearch used.
    assert results.facets["rating"] == [
        FacetValue("1", 2),
        FacetValue("2", 2),
        FacetValue("3", 2),
        FacetValue("4", 1),
    ]
    assert results.facets["accepting"] == [FacetValue("yes", 2)]
    assert results.facets["framework"] == [FacetValue("yes", 1)]


def test_the_fixture_answers_the_aggregations_the_request_asks_for():
    # Keeps the fixture honest: every aggregation requested has an answer of the same kind.
    body = build_search(DISTANCE_QUERY, now=NOW, words=WORDS).body
    aggregations = fixture("es_search_distance.json")["aggregations"]
    assert set(aggregations) == set(body["aggs"])
    for name, request in body["aggs"].items():
        kind = next(iter(request["aggs"]["values"]))
        buckets = aggregations[name]["values"]["buckets"]
        if kind == "filters":
            assert set(buckets) == set(request["aggs"]["values"]["filters"]["filters"])
        else:
            assert isinstance(buckets, list)


def test_an_empty_result_has_no_hits_and_drops_zero_count_facet_values():
    results = parse("es_search_empty.json", SearchQuery(text="zzzz"))
    assert results.hits == []
    assert results.total == 0
    assert results.num_pages == 1
    assert all(values == [] for values in results.facets.values())
    assert set(results.facets) == set(FACETS)


def test_without_an_origin_no_hit_has_a_distance():
    query = SearchQuery(sort=Sort.PRICE, price_unit="hour", page=3)
    results = parse("es_search_price_page.json", query)

    assert [hit.service_id for hit in results.hits] == [311, 57, 1202]
    assert all(hit.distance_m is None for hit in results.hits)
    assert all(hit.score == 0.0 for hit in results.hits)  # field sort: _score is null
    assert results.total == 1843
    assert results.page == 3
    assert results.num_pages == 93
    assert results.facet_counts("cqc") == {}


def test_a_pre_7_total_given_as_a_bare_number_is_still_read():
    raw = fixture("es_search_price_page.json")
    raw["hits"]["total"] = 1843
    query = SearchQuery(sort=Sort.PRICE)
    assert parse_response(raw, query, build_search(query, now=NOW, words=WORDS)).total == 1843
