"""Turning what a person typed into safe full-text terms, and marked-up snippets into HTML.

Pure Python (no Django) so both vendor backends share it and tests can table it.

The text is never handed to a full-text engine as query syntax: it is split into words (Unicode
letters and digits), English stop words are dropped (PostgreSQL's English configuration drops
them from documents, and SQLite's FTS5 keeps them, so dropping them from the query makes both
vendors behave alike), and every remaining word becomes one quoted term. So `"`, `*`, `NEAR(`,
`OR`, `AND`, `NOT`, `-` and `^` in the text are ordinary characters or words, never operators.
The terms are AND-ed: each must match (after stemming) somewhere in the service's fields.
"""

from __future__ import annotations

import html
import re

from search.understanding import MAX_TERM_LENGTH, STOP_WORDS

MAX_TERMS = 16

# Highlight markers from Unicode's private use area: they cannot come from the catalogue's own
# text in practice, survive html.escape(), and are swapped for <mark> after escaping.
MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def search_terms(text: str) -> list[str]:
    """The distinct lower-case words of text that are worth matching, in order, at most
    MAX_TERMS of them. An empty list means "no text filter"."""
    terms: list[str] = []
    for match in _WORD.finditer(text or ""):
        word = match.group(0).lower()[:MAX_TERM_LENGTH]
        if word in STOP_WORDS or word in terms:
            continue
        terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    return terms


def quoted(terms: list[str]) -> str:
    """Terms as a sequence of quoted strings: an implicit AND in both FTS5 and
    websearch_to_tsquery, with nothing inside a quote read as an operator. The words hold no
    double quote (they are letters and digits), so no escaping is needed."""
    return " ".join(f'"{term}"' for term in terms)


def any_of(terms: list[str]) -> str:
    """Terms as quoted strings joined by OR (FTS5; websearch_to_tsquery reads "or" the same):
    a row matches with any of them. A term of several words is a phrase."""
    return " OR ".join(f'"{term}"' for term in terms)


def tsquery_text(term: str, weight: str = "") -> str:
    """A term (a word, or a phrase of words) as to_tsquery text: the words joined by <N>, N the
    distance between them once stop words are left out (PostgreSQL keeps their positions), each
    with the weight label when given. Words are letters and digits only, so nothing in it is
    an operator but the ones built here."""
    parts: list[str] = []
    gap = 0
    for word in term.split():
        if word in STOP_WORDS:
            gap += 1
            continue
        if parts:
            parts.append(f"<{gap + 1}>")
        parts.append(f"{word}:{weight}" if weight else word)
        gap = 0
    return " ".join(parts)


def marked_html(snippet: str | None) -> str:
    """A snippet with MARK_OPEN/MARK_CLOSE around matches, as safe HTML with <mark> tags;
    everything else is escaped. Empty when nothing in it matched."""
    if not snippet or MARK_OPEN not in snippet:
        return ""
    escaped = html.escape(snippet, quote=True)
    return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
