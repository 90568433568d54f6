"""What a person typed, understood the same way by every backend (DESIGN.md, "Search").

Pure Python (no Django), so the database and Elasticsearch backends, the page and the tests
share one reading of the words:

1. The text is split into lower-case words (Unicode letters and digits; nothing is syntax).
2. Phrases of the care vocabulary are found first, longest first ("meals on wheels",
   "care home with nursing"), so that their small words still count inside the phrase.
3. Words that carry no meaning are dropped: English stop words ("for", "with", "in") and the
   words people add around a need ("help", "someone", "looking", "care", "services"). "help
   for someone with dementia" asks for dementia. A phrase of the vocabulary keeps its words
   ("home care", "day care").
4. Each remaining word or phrase is a `Concept`: the terms that satisfy it, itself first, then
   its synonyms from the vocabulary ("homecare" -> "home care", "domiciliary care", ...). A term
   of several words is matched as a phrase (the words next to each other, after stemming).

How many concepts a service must match (`required()`): every one when there are one or two;
with three or more, all but one. So a long question still finds the services that match most
of it when no service matches every word. Backends rank services that match every concept
before those that match all but one (the database backend strictly; Elasticsearch by summing
one score per concept matched, so a service matching more concepts scores higher).

The vocabulary is a list of rules in the Solr / Elasticsearch synonym format, one per line:
"homecare, home care, domiciliary care" (all equivalent: each finds the others) or
"deaf, hard of hearing => deaf, hearing, sensory impairment" (one way: the left finds the
right). It is kept as data (search/data/synonyms.yaml, loaded into the SynonymGroup model that
council editors edit in the admin; search/vocabulary.py reads it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_TERM_LENGTH = 40

# PostgreSQL's (Snowball) English stop words.
STOP_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_PHRASE_WORDS = 6
MAX_CONCEPTS = 8
MAX_TERMS_PER_CONCEPT = 12

# Words people put around what they need, which say nothing about which service they need.
# Dropped unless they are part of a phrase of the vocabulary ("home care", "care home").
FILLER_WORDS = frozenset(
    """
    help helps helping need needs needed needing want wants wanted looking look find finding
    someone somebody anyone person people service services provider providers support care
    caring please near nearby local area around mum dad mother father wife husband son daughter
    parent parents relative friend neighbour elderly old
    """.split()  # noqa: SIM905 (a list literal of 47 words reads worse)
)


def words(text: str) -> list[str]:
    """The lower-case words of text (letters and digits), in order, each cut to
    MAX_TERM_LENGTH."""
    return [m.group(0).lower()[:MAX_TERM_LENGTH] for m in _WORD.finditer(text or "")]


def parse_rule(line: str) -> tuple[list[str], list[str]]:
    """A synonym rule as (left, right) lists of phrases (each its words joined by one space).
    An equivalence ("a, b, c") has the same list on both sides."""
    if "=>" in line:
        left_text, right_text = line.split("=>", 1)
    else:
        left_text = right_text = line
    left = [" ".join(words(p)) for p in left_text.split(",")]
    right = [" ".join(words(p)) for p in right_text.split(",")]
    return [p for p in left if p], [p for p in right if p]


@dataclass(frozen=True)
class Vocabulary:
    """The care vocabulary: for each phrase (its words), the terms that satisfy it."""

    expansions: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_rules(cls, rules: Iterable[str]) -> Vocabulary:
        expansions: dict[tuple[str, ...], list[str]] = {}
        for line in rules:
            left, right = parse_rule(line)
            for phrase in left:
                key = tuple(phrase.split())
                if len(key) > MAX_PHRASE_WORDS:
                    continue
                found = expansions.setdefault(key, [phrase])
                for term in right:
                    if term not in found:
                        found.append(term)
        return cls({key: tuple(terms) for key, terms in expansions.items()})

    @property
    def longest(self) -> int:
        return max((len(key) for key in self.expansions), default=1)

    @functools.cached_property
    def spelling_words(self) -> frozenset[str]:
        """The words of the vocabulary's phrases that a typo may be corrected to, besides the
        indexed words (letters only, at least 3, not stop words): "domicilary" finds
        "domiciliary" and so home care even when no listing uses the word itself."""
        return frozenset(
            word
            for key in self.expansions
            for word in key
            if len(word) >= 3 and word.isalpha() and word not in STOP_WORDS
        )

    def __hash__(self) -> int:  # frozen with a dict: hash by identity
        return id(self)


EMPTY = Vocabulary()


@dataclass(frozen=True)
class Concept:
    """One thing asked for: the words as typed, and the terms that satisfy it (the typed term
    first). A term of several words is a phrase."""

    typed: str
    terms: tuple[str, ...]


def concepts(text: str, vocabulary: Vocabulary = EMPTY) -> list[Concept]:
    """The concepts of text, in order (see the module docstring). An empty list: no text
    filter."""
    tokens = words(text)
    found: list[Concept] = []
    seen: set[str] = set()
    i = 0
    longest = min(vocabulary.longest, MAX_PHRASE_WORDS)
    while i < len(tokens) and len(found) < MAX_CONCEPTS:
        match = None
        for size in range(min(longest, len(tokens) - i), 0, -1):
            key = tuple(tokens[i : i + size])
            if key in vocabulary.expansions and (size > 1 or key[0] not in STOP_WORDS):
                match = key
                break
        if match is not None:
            typed = " ".join(match)
            terms = vocabulary.expansions[match][:MAX_TERMS_PER_CONCEPT]
            i += len(match)
        else:
            typed = tokens[i]
            i += 1
            if typed in STOP_WORDS or typed in FILLER_WORDS:
                continue
            terms = (typed,)
        if typed in seen:
            continue
        seen.add(typed)
        found.append(Concept(typed, terms if terms[0] == typed else (typed, *terms)))
    return found


def required(count: int) -> int:
    """How many of `count` concepts a service must match: all of one or two, else all but one."""
    return count if count <= 2 else count - 1


def all_terms(found: list[Concept]) -> list[str]:
    """Every term of the concepts, each once (for highlights)."""
    return list(dict.fromkeys(term for concept in found for term in concept.terms))


# --- places in the words ------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’`]")
# A full postcode ("SY8 1AA", "sy81aa") or an outward code alone ("SY8").
POSTCODE = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)\s*(\d[a-z]{2})?\b", re.IGNORECASE)


def _place_words(text: str) -> list[str]:
    return words(_APOSTROPHES.sub("", text))


@dataclass(frozen=True)
class Place:
    """A place read from the words: `key` is what the caller's table maps it to (a locality
    slug), `typed` the words as typed, `rest` the text without them."""

    key: str
    typed: str
    rest: str


def place_in_words(text: str, places: dict[str, str]) -> Place | None:
    """The first place name of `places` (name -> key, e.g. "Bishop's Castle" -> a slug) in
    text, longest name first; apostrophes do not count ("bishops castle"). None if there is
    none, or if the text is nothing but the place (a search for "Ludlow" alone is left to the
    words, which also find services that serve Ludlow)."""
    table = {tuple(_place_words(name)): key for name, key in places.items() if name.strip()}
    if not table:
        return None
    longest = max(len(k) for k in table)
    raw = list(re.finditer(r"[^\W_]+(?:['’`][^\W_]+)*", text or ""))
    tokens = [tuple(_place_words(m.group(0))) for m in raw]
    flat: list[tuple[str, int]] = [(w, i) for i, ws in enumerate(tokens) for w in ws]
    for start in range(len(flat)):
        for size in range(min(longest, len(flat) - start), 0, -1):
            key = tuple(w for w, _ in flat[start : start + size])
            if key in table:
                first, last = flat[start][1], flat[start + size - 1][1]
                begin, end = raw[first].start(), raw[last].end()
                rest = " ".join(f"{text[:begin]} {text[end:]}".split())
                return Place(table[key], text[begin:end], rest)
    return None


def postcode_in_words(text: str) -> tuple[str, str, str] | None:
    """(outward code, inward code or "", rest of the text) of the first postcode-like token."""
    match = POSTCODE.search(text or "")
    if match is None:
        return None
    rest = " ".join(f"{text[: match.start()]} {text[match.end() :]}".split())
    return match.group(1).upper(), (match.group(2) or "").upper(), rest


# --- typos --------------------------------------------------------------------------------------


def max_typos(word: str) -> int:
    """How far a word may be from the word meant: none under 4 letters, one edit for 4 to 7
    letters, two for longer words (an edit: a letter added, dropped, changed, or two
    neighbours swapped)."""
    if len(word) < 4 or not word.isalpha():
        return 0
    return 1 if len(word) <= 7 else 2


def damerau_levenshtein(a: str, b: str, limit: int) -> int:
    """The optimal-string-alignment distance between a and b, or limit + 1 once it is known
    to be above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _deletes(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


class Speller:
    """The nearest indexed word to a word the index does not hold (symmetric delete search:
    words sharing a deletion candidate, then the exact distance). Ties go to the word found in
    more services, then alphabetical order."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.index: dict[str, list[str]] = {}
        for word in counts:
            for key in _deletes(word, max_typos(word)):
                self.index.setdefault(key, []).append(word)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def knows(self, word: str) -> bool:
        """Whether the word, or its plural or singular, is an indexed word."""
        counts = self.counts
        return (
            word in counts
            or f"{word}s" in counts
            or (word.endswith("s") and word[:-1] in counts)
            or (word.endswith("es") and word[:-2] in counts)
        )

    def nearest(self, word: str) -> str | None:
        limit = max_typos(word)
        if not limit:
            return None
        candidates = {c for key in _deletes(word, limit) for c in self.index.get(key, ())}
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            if candidate == word:
                continue
            distance = damerau_levenshtein(word, candidate, limit)
            if distance <= min(limit, max_typos(candidate) or limit):
                key = (distance, -self.counts[candidate], candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else None


def corrected(found: list[Concept], correct, vocabulary: Vocabulary = EMPTY):
    """The concepts with each plain typed word that `correct` replaces (word -> word or None)
    swapped for the correction and the correction's synonyms; returns (concepts, {typed:
    correction})."""
    out: list[Concept] = []
    changes: dict[str, str] = {}
    for concept in found:
        word = concept.typed
        if concept.terms == (word,) and max_typos(word):
            better = correct(word)
            if better and better != word:
                changes[word] = better
                terms = vocabulary.expansions.get((better,), (better,))
                concept = Concept(word, terms if terms[0] == better else (better, *terms))
        out.append(concept)
    return out, changes


def corrected_text(text: str, changes: dict[str, str]) -> str:
    """text with each corrected word replaced (whole words, any case)."""
    if not changes:
        return text
    return _WORD.sub(lambda m: changes.get(m.group(0).lower(), m.group(0)), text)


# --- suggestions for a search that finds nothing -------------------------------------------------

# Words too general to point at one category on their own ("care" is in half their names).
GENERAL_WORDS = frozenset(
    {"care", "support", "help", "service", "services", "people", "home", "homes"}
)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _contains(words_: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return any(words_[i : i + size] == phrase for i in range(len(words_) - size + 1))


def named(found: list[Concept], names: dict[str, str]) -> list[str]:
    """The keys of `names` (category or client group slugs -> their names) whose name holds one
    of the terms of a concept asked for, in the order of the concepts: "nursing homes in Clun"
    names the category "Nursing home". A concept of a general word alone ("care") names none."""
    keys: list[str] = []
    name_words = {key: [_singular(w) for w in words(name)] for key, name in names.items()}
    for concept in found:
        if concept.typed in GENERAL_WORDS:
            continue
        for term in concept.terms:
            phrase = [_singular(w) for w in term.split()]
            for key, held in name_words.items():
                if key not in keys and _contains(held, phrase):
                    keys.append(key)
    return keys
