"""Searches that find little are recorded as a demand signal for the market position statement
(search.services.search_record_demand), with no personal data: never the postcode."""

from decimal import Decimal

import pytest

from search.models import LowResultSearch
from search.query import GridPoint, SearchQuery
from search.services import few_results_threshold, search_is_a_demand_signal, search_record_demand
from tests.search.test_page import LUDLOW, build_catalogue, names, soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(home_page):
    return build_catalogue()


# --- the service --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "threshold", "recorded"),
    [(0, 3, True), (2, 3, True), (3, 3, False), (10, 3, False), (0, 1, True), (1, 1, False)],
)
def test_only_searches_with_fewer_results_than_the_threshold_are_recorded(
    settings, total, threshold, recorded
):
    settings.SEARCH_FEW_RESULTS = threshold

    record = search_record_demand(query=SearchQuery(text="night sitting"), total=total)

    assert (record is not None) is recorded
    assert LowResultSearch.objects.count() == int(recorded)


def test_the_threshold_defaults_to_three():
    """The default declared in marketplace/settings/base.py (test settings do not change it)."""
    assert few_results_threshold() == 3


@pytest.mark.parametrize(
    ("query", "signal"),
    [
        (SearchQuery(), False),  # the bare list of everything
        (SearchQuery(text="care", page=2), False),  # a later page of a recorded search
        (SearchQuery(text="care"), True),
        (SearchQuery(categories=("meals",)), True),
        (SearchQuery(client_groups=("autism",)), True),
        (SearchQuery(funding=("direct-payment",)), True),
        (SearchQuery(locality="ludlow"), True),
        (SearchQuery(origin=GridPoint(*LUDLOW)), True),
        (SearchQuery(max_price=Decimal("20"), price_unit="hour"), True),
        (SearchQuery(min_rating=Decimal(4)), True),
        (SearchQuery(cqc_ratings=("Good",)), True),
        (SearchQuery(accepting_new_clients=True), True),
    ],
)
def test_only_a_search_that_asked_for_something_is_a_signal(query, signal):
    assert search_is_a_demand_signal(query) is signal


def test_the_record_holds_the_search_but_no_place_finer_than_a_locality():
    query = SearchQuery(
        text="live-in care",
        categories=("live-in-care",),
        client_groups=("dementia",),
        funding=("direct-payment",),
        origin=GridPoint(*LUDLOW),
        origin_locality="ludlow",
        radius_km=Decimal("16.09"),
        max_price=Decimal("900.00"),
        price_unit="week",
        min_rating=Decimal(4),
        cqc_ratings=("Good", "Outstanding"),
        accepting_new_clients=True,
    )

    record = search_record_demand(query=query, total=1)

    record.refresh_from_db()
    assert (record.text, record.category, record.locality, record.total) == (
        "live-in care",
        "live-in-care",
        "ludlow",
        1,
    )
    assert record.filters == {
        "client_groups": ["dementia"],
        "funding": ["direct-payment"],
        "cqc": ["Good", "Outstanding"],
        "near_postcode": True,
        "radius_km": "16.09",
        "max_price": "900.00",
        "price_unit": "week",
        "min_rating": "4",
        "accepting": True,
    }
    stored = str(record.filters)
    assert str(LUDLOW[0]) not in stored and str(LUDLOW[1]) not in stored


def test_the_locality_filter_is_recorded_when_there_is_no_postcode():
    record = search_record_demand(query=SearchQuery(locality="bridgnorth"), total=0)

    assert record.locality == "bridgnorth"


# --- through the page ---------------------------------------------------------------------------


def test_a_search_that_finds_nothing_is_recorded_without_the_postcode(client, catalogue):
    page = soup(client.get("/search/", {"q": "hydrotherapy", "postcode": "sy8 1aa"}))

    assert names(page) == []
    record = LowResultSearch.objects.get()
    assert (record.text, record.locality, record.total) == ("hydrotherapy", "ludlow", 0)
    for value in (record.text, record.category, record.locality, str(record.filters)):
        assert "SY8" not in value.upper() and "1AA" not in value.upper()


def test_a_search_with_few_results_is_recorded_with_its_filters(client, catalogue):
    soup(client.get("/search/", {"category": "nursing-home", "cqc": "Requires improvement"}))

    record = LowResultSearch.objects.get()
    assert (record.category, record.total, record.filters) == (
        "nursing-home",
        1,
        {"cqc": ["Requires improvement"]},
    )


def test_a_search_with_enough_results_is_not_recorded(client, catalogue):
    page = soup(client.get("/search/", {"postcode": "SY8 1AA"}))

    assert len(names(page)) == 4
    assert not LowResultSearch.objects.exists()


def test_listing_everything_and_head_requests_are_not_recorded(client, catalogue):
    client.get("/search/")
    client.head("/search/", {"q": "hydrotherapy"})

    assert not LowResultSearch.objects.exists()


def test_an_invalid_filter_is_not_recorded_as_asked_for(client, catalogue):
    soup(
        client.get("/search/", {"q": "hydrotherapy", "category": "no-such", "postcode": "ZZ9 9ZZ"})
    )

    record = LowResultSearch.objects.get()
    assert (record.category, record.locality) == ("", "")
