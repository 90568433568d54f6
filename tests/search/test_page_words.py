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
