"""The database backend on PostgreSQL: a weighted English tsvector with a GIN index
(migration 0003): name A, summary B, organisation C, description D; since migration 0008 also
`about` (category and client-group names) A, like the name, and `places` (town, locality,
localities served) C.

Each search term is read once per state of the index (postings.text_postings): one statement
gives the services whose document has the term's lexeme, with flags for weight A (in the name)
and B (in the summary). A term is letters and digits only (terms.py), so nothing a person types
reaches to_tsquery as an operator. Relevance ranks on those fields and then by review ranking
score, exactly as on SQLite (see sqlite.py); repeating a keyword gains nothing.
"""

# ruff: noqa: S608 (SQL is assembled from constant identifiers; every value is a parameter)

from __future__ import annotations

from django.db import connection

from search.indexing import ServiceDocument

from .postings import TermMatches
from .sql import SQLSearchBackend
from .terms import MARK_CLOSE, MARK_OPEN, any_of, marked_html, tsquery_text

TEXT = "search_text"
TSQUERY = "websearch_to_tsquery('english', %s)"
HEADLINE = f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}"

# Stop words take a position in a tsvector but leave no lexeme, and "a || b" numbers b's
# positions on from a's last lexeme: a field's text is written after FIELD_GAP of them, so the
# last word of one field and the first of the next are FIELD_GAP + 1 apart. A vocabulary phrase
# has at most a few stop words between two of its words (tsquery_text's "<N>"), far fewer.
FIELD_GAP = 8


def gapped(text: str) -> str:
    """A field's text with FIELD_GAP stop words before it (see FIELD_GAP)."""
    return "the " * FIELD_GAP + text


class PostgresSearchBackend(SQLSearchBackend):
    vendor = "postgresql"
    text_table = TEXT

    def term_matches(self, term: str) -> TermMatches:
        # A term is letters and digits only (terms.py), so "term:A" is a plain lexeme with a
        # weight label to to_tsquery: A is the name's weight, B the summary's. A term of several
        # words is a phrase: "home <-> care" (tsquery_text).
        # The last row (service_id NULL) says whether the term has any lexeme at all: a term of
        # words the English configuration drops is no constraint, found in the same statement.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT service_id, document @@ qa, document @@ qb "
                f"FROM {TEXT}, to_tsquery('english', %s) q, to_tsquery('english', %s) qa, "
                f"to_tsquery('english', %s) qb WHERE document @@ q "
                f"UNION ALL SELECT NULL, numnode(to_tsquery('english', %s)) > 0, NULL",
                [tsquery_text(term), tsquery_text(term, "A"), tsquery_text(term, "B")]
                + [tsquery_text(term)],
            )
            rows = cursor.fetchall()
        matches = [row for row in rows if row[0] is not None]
        has_lexemes = any(row[1] for row in rows if row[0] is None)
        if not matches and not has_lexemes:
            return None  # a word the English configuration drops: no constraint
        return (
            [pk for pk, _, _ in matches],
            [pk for pk, in_name, _ in matches if in_name],
            [pk for pk, _, in_summary in matches if in_summary],
        )

    def highlights(self, service_ids: list[int], terms: list[str]) -> dict[int, dict[str, str]]:
        if not service_ids:
            return {}
        sql = (
            f"SELECT service_id, "
            f"ts_headline('english', name, q, '{HEADLINE}, HighlightAll=true'), "
            f"ts_headline('english', summary, q, '{HEADLINE}, HighlightAll=true'), "
            f"ts_headline('english', description, q, '{HEADLINE}, MaxWords=30, MinWords=12') "
            f"FROM {TEXT}, {TSQUERY} q WHERE service_id = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [any_of(terms), list(service_ids)])
            rows = cursor.fetchall()
        result = {}
        for pk, name, summary, description in rows:
            fields = {
                "name": marked_html(name),
                "summary": marked_html(summary),
                "description": marked_html(description),
            }
            result[pk] = {k: v for k, v in fields.items() if v}
        return result

    def write_texts(self, cursor, documents: list[ServiceDocument]) -> None:
        # One tsvector per field, concatenated; each field after the first starts FIELD_GAP
        # positions on, so a phrase cannot run from one field into the next (as on SQLite,
        # where they are separate FTS5 columns).
        cursor.executemany(
            f"INSERT INTO {TEXT} (service_id, name, summary, description, organisation, about, "
            "places, document) VALUES (%s, %s, %s, %s, %s, %s, %s, "
            "setweight(to_tsvector('english', %s), 'A') || "
            "setweight(to_tsvector('english', %s), 'A') || "
            "setweight(to_tsvector('english', %s), 'B') || "
            "setweight(to_tsvector('english', %s), 'C') || "
            "setweight(to_tsvector('english', %s), 'C') || "
            "setweight(to_tsvector('english', %s), 'D'))",
            [
                (
                    d.service_id,
                    d.name,
                    d.summary,
                    d.description,
                    d.organisation_name,
                    d.about,
                    d.places,
                    d.name,
                    gapped(d.about),
                    gapped(d.summary),
                    gapped(d.organisation_name),
                    gapped(d.places),
                    gapped(d.description),
                )
                for d in documents
            ],
        )

    def delete_texts(self, cursor, service_ids: list[int] | None) -> None:
        if service_ids is None:
            cursor.execute(f"DELETE FROM {TEXT}")
            return
        cursor.execute(f"DELETE FROM {TEXT} WHERE service_id = ANY(%s)", [list(service_ids)])
