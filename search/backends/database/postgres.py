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


class PostgresSearchBackend(SQLSearchBackend):
    vendor = "postgresql"
    text_table = TEXT

    def term_matches(self, term: str) -> TermMatches:
        # A term is letters and digits only (terms.py), so "term:A" is a plain lexeme with a
        # weight label to to_tsquery: A is the name's weight, B the summary's. A term of several
        # words is a phrase: "home <-> care" (tsquery_text).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT service_id, document @@ qa, document @@ qb "
                f"FROM {TEXT}, to_tsquery('english', %s) q, to_tsquery('english', %s) qa, "
                f"to_tsquery('english', %s) qb WHERE document @@ q",
                [tsquery_text(term), tsquery_text(term, "A"), tsquery_text(term, "B")],
            )
            rows = cursor.fetchall()
            if not rows:
                cursor.execute("SELECT numnode(to_tsquery('english', %s))", [tsquery_text(term)])
                if not cursor.fetchone()[0]:
                    return None  # a word the English configuration drops: no constraint
        return (
            [pk for pk, _, _ in rows],
            [pk for pk, in_name, _ in rows if in_name],
            [pk for pk, _, in_summary in rows if in_summary],
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
        cursor.executemany(
            f"INSERT INTO {TEXT} (service_id, name, summary, description, organisation, about, "
            "places, document) VALUES (%s, %s, %s, %s, %s, %s, %s, "
            "setweight(to_tsvector('english', %s), 'A') || "
            "setweight(to_tsvector('english', %s), 'B') || "
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
                    f"{d.name} {d.about}",
                    d.summary,
                    f"{d.organisation_name} {d.places}",
                    d.description,
                )
                for d in documents
            ],
        )

    def delete_texts(self, cursor, service_ids: list[int] | None) -> None:
        if service_ids is None:
            cursor.execute(f"DELETE FROM {TEXT}")
            return
        cursor.execute(f"DELETE FROM {TEXT} WHERE service_id = ANY(%s)", [list(service_ids)])
