"""The database backend on PostgreSQL: a weighted English tsvector with a GIN index
(migration 0003), queried with websearch_to_tsquery.

The text reaches websearch_to_tsquery only as quoted words (terms.py), so its operators
(OR, -, quotes) typed by a person are plain words, exactly as on SQLite.

Relevance is ts_rank(document, query, 1) over a document weighted by field: name A (1.0),
summary B (0.4), organisation C (0.2), description D (0.1). It cannot be gamed by repeating a
keyword: ts_rank adds the i-th occurrence of a lexeme with weight 1/i^2, so any number of
repetitions is worth at most pi^2/6 (about 1.64) times one occurrence, normalisation 1 divides
by 1 + log(document length) so padding costs rank, and a match in the name outweighs any
repetition in the description.
"""

# ruff: noqa: S608 (SQL is assembled from constant identifiers; every value is a parameter)

from __future__ import annotations

from django.db import connection

from search.indexing import ServiceDocument

from .sql import SQLSearchBackend, TextMatches
from .terms import MARK_CLOSE, MARK_OPEN, marked_html, quoted

TEXT = "search_text"
TSQUERY = "websearch_to_tsquery('english', %s)"
HEADLINE = f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}"


class PostgresSearchBackend(SQLSearchBackend):
    vendor = "postgresql"
    text_table = TEXT

    def text_matches(self, terms: list[str], *, scored: bool) -> TextMatches:
        score = "ts_rank(document, q, 1)" if scored else "0"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT service_id, {score} FROM {TEXT}, {TSQUERY} q WHERE document @@ q",
                [quoted(terms)],
            )
            return [(pk, float(rank)) for pk, rank in cursor.fetchall()]

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
            cursor.execute(sql, [quoted(terms), list(service_ids)])
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
            f"INSERT INTO {TEXT} (service_id, name, summary, description, organisation, document) "
            "VALUES (%s, %s, %s, %s, %s, "
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
                    d.name,
                    d.summary,
                    d.organisation_name,
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
