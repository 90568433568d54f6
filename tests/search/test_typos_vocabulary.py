"""Typos of words only the care vocabulary knows (issue 23): "domicilary", "alzhiemers" are
corrected against the synonym rules' words as well as the indexed words, so they find what the
word meant finds even when no listing uses the word itself."""

from __future__ import annotations

from search.query import SearchQuery
from search.understanding import Speller, Vocabulary
from search.vocabulary import file_vocabulary


def test_the_vocabulary_lends_its_words_to_the_speller():
    words = file_vocabulary().spelling_words
    assert {"domiciliary", "alzheimers", "respite", "befriending"} <= words
    assert not {"on", "of", "a"} & words  # stop words in phrases ("meals on wheels") are not
    rules = Vocabulary.from_rules(["homecare, home care, domiciliary care, domiciliary"])
    assert rules.spelling_words == {"homecare", "home", "care", "domiciliary"}
    speller = Speller({"care": 5, **dict.fromkeys(rules.spelling_words, 0)})
    assert speller.nearest("domicilary") == "domiciliary"


def test_a_typo_of_a_vocabulary_word_finds_what_the_word_finds(backend, catalogue):
    for typed, meant in (("domicilary", "domiciliary"), ("alzhiemers", "alzheimers")):
        wanted = {h.service_id for h in backend.search(SearchQuery(text=meant)).hits}
        assert wanted, meant
        results = backend.search(SearchQuery(text=typed))
        assert results.corrections == {typed: meant}
        assert {h.service_id for h in results.hits} == wanted
