"""Typos (issue 23: "dementa" and "resspite" found 0 and the page offered nothing): a word the
index does not hold is read as the nearest indexed word (one edit for 4 to 7 letters, two for
longer), and the page says so with a way back to the words as typed."""

from __future__ import annotations

import pytest

from search.query import SearchQuery
from search.understanding import Speller, damerau_levenshtein, max_typos
from tests.search.test_page import build_catalogue, heading, names, soup


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("dementa", "dementia", 1), ("nursnig", "nursing", 1), ("resspite", "respite", 1),
     ("respte", "respite", 1), ("carrers", "carers", 1), ("abc", "abc", 0), ("ab", "ba", 1)],
)  # fmt: skip
def test_damerau_levenshtein(a, b, distance):
    assert damerau_levenshtein(a, b, 2) == distance


def test_how_many_edits_a_word_may_have():
    assert [max_typos(w) for w in ("pa", "day", "deaf", "dementa", "resspite", "care4")] == [
        0, 0, 1, 1, 2, 0,
    ]  # fmt: skip


def test_the_speller_prefers_the_nearest_then_the_commonest_word():
    speller = Speller({"respite": 5, "respect": 9, "dementia": 3, "cleaning": 2})
    assert speller.nearest("resspite") == "respite"
    assert speller.nearest("dementa") == "dementia"
    assert speller.nearest("respete") == "respite"  # respect is 2 away
    assert Speller({"card": 9, "cart": 1}).nearest("carx") == "card"  # both 1 away
    assert speller.nearest("xylophone") is None
    assert speller.nearest("pa") is None


def test_the_database_backend_corrects_a_word_that_finds_nothing(backend, catalogue):
    results = backend.search(SearchQuery(text="dementa"))
    assert results.corrections == {"dementa": "dementia"}
    assert results.total == backend.search(SearchQuery(text="dementia")).total > 0
    exact = backend.search(SearchQuery(text="dementa", correct_typos=False))
    assert exact.total == 0 and exact.corrections == {}
    # A word the index holds is never "corrected", even when near another.
    assert backend.search(SearchQuery(text="carers")).corrections == {}


@pytest.fixture
def page_catalogue(home_page):
    return build_catalogue()


def test_the_page_shows_results_for_the_correction_and_offers_the_words_typed(
    client, page_catalogue
):
    page = soup(client.get("/search/", {"q": "nursnig home"}))

    assert names(page) == ["Riverside Nursing Home"]
    note = page.select_one("[data-spelling]")
    assert " ".join(note.get_text(" ", strip=True).split()) == (
        "Showing results for nursing home . Search instead for nursnig home"
    )
    assert heading(page) == "1 service for ‘nursing home’"
    back = soup(client.get(note.a["href"]))
    assert names(back) == []
    assert back.select_one("[data-spelling]") is None
