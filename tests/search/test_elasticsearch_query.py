"""The request bodies the Elasticsearch backend sends, for every filter, sort and facet.

These are the clauses a reviewer would check by eye in Kibana's console; each test names the
clause it relies on so that a change in the query builder shows up as a readable failure.
"""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from catalogue.geo import grid_to_wgs84
from catalogue.rules import stale_cutoff
from search.backends.elasticsearch import (
    RATING_THRESHOLDS,
    WITHIN_OWN_RADIUS_SCRIPT,
    WITHIN_RADIUS_SCRIPT,
    build_search,
)
from search.documents import MAX_RESULT_WINDOW, PRICE_UNITS
from search.query import FACETS, GridPoint, SearchQuery, Sort
from search.vocabulary import file_vocabulary

NOW = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)
SHREWSBURY = GridPoint(easting=349000, northing=312000)
LAT, LON = (round(v, 7) for v in grid_to_wgs84(349000, 312000))
GRID = ["easting", "northing"]
TIE_BREAK = {"service_id": {"order": "asc"}}  # the last sort key, as in the database backend
BY_REVIEWS = {"review_count": {"order": "desc"}}
# search.ranking.TRUST_ORDER: relevance ties and searches without words (issue 23).
TRUST = [
    {"standing": {"order": "asc", "missing": "_last"}},
    {"review_score": {"order": "desc", "missing": "_last"}},
    {"review_count": {"order": "desc", "missing": "_last"}},
    {"service_id": {"order": "asc", "missing": "_last"}},
]


def body_for(**kwargs) -> dict:
    return build_search(SearchQuery(**kwargs), now=NOW, words=file_vocabulary()).body


def matching_bool(body: dict) -> dict:
    """The bool query inside the (optional) function_score."""
    query = body["query"]
    if "function_score" in query:
        query = query["function_score"]["query"]
    return query["bool"]


def narrowing(body: dict) -> list[dict]:
    return matching_bool(body)["filter"]


def post_filters(body: dict) -> list[dict]:
    return body.get("post_filter", {"bool": {"filter": []}})["bool"]["filter"]


def facet_scope(body: dict, facet: str) -> list[dict]:
    scope = body["aggs"][facet]["filter"]
    return scope["bool"]["filter"] if "bool" in scope else []


# --- the basics ----------------------------------------------------------------------------------


def test_an_empty_query_lists_every_visible_service_with_every_facet():
    body = body_for()

    assert matching_bool(body)["must"] == [{"match_all": {}}]
    assert narrowing(body) == [
        {"range": {"last_confirmed_at": {"gte": stale_cutoff(NOW).isoformat()}}}
    ]
    assert "post_filter" not in body
    assert set(body["aggs"]) == set(FACETS)
    for facet in FACETS:
        assert body["aggs"][facet]["filter"] == {"match_all": {}}
    assert body["sort"] == TRUST
    assert (body["from"], body["size"]) == (0, 20)
    assert body["track_total_hits"] is True
    assert body["_source"] is False
    assert "highlight" not in body
    json.dumps(body)  # nothing in it that the client could not serialise (no Decimals)


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        (datetime(2026, 12, 2, 7, 30, tzinfo=UTC), "2025-12-02T07:30:00+00:00"),
        (datetime(2026, 2, 28, tzinfo=UTC), "2025-02-28T00:00:00+00:00"),
        (datetime(2024, 2, 29, tzinfo=UTC), "2023-02-28T00:00:00+00:00"),
    ],
)
def test_stale_services_are_filtered_by_the_clock_at_query_time(now, cutoff):
    body = build_search(SearchQuery(), now=now, words=file_vocabulary()).body
    assert {"range": {"last_confirmed_at": {"gte": cutoff}}} in narrowing(body)


# --- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("gardens", "gardens"),
        ('garden "river"', "garden river"),
        ("garden* OR river", "garden river"),
        ("NEAR(garden, river)", "garden river"),  # "near" is a filler word (understanding)
        ("-garden", "garden"),
        ("a AND (b", "b"),
        ("Day-trip;", "day trip"),
    ],
)
def test_text_is_its_words_in_a_multi_match_that_never_parses_syntax(text, words):
    body = body_for(text=text)

    assert matching_bool(body)["must"] == [
        {
            "multi_match": {
                "query": words,
                "fields": [
                    "name^3",
                    "category_names^3",
                    "client_group_names^3",
                    "summary^2",
                    "organisation_name^2",
                    "description",
                    "places",
                ],
                "type": "cross_fields",
                "operator": "and",
                "zero_terms_query": "all",
            }
        }
    ]
    serialised = json.dumps(body)
    assert "query_string" not in serialised  # neither query_string nor simple_query_string


FIELDS = [
    "name^3",
    "category_names^3",
    "client_group_names^3",
    "summary^2",
    "organisation_name^2",
    "description",
    "places",
]


def term_query(term: str) -> dict:
    if " " in term:
        return {"multi_match": {"query": term, "fields": FIELDS, "type": "phrase"}}
    return {
        "multi_match": {
            "query": term,
            "fields": FIELDS,
            "type": "cross_fields",
            "operator": "and",
        }
    }


def test_synonyms_and_phrases_of_the_care_vocabulary_are_expanded_in_the_body():
    """Issue 23: "homecare" found 35 and "home care" 143. Each concept is satisfied by any of
    its terms; a term of several words is a phrase."""
    body = body_for(text="homecare")
    (clause,) = matching_bool(body)["must"]
    terms = ["homecare", "home care", "domiciliary care", "domiciliary", "home carers"]
    assert clause == {"bool": {"should": [term_query(t) for t in terms], "minimum_should_match": 1}}
    # "home care" typed is the same concept, typed term first.
    (typed,) = matching_bool(body_for(text="Home care"))["must"]
    assert typed["bool"]["should"][0] == term_query("home care")
    assert {json.dumps(c, sort_keys=True) for c in typed["bool"]["should"]} == {
        json.dumps(c, sort_keys=True) for c in clause["bool"]["should"]
    }


def test_filler_and_stop_words_are_left_out_and_most_concepts_suffice():
    """ "help for someone with dementia in a garden near the river": dementia, garden, river.
    With three concepts a service must match two (understanding.required)."""
    body = body_for(text="help for someone with dementia in a garden near the river")
    (clause,) = matching_bool(body)["must"]
    assert clause["bool"]["minimum_should_match"] == 2
    dementia, garden, river = clause["bool"]["should"]
    assert [c["multi_match"]["query"] for c in dementia["bool"]["should"]][0] == "dementia"
    assert {"memory", "alzheimer"} <= {
        c["multi_match"]["query"] for c in dementia["bool"]["should"]
    }
    assert garden == term_query("garden")
    assert river == term_query("river")


@pytest.mark.parametrize("text", ['"', "*", "the and of", "- OR -", "   "])
def test_text_without_words_is_no_text_filter(text):
    body = body_for(text=text)
    assert matching_bool(body)["must"] == [{"match_all": {}}]
    assert "highlight" not in body


def test_very_long_text_is_cut_before_it_reaches_elasticsearch():
    body = body_for(text="garden " * 1000)
    assert matching_bool(body)["must"][0]["multi_match"]["query"] == "garden"
    many = " ".join(f"word{i}" for i in range(100))
    clause = matching_bool(body_for(text=many))["must"][0]["bool"]
    assert len(clause["should"]) == 8  # search.understanding.MAX_CONCEPTS
    assert clause["minimum_should_match"] == 7


def test_text_asks_for_html_safe_mark_highlights():
    highlight = body_for(text="carers")["highlight"]
    assert highlight["pre_tags"] == ["<mark>"]
    assert highlight["post_tags"] == ["</mark>"]
    assert highlight["encoder"] == "html"  # the provider's own text is escaped
    assert highlight["fields"] == {
        "name": {"number_of_fragments": 0},
        "summary": {"number_of_fragments": 0},
        "description": {"fragment_size": 160, "number_of_fragments": 1},
    }


# --- facet filters: post_filter, and disjunctive aggregations ------------------------------------

FACET_CASES = [
    (
        "category",
        {"categories": ("home-care", "meals")},
        {"terms": {"categories": ["home-care", "meals"]}},
    ),
    ("client_group", {"client_groups": ("dementia",)}, {"terms": {"client_groups": ["dementia"]}}),
    ("funding", {"funding": ("direct-payment",)}, {"terms": {"funding": ["direct-payment"]}}),
    ("locality", {"locality": "ludlow"}, {"term": {"localities": "ludlow"}}),
    ("cqc", {"cqc_ratings": ("Good", "Outstanding")}, {"terms": {"cqc": ["Good", "Outstanding"]}}),
    ("rating", {"min_rating": Decimal("3.5")}, {"range": {"review_score": {"gte": "3.5"}}}),
    ("accepting", {"accepting_new_clients": True}, {"term": {"accepting_new_clients": True}}),
    ("framework", {"on_framework": True}, {"term": {"on_framework": True}}),
]


@pytest.mark.parametrize("accepting", [False, None])
def test_accepting_false_or_unset_is_no_filter(accepting):
    assert "post_filter" not in body_for(accepting_new_clients=accepting)


@pytest.mark.parametrize(("facet", "kwargs", "clause"), FACET_CASES)
def test_a_facet_filter_goes_in_post_filter_and_in_every_other_facet_but_its_own(
    facet, kwargs, clause
):
    body = body_for(**kwargs)

    assert post_filters(body) == [clause]
    assert clause not in narrowing(body)  # it must not narrow its own counts
    assert facet_scope(body, facet) == []
    for other in FACETS:
        if other != facet:
            assert clause in facet_scope(body, other), other


def test_several_facet_filters_are_anded_and_each_facet_ignores_only_itself():
    body = body_for(categories=("home-care",), funding=("self-funded",), cqc_ratings=("Good",))
    category = {"terms": {"categories": ["home-care"]}}
    funding = {"terms": {"funding": ["self-funded"]}}
    cqc = {"terms": {"cqc": ["Good"]}}

    assert post_filters(body) == [category, funding, cqc]
    assert facet_scope(body, "category") == [funding, cqc]
    assert facet_scope(body, "funding") == [category, cqc]
    assert facet_scope(body, "cqc") == [category, funding]
    assert facet_scope(body, "locality") == [category, funding, cqc]


@pytest.mark.parametrize(
    ("facet", "field"),
    [
        ("category", "categories"),
        ("client_group", "client_groups"),
        ("funding", "funding"),
        ("locality", "localities"),
        ("cqc", "cqc"),
    ],
)
def test_keyword_facets_are_terms_aggregations(facet, field):
    assert body_for()["aggs"][facet]["aggs"]["values"] == {"terms": {"field": field, "size": 500}}


def test_the_rating_facet_counts_services_at_or_above_each_threshold():
    values = body_for()["aggs"]["rating"]["aggs"]["values"]
    assert RATING_THRESHOLDS == (4, 3, 2, 1)
    assert values == {
        "filters": {
            "filters": {
                "4": {"range": {"review_score": {"gte": 4}}},
                "3": {"range": {"review_score": {"gte": 3}}},
                "2": {"range": {"review_score": {"gte": 2}}},
                "1": {"range": {"review_score": {"gte": 1}}},
            }
        }
    }


def test_the_accepting_facet_counts_services_taking_new_clients_as_yes():
    values = body_for()["aggs"]["accepting"]["aggs"]["values"]
    assert values == {"filters": {"filters": {"yes": {"term": {"accepting_new_clients": True}}}}}


# --- filters without a facet narrow the query ----------------------------------------------------


@pytest.mark.parametrize(
    ("radius_km", "distance", "r2"),
    [
        (Decimal("10"), "10060m", 10_000**2),
        (Decimal("2"), "2052m", 2_000**2),
        (Decimal("2.5"), "2553m", 2_500**2),
        (Decimal("0"), "50m", 0),
        (Decimal("-5"), "50m", 0),  # a hand-edited URL: no error, just nothing far away
        (Decimal("1000000000"), "2002050m", 2_000_000**2),  # longer than Great Britain
    ],
)
def test_origin_and_radius_are_an_indexed_geo_distance_then_the_exact_grid_distance(
    radius_km, distance, r2
):
    body = body_for(origin=SHREWSBURY, radius_km=radius_km)
    geo, grid = narrowing(body)[1:3]

    # A little wider than the radius (scale factor and datum shift), so it never loses a match.
    assert geo == {
        "geo_distance": {
            "distance": distance,
            "distance_type": "arc",
            "location": {"lat": LAT, "lon": LON},
        }
    }
    # The decision itself: squared grid metres, exact, as in the database backend.
    assert grid["script"]["script"] == {
        "source": WITHIN_RADIUS_SCRIPT,
        "params": {"e": 349000, "n": 312000, "r2": r2},
    }
    assert "de * de + dn * dn <= params.r2" in WITHIN_RADIUS_SCRIPT
    assert "post_filter" not in body  # distance has no facet: it narrows the counts too


def test_an_origin_without_radius_does_not_filter_by_distance():
    filters = json.dumps(narrowing(body_for(origin=SHREWSBURY)))
    assert "geo_distance" not in filters
    assert "script" not in filters


def test_serves_origin_matches_its_own_or_named_localities_or_the_services_own_radius():
    body = body_for(origin=SHREWSBURY, origin_locality="shrewsbury", serves_origin=True)
    (serves,) = [f for f in narrowing(body) if "bool" in f]
    ways = serves["bool"]["should"]
    assert serves["bool"]["minimum_should_match"] == 1
    # Its own locality or one it names (catalogue.selectors.serves): `localities` holds both.
    assert ways[0] == {"term": {"localities": "shrewsbury"}}
    assert ways[1]["script"]["script"] == {
        "source": WITHIN_OWN_RADIUS_SCRIPT,
        "params": {"e": 349000, "n": 312000},
    }
    assert "de * de + dn * dn <= r * r" in WITHIN_OWN_RADIUS_SCRIPT


def test_serves_origin_without_a_locality_uses_the_radius_only():
    body = body_for(origin=SHREWSBURY, serves_origin=True)
    (serves,) = [f for f in narrowing(body) if "bool" in f]
    assert [next(iter(way)) for way in serves["bool"]["should"]] == ["script"]


def test_serves_origin_with_nowhere_to_serve_matches_nothing():
    assert {"match_none": {}} in narrowing(body_for(serves_origin=True))


@pytest.mark.parametrize(
    ("max_price", "unit", "clause"),
    [
        (Decimal("25"), "hour", {"range": {"prices.hour": {"lte": "25"}}}),
        (Decimal("25.50"), "hour", {"range": {"prices.hour": {"lte": "25.50"}}}),
        (Decimal("900"), "week", {"range": {"prices.week": {"lte": "900"}}}),
        (Decimal("40"), "one-off", {"range": {"prices.one_off": {"lte": "40"}}}),
        (Decimal("0"), "free", {"range": {"prices.free": {"lte": "0"}}}),
        (Decimal("-3"), "hour", {"match_none": {}}),
        (Decimal("-3"), None, {"match_none": {}}),
        (Decimal("10") ** 20, "hour", {"range": {"prices.hour": {"lte": "10000000000"}}}),
        (Decimal("25"), "fortnight", {"match_none": {}}),
    ],
)
def test_a_price_ceiling_applies_to_the_price_in_that_unit(max_price, unit, clause):
    body = body_for(max_price=max_price, price_unit=unit)
    assert clause in narrowing(body)
    assert "post_filter" not in body


def test_a_price_ceiling_without_a_unit_accepts_a_price_in_any_unit():
    (clause,) = [f for f in narrowing(body_for(max_price=Decimal("30"))) if "bool" in f]
    assert clause["bool"]["minimum_should_match"] == 1
    assert clause["bool"]["should"] == [
        {"range": {f"prices.{unit.replace('-', '_')}": {"lte": "30"}}} for unit in PRICE_UNITS
    ]


# --- sorting and scoring -------------------------------------------------------------------------

GEO_SORT = {
    "_geo_distance": {
        "location": {"lat": LAT, "lon": LON},
        "order": "asc",
        "unit": "m",
        "distance_type": "arc",
        "ignore_unmapped": True,
    }
}


@pytest.mark.parametrize(
    ("kwargs", "sort", "source"),
    [
        ({}, TRUST, False),
        ({"origin": SHREWSBURY}, TRUST, GRID),
        ({"text": "carers"}, ["_score", *TRUST], False),
        ({"sort": Sort.DISTANCE, "origin": SHREWSBURY}, [GEO_SORT, TIE_BREAK], GRID),
        ({"sort": Sort.DISTANCE}, TRUST, False),  # no origin
        (
            {"sort": Sort.PRICE},
            [{"headline_price": {"order": "asc", "missing": "_last"}}, TIE_BREAK],
            False,
        ),
        (
            {"sort": Sort.PRICE, "price_unit": "week", "origin": SHREWSBURY},
            [{"prices.week": {"order": "asc", "missing": "_last"}}, TIE_BREAK],
            GRID,
        ),
        (
            {"sort": Sort.RATING},
            [
                {"review_score": {"order": "desc", "missing": "_last"}},
                BY_REVIEWS,
                TIE_BREAK,
            ],
            False,
        ),
    ],
)
def test_sorts(kwargs, sort, source):
    prepared = build_search(SearchQuery(**kwargs), now=NOW, words=file_vocabulary())
    assert prepared.body["sort"] == sort
    # With an origin, each hit brings its grid reference back to measure its distance.
    assert prepared.body["_source"] == source
    assert prepared.origin == kwargs.get("origin")


def test_relevance_is_the_database_backends_tier_then_the_trust_order():
    """Issue 23: the score is the tier of where the words were found (the database backend's),
    with no review or distance factor, so equal relevance falls to search.ranking."""
    body = body_for(text="carers", origin=SHREWSBURY)
    score = body["query"]["function_score"]
    assert score["score_mode"] == "sum"
    assert score["boost_mode"] == "replace"
    weights = [f["weight"] for f in score["functions"]]
    assert weights == [1, 1, 2, 1]
    text = json.dumps(score["functions"])
    assert "gauss" not in text and "field_value_factor" not in text
    in_name = score["functions"][2]["filter"]["bool"]["filter"][0]["bool"]["should"]
    assert {tuple(q["multi_match"]["fields"]) for q in in_name} == {
        ("name", "category_names", "client_group_names")
    }
    in_summary = score["functions"][3]["filter"]["bool"]["filter"][0]["bool"]["should"]
    assert {tuple(q["multi_match"]["fields"]) for q in in_summary} == {("summary",)}
    assert body["sort"] == ["_score", *TRUST]


def test_without_words_there_is_no_score_to_compute():
    assert "function_score" not in body_for(origin=SHREWSBURY)["query"]


@pytest.mark.parametrize("sort", [Sort.PRICE, Sort.RATING])
def test_field_sorts_do_not_pay_for_function_score(sort):
    assert "function_score" not in body_for(sort=sort, origin=SHREWSBURY)["query"]


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "per_page", "start", "size", "capped"),
    [
        (1, 20, 0, 20, False),
        (3, 20, 40, 20, False),
        (500, 20, 9980, 20, False),  # the last page inside the window
        (501, 20, 0, 0, True),  # beyond it: totals and facets, no hits
        (10**9, 20, 0, 0, True),
        (334, 30, 9990, 10, True),  # straddles the window: cut short
    ],
)
def test_pages_are_from_and_size_capped_at_max_result_window(page, per_page, start, size, capped):
    prepared = build_search(SearchQuery(page=page, per_page=per_page), now=NOW)
    assert (prepared.body["from"], prepared.body["size"]) == (start, size)
    assert prepared.body["from"] + prepared.body["size"] <= MAX_RESULT_WINDOW
    assert prepared.window_capped is capped
