"""The database backend on SQLite: FTS5 with the Porter stemmer (migration 0003).

Relevance ranks on fields first, then on bm25, so it cannot be gamed by repeating keywords:

    score = 2 * [every term is in the name] + 1 * [every term is in the summary]
            + b / (1 + b)    where b = -bm25(fts, 10, 4, 1, 2) >= 0

The field tiers are whole numbers and the bm25 part lies in [0, 1), so a service named for what
was asked always outranks one that only mentions it in its description, however often. Inside
a tier, FTS5's bm25 orders: its term-frequency factor tf * (k1 + 1) / (tf + k1 * (1 - b + b *
length / average length)) (k1 = 1.2, b = 0.75) saturates (fifty repetitions score less than
2.2 times one) and the length normalisation takes the gain back as the padding grows. (Column
weights alone are not enough: FTS5 multiplies each column's frequency by its weight *before*
saturating, so heavy repetition in a light column can still catch up with a heavy one.)
"""

# ruff: noqa: S608 (SQL is assembled from constant identifiers; every value is a parameter)

from __future__ import annotations

from django.db import connection

from search.indexing import ServiceDocument

from .sql import SQLSearchBackend, TextMatches
from .terms import MARK_CLOSE, MARK_OPEN, marked_html, quoted

FTS = "search_text_fts"
TITLES = "search_title_fts"  # name and summary only, for the relevance tiers (0006)
WEIGHTS = "10.0, 4.0, 1.0, 2.0"  # name, summary, description, organisation


class SQLiteSearchBackend(SQLSearchBackend):
    vendor = "sqlite"
    text_table = FTS

    def text_matches(self, terms: list[str], *, scored: bool) -> TextMatches:
        match = quoted(terms)
        with connection.cursor() as cursor:
            if not scored:
                cursor.execute(f"SELECT rowid, 0 FROM {FTS} WHERE {FTS} MATCH %s", [match])
                return cursor.fetchall()
            # bm25() is lower (more negative) for better matches, so -bm25 is the b above.
            cursor.execute(
                f"SELECT rowid, -bm25({FTS}, {WEIGHTS}) FROM {FTS} WHERE {FTS} MATCH %s", [match]
            )
            matches = cursor.fetchall()
            cursor.execute(
                f"SELECT rowid, 2 FROM {TITLES} WHERE {TITLES} MATCH %s UNION ALL "
                f"SELECT rowid, 1 FROM {TITLES} WHERE {TITLES} MATCH %s",
                [f"name : ({match})", f"summary : ({match})"],
            )
            tiers: dict[int, int] = {}
            for pk, weight in cursor.fetchall():
                tiers[pk] = tiers.get(pk, 0) + weight
        return [(pk, tiers.get(pk, 0) + b / (1 + b)) for pk, b in matches]

    def highlights(self, service_ids: list[int], terms: list[str]) -> dict[int, dict[str, str]]:
        if not service_ids:
            return {}
        marks = f"'{MARK_OPEN}', '{MARK_CLOSE}'"
        sql = (
            f"SELECT rowid, highlight({FTS}, 0, {marks}), snippet({FTS}, 1, {marks}, '…', 40), "
            f"snippet({FTS}, 2, {marks}, '…', 30) FROM {FTS} "
            f"WHERE {FTS} MATCH %s AND rowid IN ({', '.join(['%s'] * len(service_ids))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [quoted(terms), *service_ids])
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
            f"INSERT INTO {FTS} (rowid, name, summary, description, organisation) "
            "VALUES (%s, %s, %s, %s, %s)",
            [
                (d.service_id, d.name, d.summary, d.description, d.organisation_name)
                for d in documents
            ],
        )
        cursor.executemany(
            f"INSERT INTO {TITLES} (rowid, name, summary) VALUES (%s, %s, %s)",
            [(d.service_id, d.name, d.summary) for d in documents],
        )

    def delete_texts(self, cursor, service_ids: list[int] | None) -> None:
        for table in (FTS, TITLES):
            if service_ids is None:
                cursor.execute(f"DELETE FROM {table}")
            else:
                cursor.execute(
                    f"DELETE FROM {table} WHERE rowid IN ({', '.join(['%s'] * len(service_ids))})",
                    service_ids,
                )
