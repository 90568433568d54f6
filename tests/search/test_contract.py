"""The search contract, run against every backend this environment has (see conftest.py).

Every expected figure comes from the known catalogue in conftest.build_catalogue().
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalogue import services as catalogue_services
from catalogue.models import ClientGroup, PriceOption
from core.roles import Role
from search.query import GridPoint, SearchQuery, Sort
from tests.factories import CategoryFactory, ServiceFactory, make_provider, make_user
from tests.search.conftest import NORTH, SOUTH

pytestmark = pytest.mark.django_db


def ids(results) -> list[int]:
    return [hit.service_id for hit in results.hits]


def names(catalogue, results) -> list[str]:
    by_id = {s.pk: s.name for s in [*catalogue.visible, *catalogue.hidden]}
    return [by_id.get(pk, f"?{pk}") for pk in ids(results)]


def letters(catalogue, results) -> set[str]:
    by_id = {catalogue.a.pk: "A", catalogue.b.pk: "B", catalogue.c.pk: "C", catalogue.d.pk: "D"}
    return {by_id.get(pk, f"hidden {pk}") for pk in ids(results)}


# --- what is found ------------------------------------------------------------------------------


def test_an_empty_query_lists_every_visible_service_and_nothing_hidden(backend, catalogue):
    results = backend.search(SearchQuery())

    assert letters(catalogue, results) == {"A", "B", "C", "D"}
    assert results.total == 4


@pytest.mark.parametrize(
    "text, expected",
    [
        ("carer", {"A", "D"}),  # stemming: "carers" in A's summary and D's name
        ("carers", {"A", "D"}),
        ("CARED", {"A", "B", "D"}),  # Porter: cared -> care (D: "Care at home")
        ("nursing", {"B"}),
        ("nurse", {"B"}),  # nurse and nursing -> nurs
        ("dementia garden", {"B"}),  # every word must match
        ("dementia lunches", set()),
        ("deliver", {"C"}),  # "delivered"
        ("medication visits", {"A"}),  # the description is searched
        ("Riverside", {"A"}),
        ("the", {"A", "B", "C", "D"}),  # only a stop word: no text filter
    ],
)
def test_text_is_matched_with_stemming(backend, catalogue, text, expected):
    assert letters(catalogue, backend.search(SearchQuery(text=text))) == expected


def test_the_organisation_name_is_searched(backend, catalogue):
    organisation = catalogue.c.organisation.name  # "Mealswick Ltd"
    results = backend.search(SearchQuery(text=organisation))

    assert letters(catalogue, results) == {"C"}


@pytest.mark.parametrize(
    "text, expected",
    [
        # Client group names.
        ("older people", {"A", "B", "C"}),
        # Places: the town, the locality and the localities served.
        ("Southbury", {"C", "D"}),
        ("meals Northtown", {"C"}),  # C serves Northtown
    ],
)
def test_what_a_service_is_is_searched(backend, catalogue, text, expected):
    """Issue 23: "dementia" found 4 of 205 dementia services because only the provider's own
    words were indexed. Fails before the index holds categories, client groups and places."""
    assert letters(catalogue, backend.search(SearchQuery(text=text))) == expected


def test_a_category_or_client_group_match_counts_like_a_name_match(backend, db):
    """A service in the category ranks with one named for it, above one mentioning the word
    only in its description."""
    dementia = ClientGroup.objects.get(slug="dementia")
    in_group = ServiceFactory(name="Sitting service", summary="Company at home.")
    in_group.client_groups.set([dementia])
    named = ServiceFactory(name="Dementia Friends", summary="A group.")
    mentioned = ServiceFactory(
        name="Lunch club", summary="Lunches.", description="Some members have dementia."
    )
    parent = CategoryFactory(name="Social activities", slug="social")
    child = CategoryFactory(name="Befriending", slug="befriending", parent=parent)
    befriending = ServiceFactory(name="Sunday visits", summary="A visitor.", categories=[child])
    backend.index_services([in_group.pk, named.pk, mentioned.pk, befriending.pk])

    # A parent category's name finds the services of its sub-categories.
    assert ids(backend.search(SearchQuery(text="social activities"))) == [befriending.pk]
    results = backend.search(SearchQuery(text="dementia"))

    assert ids(results)[-1] == mentioned.pk
    assert set(ids(results)[:2]) == {in_group.pk, named.pk}
    assert min(results.hits[0].score, results.hits[1].score) > results.hits[2].score


def test_a_name_match_outranks_keyword_stuffing(backend, db, settings):
    honest = ServiceFactory(name="Dementia Friends", summary="A group for people with dementia.")
    stuffed = ServiceFactory(
        name="Sitting service",
        summary="Sitting with people at home.",
        description="dementia " * 80,
    )
    backend.index_services([honest.pk, stuffed.pk])

    results = backend.search(SearchQuery(text="dementia"))

    assert ids(results) == [honest.pk, stuffed.pk]
    assert results.hits[0].score > results.hits[1].score


def test_highlights_mark_the_matches_and_escape_the_rest(backend, catalogue):
    results = backend.search(SearchQuery(text="carer"))
    by_id = {hit.service_id: hit.highlights for hit in results.hits}

    assert "<mark>Carers</mark>" in by_id[catalogue.d.pk]["name"]
    summary = by_id[catalogue.d.pk]["summary"]
    assert "<mark>carers</mark>" in summary
    assert "&amp; talk &lt;in confidence&gt;" in summary
    assert "<in" not in summary
    assert "<mark>carers</mark>" in by_id[catalogue.a.pk]["summary"]


def test_no_highlights_without_text(backend, catalogue):
    assert all(hit.highlights == {} for hit in backend.search(SearchQuery()).hits)


# --- filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        (SearchQuery(categories=("home-care",)), {"A", "D"}),
        (SearchQuery(categories=("care-at-home",)), {"A", "D"}),  # a parent has its children
        (SearchQuery(categories=("nursing-home", "meals")), {"B", "C"}),  # OR within a filter
        (SearchQuery(categories=("no-such-category",)), set()),
        (SearchQuery(client_groups=("dementia",)), {"A", "B"}),
        (SearchQuery(client_groups=("carers", "dementia")), {"A", "B", "D"}),
        (SearchQuery(funding=("personal-budget",)), {"B"}),
        (SearchQuery(funding=("direct-payment",)), {"A", "C"}),
        (SearchQuery(locality="southbury"), {"C", "D"}),
        (SearchQuery(locality="northtown"), {"A", "B", "C"}),
        (SearchQuery(locality="nowhere"), set()),
        (SearchQuery(cqc_ratings=("Good", "Outstanding")), {"A", "B"}),
        (SearchQuery(cqc_ratings=("Requires improvement",)), {"D"}),
        (SearchQuery(cqc_ratings=("Brilliant",)), set()),
        (SearchQuery(min_rating=Decimal("3")), {"A", "B"}),
        (SearchQuery(min_rating=Decimal("4.5")), {"A"}),
        (SearchQuery(min_rating=Decimal("4.51")), set()),
        (SearchQuery(accepting_new_clients=True), {"A", "C"}),
        (SearchQuery(accepting_new_clients=False), {"A", "B", "C", "D"}),  # no filter
        # Different filters are AND-ed.
        (SearchQuery(categories=("home-care",), funding=("direct-payment",)), {"A"}),
        (SearchQuery(text="carer", client_groups=("carers",)), {"D"}),
    ],
)
def test_filters(backend, catalogue, query, expected):
    results = backend.search(query)

    assert letters(catalogue, results) == expected
    assert results.total == len(expected)


@pytest.mark.parametrize(
    "max_price, unit, expected",
    [
        ("25", "hour", {"A", "D"}),  # A's cheapest hourly price is 24.00
        ("24.00", "hour", {"A", "D"}),  # at the ceiling counts
        ("23.99", "hour", {"D"}),
        ("17.99", "hour", set()),
        ("1000", "week", {"B"}),
        ("949.99", "week", set()),
        ("6.50", "visit", {"C"}),
        ("5", "visit", set()),
        ("10", None, {"C"}),  # without a unit: a price in any unit
        ("20", None, {"C", "D"}),
        ("-1", "hour", set()),
        ("100000000000000000000", "hour", {"A", "D"}),
        ("25", "fortnight", set()),  # an unknown unit has no prices
    ],
)
def test_price_ceiling_per_unit(backend, catalogue, max_price, unit, expected):
    query = SearchQuery(max_price=Decimal(max_price), price_unit=unit)

    assert letters(catalogue, backend.search(query)) == expected


# --- distance -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "radius, expected",
    [
        ("1", {"A"}),
        ("2", {"A", "B"}),  # B is exactly 2 km away: on the edge counts
        ("1.99", {"A"}),
        ("19.9", {"A", "B"}),
        ("20", {"A", "B", "C"}),
        ("0", {"A"}),
        ("-5", {"A"}),  # treated as 0
        ("100000000", {"A", "B", "C"}),  # D has no premises, so no distance
    ],
)
def test_distance_filter(backend, catalogue, radius, expected):
    query = SearchQuery(origin=GridPoint(*NORTH), radius_km=Decimal(radius))

    assert letters(catalogue, backend.search(query)) == expected


def test_a_hidden_address_is_indexed_at_the_coarse_point_the_api_publishes(backend, catalogue):
    """Security review (issue 18, item 3): the index kept the exact grid reference of listings
    that hide their address, so tiny radii located a personal assistant's home. Both backends
    index the centre of the kilometre square, as the ORUK API publishes it."""
    home = ServiceFactory(
        name="Personal assistant", easting=351_234, northing=320_777, hide_exact_address=True
    )
    backend.index_services([home.pk])

    exact = GridPoint(351_234, 320_777)
    near_exact = backend.search(SearchQuery(origin=exact, radius_km=Decimal("0.1")))
    assert home.pk not in ids(near_exact)
    at_square = backend.search(SearchQuery(origin=GridPoint(351_500, 320_500), radius_km=0))
    assert home.pk in ids(at_square)
    by_distance = backend.search(SearchQuery(origin=exact, sort=Sort.DISTANCE))
    hit = next(h for h in by_distance.hits if h.service_id == home.pk)
    assert round(hit.distance_m) == 384  # to (351 500, 320 500), not 0


def test_sort_by_distance_gives_distances_nearest_first(backend, catalogue):
    results = backend.search(SearchQuery(origin=GridPoint(*NORTH), sort=Sort.DISTANCE))

    assert ids(results) == [catalogue.a.pk, catalogue.b.pk, catalogue.c.pk, catalogue.d.pk]
    assert [round(h.distance_m) if h.distance_m is not None else None for h in results.hits] == [
        0,
        2000,
        20000,
        None,
    ]


def test_sort_by_distance_without_an_origin_falls_back_to_relevance(backend, catalogue):
    results = backend.search(SearchQuery(sort=Sort.DISTANCE))

    assert results.total == 4
    assert all(hit.distance_m is None for hit in results.hits)


def test_serves_origin_uses_localities_served_and_the_service_radius(backend, catalogue):
    # 10 km north of Southbury: in Southbury's area (C, D serve it); B's 15 km radius reaches.
    query = SearchQuery(
        origin=GridPoint(SOUTH[0], SOUTH[1] + 10_000),
        origin_locality="southbury",
        serves_origin=True,
    )
    assert letters(catalogue, backend.search(query)) == {"B", "C", "D"}

    at_north = SearchQuery(
        origin=GridPoint(*NORTH), origin_locality="northtown", serves_origin=True
    )
    # A, B, C list Northtown; C's 25 km radius also reaches; D serves Southbury only.
    assert letters(catalogue, backend.search(at_north)) == {"A", "B", "C"}

    far = SearchQuery(origin=GridPoint(100_000, 100_000), serves_origin=True)
    assert letters(catalogue, backend.search(far)) == set()


# --- sorting ------------------------------------------------------------------------------------


def test_sort_by_price_in_a_unit_puts_services_without_that_unit_last(backend, catalogue):
    results = backend.search(SearchQuery(sort=Sort.PRICE, price_unit="hour"))

    assert ids(results)[:2] == [catalogue.d.pk, catalogue.a.pk]  # 18.00, then 24.00
    assert set(ids(results)[2:]) == {catalogue.b.pk, catalogue.c.pk}


def test_sort_by_headline_price(backend, catalogue):
    results = backend.search(SearchQuery(sort=Sort.PRICE))

    assert ids(results) == [catalogue.c.pk, catalogue.d.pk, catalogue.a.pk, catalogue.b.pk]


def test_sort_by_rating_puts_unrated_last(backend, catalogue):
    results = backend.search(SearchQuery(sort=Sort.RATING))

    assert ids(results) == [catalogue.a.pk, catalogue.b.pk, catalogue.d.pk, catalogue.c.pk]


# --- facet counts ------------------------------------------------------------------------------


ALL_FACETS = {
    "category": {"care-at-home": 2, "home-care": 2, "care-homes": 1, "nursing-home": 1, "meals": 1},
    "client_group": {"older-people": 3, "dementia": 2, "carers": 1},
    "funding": {"self-funded": 3, "direct-payment": 2, "personal-budget": 1},
    "locality": {"northtown": 3, "southbury": 2},
    "cqc": {"Good": 1, "Outstanding": 1, "Requires improvement": 1},
    "rating": {"4": 1, "3": 2, "2": 3, "1": 3},
    "accepting": {"yes": 2},
}


def test_every_facet_is_counted_without_filters(backend, catalogue):
    results = backend.search(SearchQuery())

    assert {name: results.facet_counts(name) for name in ALL_FACETS} == ALL_FACETS


def test_facet_counts_are_disjunctive(backend, catalogue):
    results = backend.search(SearchQuery(categories=("home-care",), funding=("direct-payment",)))

    assert results.total == 1
    # Each facet is counted with the other filters applied but not its own.
    assert results.facet_counts("category") == {"care-at-home": 1, "home-care": 1, "meals": 1}
    assert results.facet_counts("funding") == {"self-funded": 2, "direct-payment": 1}
    # Facets without a filter of their own are counted over the results (A only).
    assert results.facet_counts("client_group") == {"older-people": 1, "dementia": 1}
    assert results.facet_counts("locality") == {"northtown": 1}
    assert results.facet_counts("cqc") == {"Good": 1}
    assert results.facet_counts("rating") == {"4": 1, "3": 1, "2": 1, "1": 1}
    assert results.facet_counts("accepting") == {"yes": 1}


@pytest.mark.parametrize(
    "query, facet, expected",
    [
        (SearchQuery(min_rating=Decimal("4")), "rating", ALL_FACETS["rating"]),
        (SearchQuery(min_rating=Decimal("4")), "cqc", {"Good": 1}),
        (SearchQuery(accepting_new_clients=True), "accepting", {"yes": 2}),
        (
            SearchQuery(accepting_new_clients=True),
            "category",
            {"care-at-home": 1, "home-care": 1, "meals": 1},
        ),
        (SearchQuery(cqc_ratings=("Good",)), "cqc", ALL_FACETS["cqc"]),
        (SearchQuery(cqc_ratings=("Good",)), "funding", {"self-funded": 1, "direct-payment": 1}),
        (SearchQuery(locality="southbury"), "locality", ALL_FACETS["locality"]),
        (SearchQuery(locality="southbury"), "client_group", {"older-people": 1, "carers": 1}),
        (SearchQuery(client_groups=("carers",)), "client_group", ALL_FACETS["client_group"]),
        (SearchQuery(text="carer"), "category", {"care-at-home": 2, "home-care": 2}),
        (
            SearchQuery(text="carer"),
            "client_group",
            {"older-people": 1, "dementia": 1, "carers": 1},
        ),
        (
            SearchQuery(origin=GridPoint(*NORTH), radius_km=Decimal("5")),
            "cqc",
            {"Good": 1, "Outstanding": 1},
        ),
        (
            SearchQuery(max_price=Decimal("25"), price_unit="hour"),
            "funding",
            {"self-funded": 2, "direct-payment": 1},
        ),
    ],
)
def test_facet_counts_under_filters(backend, catalogue, query, facet, expected):
    assert backend.search(query).facet_counts(facet) == expected


def test_facets_count_the_whole_result_not_the_page(backend, catalogue):
    results = backend.search(SearchQuery(per_page=1))

    assert len(results.hits) == 1
    assert results.facet_counts("client_group")["older-people"] == 3


# --- pagination ---------------------------------------------------------------------------------


def test_pages_cover_every_result_once(backend, catalogue):
    pages = [backend.search(SearchQuery(per_page=3, page=n, sort=Sort.RATING)) for n in (1, 2)]

    assert [len(p.hits) for p in pages] == [3, 1]
    assert ids(pages[0]) + ids(pages[1]) == [
        catalogue.a.pk,
        catalogue.b.pk,
        catalogue.d.pk,
        catalogue.c.pk,
    ]
    assert all(p.total == 4 and p.num_pages == 2 for p in pages)


@pytest.mark.parametrize("page", [3, 1000, 10**9])
def test_a_page_beyond_the_end_is_empty_with_the_right_total(backend, catalogue, page):
    results = backend.search(SearchQuery(per_page=2, page=page))

    assert results.hits == []
    assert results.total == 4
    assert results.facet_counts("client_group")["older-people"] == 3


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ['"', "*", "OR", "-", "AND", "NOT", "^", "(", ")", ":", "' OR '' = '", "  ", '"*"']
)
def test_query_syntax_alone_is_no_text_filter(backend, catalogue, text):
    assert letters(catalogue, backend.search(SearchQuery(text=text))) == {"A", "B", "C", "D"}


@pytest.mark.parametrize(
    "text, words",
    [
        ('carer"', "carer"),
        ('"carer', "carer"),
        ("carer*", "carer"),
        ("*carer", "carer"),
        ("carer -", "carer"),
        ("-carer", "carer"),
        ("carer OR", "carer"),
        ("OR carer", "carer"),
        ("carer AND", "carer"),
        ("NOT carer", "carer"),
        ("carer)", "carer"),
        ("carer:", "carer"),
        ("carer^", "carer"),
        ('"home care" -carers', "home care carers"),  # no phrase, no exclusion
        ("home OR nursing", "home nursing"),  # no OR: both words must match
        ("name:carer", "name carer"),  # not a column filter
        ("'; DROP TABLE catalogue_service; --", "drop table catalogue service"),
    ],
)
def test_query_syntax_is_never_interpreted(backend, catalogue, text, words):
    expected = backend.search(SearchQuery(text=words))

    results = backend.search(SearchQuery(text=text))

    assert ids(results) == ids(expected)
    assert results.total == expected.total


def test_the_words_of_syntax_examples_find_what_they_should(backend, catalogue):
    # D is in home care (its category's name) and named for carers.
    assert letters(catalogue, backend.search(SearchQuery(text="home care carers"))) == {"A", "D"}
    assert letters(catalogue, backend.search(SearchQuery(text="home nursing"))) == {"B"}


def test_near_is_an_ordinary_word(backend, catalogue):
    # "near" is a word people put around a need (search.understanding.FILLER_WORDS), never
    # FTS5's NEAR operator: alone it is no text filter, beside others it is left out.
    assert backend.search(SearchQuery(text="NEAR(")).total == 4
    near = backend.search(SearchQuery(text="NEAR(carer, riverside)"))
    assert letters(catalogue, near) == {"A"}
    assert backend.search(SearchQuery(text="1=1")).total == 0


def test_very_long_text_is_clamped_not_an_error(backend, catalogue):
    results = backend.search(SearchQuery(text="carer " * 1000))
    assert letters(catalogue, results) == {"A", "D"}

    results = backend.search(SearchQuery(text="x" * 5000))
    assert results.total == 0


# --- visibility and freshness of the index -----------------------------------------------------


def test_an_edited_price_is_found_at_once(backend, catalogue, django_capture_on_commit_callbacks):
    provider = make_provider(catalogue.a.organisation)
    option = PriceOption.objects.filter(service=catalogue.a, amount=Decimal("24.00")).get()
    query = SearchQuery(max_price=Decimal("20"), price_unit="hour")
    assert letters(catalogue, backend.search(query)) == {"D"}

    with django_capture_on_commit_callbacks(execute=True):
        catalogue_services.price_option_save(
            user=provider,
            service=catalogue.a,
            option=option,
            label=option.label,
            amount=Decimal("19.00"),
            unit="hour",
        )

    assert letters(catalogue, backend.search(query)) == {"A", "D"}
    sorted_by_price = backend.search(SearchQuery(sort=Sort.PRICE, price_unit="hour"))
    assert ids(sorted_by_price)[:2] == [catalogue.d.pk, catalogue.a.pk]  # 18.00 < 19.00


def test_an_edited_name_is_found_at_once(backend, catalogue, django_capture_on_commit_callbacks):
    assert letters(catalogue, backend.search(SearchQuery(text="wheels"))) == {"C"}  # warmed
    provider = make_provider(catalogue.c.organisation)

    with django_capture_on_commit_callbacks(execute=True):
        catalogue_services.service_update(
            user=provider, service=catalogue.c, name="Hot Dinners South"
        )

    assert letters(catalogue, backend.search(SearchQuery(text="wheels"))) == set()
    assert letters(catalogue, backend.search(SearchQuery(text="dinner"))) == {"C"}


def test_a_suspended_service_disappears_and_comes_back(
    backend, catalogue, django_capture_on_commit_callbacks
):
    moderator = make_user("", Role.MODERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_services.service_suspend(
            moderator=moderator, service=catalogue.a, reason="Complaint under review."
        )
    assert letters(catalogue, backend.search(SearchQuery(text="carer"))) == {"D"}

    with django_capture_on_commit_callbacks(execute=True):
        catalogue_services.service_restore(moderator=moderator, service=catalogue.a)
    assert letters(catalogue, backend.search(SearchQuery(text="carer"))) == {"A", "D"}


def test_suspending_an_organisation_hides_all_its_services(
    backend, catalogue, django_capture_on_commit_callbacks
):
    moderator = make_user("", Role.MODERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_services.organisation_suspend(
            moderator=moderator, organisation=catalogue.b.organisation, reason="Closed."
        )

    assert letters(catalogue, backend.search(SearchQuery())) == {"A", "C", "D"}
    assert backend.search(SearchQuery()).facet_counts("cqc") == {
        "Good": 1,
        "Requires improvement": 1,
    }


def test_archiving_removes_and_availability_updates(
    backend, catalogue, django_capture_on_commit_callbacks
):
    provider = make_provider(catalogue.c.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_services.service_set_availability(
            user=provider, service=catalogue.c, accepting_new_clients=False
        )
    assert letters(catalogue, backend.search(SearchQuery(accepting_new_clients=True))) == {"A"}

    with django_capture_on_commit_callbacks(execute=True):
        catalogue_services.service_archive(user=provider, service=catalogue.c)
    assert letters(catalogue, backend.search(SearchQuery())) == {"A", "B", "D"}


def test_a_service_that_goes_stale_is_hidden_without_reindexing(backend, catalogue, monkeypatch):
    """Staleness is checked when searching: a year and a day later, A (confirmed today) is
    gone although nothing re-indexed it."""
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.now() + timedelta(days=367)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert backend.search(SearchQuery()).total == 0


def test_index_services_removes_what_is_no_longer_visible(backend, catalogue):
    type(catalogue.a).objects.filter(pk=catalogue.a.pk).update(status="archived")
    backend.index_services([catalogue.a.pk, 999_999])

    assert letters(catalogue, backend.search(SearchQuery())) == {"B", "C", "D"}


# --- the care vocabulary and partial matches (issue 23) ---------------------------------------


@pytest.mark.parametrize("text", ["homecare", "home care", "domiciliary care", "Home-care"])
def test_synonyms_of_home_care_find_the_same_services(backend, catalogue, text):
    """Issue 23: "homecare" found 35 and "home care" 143."""
    assert letters(catalogue, backend.search(SearchQuery(text=text))) == {"A", "D"}


def test_a_phrase_of_the_vocabulary_is_matched_as_a_phrase(backend, catalogue):
    # "care home" is a phrase: B's category is "Care homes"; A's "Care at home" is not it.
    assert letters(catalogue, backend.search(SearchQuery(text="care home"))) == {"B"}


def test_services_matching_most_concepts_come_after_those_matching_all(backend, catalogue):
    """Three concepts (dementia, older people, garden): two suffice. B has all three; A has
    dementia and older people; C only older people."""
    results = backend.search(SearchQuery(text="dementia for older people with a garden"))

    assert ids(results) == [catalogue.b.pk, catalogue.a.pk]
    assert results.hits[0].score > results.hits[1].score


def test_words_that_carry_no_meaning_do_not_sink_a_query(backend, catalogue):
    results = backend.search(SearchQuery(text="help for someone with dementia please"))
    assert letters(catalogue, results) == {"A", "B"}
