"""search.understanding: stop and filler words, the care vocabulary (issue 23's list of
pairs), phrases, and how many concepts must match. The vocabulary under test is the packaged
file (search/data/synonyms.yaml), which migration 0010 loads into the admin."""

from __future__ import annotations

import pytest

from search.understanding import Vocabulary, concepts, parse_rule, required
from search.vocabulary import file_rules, file_vocabulary

WORDS = file_vocabulary()

# Issue 23, "Care vocabulary": "At least" these. Each word must find the others of its group
# (for the sensory group, each finds "sensory impairment").
PAIRS = [
    ("homecare", "home care"),
    ("homecare", "domiciliary care"),
    ("home care", "domiciliary care"),
    ("cleaner", "cleaning"),
    ("cleaner", "domestic help"),
    ("pa", "personal assistant"),
    ("respite", "short breaks"),
    ("meals on wheels", "meals"),
    ("nursing home", "care home with nursing"),
    ("sitter", "night sitting"),
    ("alarm", "pendant"),
    ("alarm", "telecare"),
    ("pendant", "telecare"),
    ("lonely", "loneliness"),
    ("lonely", "befriending"),
    ("lonely", "company"),
    ("advocate", "advocacy"),
    ("deaf", "sensory impairment"),
    ("blind", "sensory impairment"),
    ("sight", "sensory impairment"),
    ("hearing", "sensory impairment"),
    ("ld", "learning disability"),
    ("ld", "learning disabilities"),
    ("alzheimer's", "dementia"),
    ("memory", "dementia"),
    ("alzheimer's", "memory"),
    ("carer", "carers"),
]


def terms_of(text: str) -> set[str]:
    (concept,) = concepts(text, WORDS)
    return set(concept.terms)


@pytest.mark.parametrize(("typed", "meant"), PAIRS)
def test_every_pair_of_the_issue_finds_each_other(typed, meant):
    meant_terms = terms_of(meant)
    assert meant_terms & terms_of(typed), f"{typed!r} does not find {meant!r}"
    if meant != "sensory impairment":  # one way: "sensory impairment" is wider than "deaf"
        assert terms_of(typed) & meant_terms


def test_stop_words_and_filler_carry_no_meaning():
    found = concepts("help for someone with dementia in Ludlow", WORDS)
    assert [c.typed for c in found] == ["dementia", "ludlow"]
    assert concepts("I need some help please", WORDS) == []


def test_phrases_are_found_longest_first_and_keep_their_small_words():
    found = concepts("meals on wheels for my dad", WORDS)
    assert [c.typed for c in found] == ["meals on wheels"]
    assert "meals" in found[0].terms
    (home,) = concepts("a care home with nursing", WORDS)
    assert home.typed == "care home with nursing"
    assert "nursing home" in home.terms


def test_a_word_of_a_phrase_alone_is_a_plain_word():
    (day,) = concepts("day", WORDS)
    assert day.terms == ("day",)
    # "care" alone is filler, inside a phrase it counts.
    assert concepts("care", WORDS) == []
    assert [c.typed for c in concepts("day care", WORDS)] == ["day care"]


def test_rules_read_like_solr_synonyms():
    assert parse_rule("a, b c") == (["a", "b c"], ["a", "b c"])
    assert parse_rule("Deaf, hard of hearing => sensory impairment") == (
        ["deaf", "hard of hearing"],
        ["sensory impairment"],
    )
    words = Vocabulary.from_rules(["x, y => z"])
    assert concepts("x", words)[0].terms == ("x", "z")
    assert concepts("z", words)[0].terms == ("z",)


def test_all_of_one_or_two_concepts_and_all_but_one_of_more():
    assert [required(n) for n in range(1, 6)] == [1, 2, 2, 3, 4]


def test_the_packaged_rules_parse():
    rules = file_rules()
    assert len(rules) >= 20
    for rule in rules:
        left, right = parse_rule(rule)
        assert left and right, rule
