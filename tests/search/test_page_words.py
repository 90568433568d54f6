"""The search page reads places from the words (issue 23: "nursing home Ludlow" found 0 although
the nursing home serves Ludlow): a town or postcode typed in the box is the place filter, shown
as a removable "in Ludlow" filter."""

from __future__ import annotations

import pytest

from tests.search.test_page import build_catalogue, heading, names, soup, text_of


@pytest.fixture
def catalogue(home_page):
    return build_catalogue()


def active(page) -> dict[str, str]:
    """Active filters: label -> the address that removes it."""
    found = {}
    for item in page.select("[data-active-filters] li"):
        link = item.select_one("a")
        label = text_of(item).removesuffix(text_of(link)).strip()
        found[label] = link["href"]
    return found


def test_a_town_in_the_words_is_the_place(client, catalogue):
    page = soup(client.get("/search/", {"q": "nursing home Ludlow"}))

    assert names(page) == ["Riverside Nursing Home"]
    assert heading(page) == "1 service for ‘nursing home’ in the Ludlow area"
    filters = active(page)
    assert filters["in Ludlow"] == "/search/?q=nursing+home"
    # The box still shows what was typed.
    assert page.select_one("input[name=q]")["value"] == "nursing home Ludlow"


def test_a_place_is_matched_in_or_serving_not_mentioning(client, catalogue):
    # Carers Day Centre is based in Bridgnorth and serves Ludlow too.
    page = soup(client.get("/search/", {"q": "help for carers in ludlow"}))
    assert names(page) == ["Carers Day Centre"]
    page = soup(client.get("/search/", {"q": "Bridgnorth"}))
    assert sorted(names(page)) == ["Bridgnorth Homecare", "Carers Day Centre"]
    assert "in Bridgnorth" in active(page)


def test_removing_the_place_searches_the_words_everywhere(client, catalogue):
    page = soup(client.get("/search/", {"q": "home care in Bridgnorth"}))
    assert names(page) == ["Bridgnorth Homecare"]

    page = soup(client.get(active(page)["in Bridgnorth"]))
    assert sorted(names(page)) == ["Bridgnorth Homecare", "Ludlow Home Care"]
    assert "in Bridgnorth" not in active(page)


def test_a_postcode_in_the_words_is_the_area_it_is_in(client, catalogue):
    page = soup(client.get("/search/", {"q": "home care near SY8 1AA"}))

    assert names(page) == ["Ludlow Home Care"]
    assert "near SY8 1AA" in active(page)


def test_a_chosen_area_wins_over_a_place_in_the_words(client, catalogue):
    page = soup(client.get("/search/", {"q": "home care Ludlow", "locality": "bridgnorth"}))
    # The words keep "Ludlow" (no service says it but the Ludlow ones); the area is Bridgnorth.
    assert names(page) == []
    assert "in Ludlow" not in active(page)


# --- a search that finds nothing suggests the type of service its words name ----------------


def suggestions(page) -> dict[str, str]:
    return {text_of(a): a["href"] for a in page.select("[data-no-results] a[data-suggestion]")}


def test_nothing_found_in_the_place_suggests_the_type_of_service_anywhere(client, catalogue):
    # Riverside Nursing Home serves Ludlow, not Bridgnorth.
    page = soup(client.get("/search/", {"q": "nursing homes in Bridgnorth"}))
    assert names(page) == []

    links = suggestions(page)

    assert list(links) == ["see nursing home services anywhere (1)"]
    assert names(soup(client.get(links["see nursing home services anywhere (1)"]))) == [
        "Riverside Nursing Home"
    ]


def test_nothing_found_for_the_words_suggests_the_type_in_the_place(client, catalogue):
    # No service says "nursing" and "sunday", but Ludlow has a nursing home.
    page = soup(client.get("/search/", {"q": "nursing home open on sundays Ludlow"}))
    assert names(page) == []

    links = suggestions(page)

    assert list(links) == ["see nursing home services in Ludlow (1)"]
    followed = soup(client.get(links["see nursing home services in Ludlow (1)"]))
    assert names(followed) == ["Riverside Nursing Home"]
    assert "locality=ludlow" in links["see nursing home services in Ludlow (1)"]


def test_words_that_name_no_type_of_service_suggest_none(client, catalogue):
    page = soup(client.get("/search/", {"q": "care for pets"}))

    assert names(page) == []
    assert suggestions(page) == {}


# --- with no words, a postcode orders by distance ---------------------------------------------


def test_a_postcode_without_words_lists_the_nearest_first(client, catalogue):
    nearest = names(soup(client.get("/search/", {"postcode": "SY8 1AA", "sort": "distance"})))
    best = names(soup(client.get("/search/", {"postcode": "SY8 1AA", "sort": "relevance"})))
    assert nearest != best  # the two orders differ in this catalogue

    page = soup(client.get("/search/", {"postcode": "SY8 1AA"}))

    assert names(page) == nearest
    assert page.select_one("select[name=sort] option[selected]")["value"] == "distance"


def test_words_keep_the_best_match_first_with_a_postcode(client, catalogue):
    best = names(
        soup(client.get("/search/", {"q": "care", "postcode": "SY8 1AA", "sort": "relevance"}))
    )

    page = soup(client.get("/search/", {"q": "care", "postcode": "SY8 1AA"}))

    assert names(page) == best
