"""The database backend on SQLite: FTS5 with the Porter stemmer (migration 0003).

Each search term is read once per state of the index (postings.text_postings): one statement
gives the services with the term anywhere (the main FTS5 table) and in the name or the summary
(a small FTS5 table of those two fields, migration 0006, so the tier look-ups do not read the
position lists of every description that mentions the term). Since migration 0008 both tables
also hold `about` (the names of the service's categories and client groups), which counts like
the name: "dementia" finds a home care service for people with dementia as surely as one with
"dementia" in its name. The main table also holds `places` (town, locality, localities served).

Relevance cannot be gamed by repeating keywords because it does not count them: it ranks on
fields (every term in the name and the summary, in the name, in the summary, anywhere; see
postings._page), then by the review ranking score. A service named for what was asked always
outranks one that mentions it in its description, however often.
"""

# ruff: noqa: S608 (SQL is assembled from constant identifiers; every value is a parameter)

from __future__ import annotations

from django.db import connection

import numpy as np

from search.indexing import ServiceDocument

from .postings import TermMatches
from .sql import SQLSearchBackend
from .terms import MARK_CLOSE, MARK_OPEN, any_of, marked_html, quoted

FTS = "search_text_fts"
TITLES = "search_title_fts"  # name and summary only, for the relevance tiers (0006)
# The main table's columns (in order: highlights() reads 0-2) and tokenizer (migration 0008).
COLUMNS = "name, summary, description, organisation, about, places"
TOKENIZE = "'porter unicode61'"
SCRATCH = "search_highlight_page"  # a TEMP FTS5 table of each connection (highlights())


class SQLiteSearchBackend(SQLSearchBackend):
    vendor = "sqlite"
    text_table = FTS

    def term_matches(self, term: str) -> TermMatches:
        # A term of several words is an FTS5 phrase ("home care": the words next to each other).
        # One row per part, its ids as one string: for a word in a fifth of 100,000 services
        # that is three strings to split rather than 50,000 rows to build.
        match = quoted([term])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 0, group_concat(rowid) FROM {FTS} WHERE {FTS} MATCH %s UNION ALL "
                f"SELECT 1, group_concat(rowid) FROM {TITLES} WHERE {TITLES} MATCH %s UNION ALL "
                f"SELECT 2, group_concat(rowid) FROM {TITLES} WHERE {TITLES} MATCH %s",
                [match, f"{{name about}} : {match}", f"summary : {match}"],
            )
            rows = cursor.fetchall()
        found = [np.zeros(0, dtype=np.int64) for _ in range(3)]
        for where, ids in rows:
            if ids:  # parsed in C: a tenth of the time of split() and int() per id
                found[where] = np.fromstring(ids, dtype=np.int64, sep=",")
        return found[0], found[1], found[2]

    def highlights(self, service_ids: list[int], terms: list[str]) -> dict[int, dict[str, str]]:
        """The page's rows with the searched terms marked, by FTS5's highlight() and snippet().

        They run on a scratch FTS5 table of this connection (TEMP, so private to it and never
        written to the database file) holding only the page's rows: on the whole index, MATCH
        with `rowid IN (the page)` read the position lists of every service with the terms,
        20 ms a page at 100,000 services for a phrase such as "home care" (bench/search.py),
        where on 20 rows it takes one or two. highlight() and snippet() look at one row's
        text only, so the marks are the same; the scratch table has the main table's columns
        and tokenizer, so a row matches there when it matches in the index. Four statements:
        make the table if this connection has none, empty it, copy the page in, mark it."""
        if not service_ids:
            return {}
        marks = f"'{MARK_OPEN}', '{MARK_CLOSE}'"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{SCRATCH} USING fts5({COLUMNS}, "
                f"tokenize={TOKENIZE})"
            )
            cursor.execute(f"DELETE FROM temp.{SCRATCH}")
            cursor.execute(
                f"INSERT INTO temp.{SCRATCH} (rowid, {COLUMNS}) SELECT rowid, {COLUMNS} "
                f"FROM {FTS} WHERE rowid IN ({', '.join(['%s'] * len(service_ids))})",
                service_ids,
            )
            cursor.execute(
                f"SELECT rowid, highlight({SCRATCH}, 0, {marks}), "
                f"snippet({SCRATCH}, 1, {marks}, '…', 40), "
                f"snippet({SCRATCH}, 2, {marks}, '…', 30) FROM temp.{SCRATCH} "
                f"WHERE {SCRATCH} MATCH %s",
                [any_of(terms)],
            )
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
            f"INSERT INTO {FTS} (rowid, name, summary, description, organisation, about, places) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    d.service_id,
                    d.name,
                    d.summary,
                    d.description,
                    d.organisation_name,
                    d.about,
                    d.places,
                )
                for d in documents
            ],
        )
        cursor.executemany(
            f"INSERT INTO {TITLES} (rowid, name, summary, about) VALUES (%s, %s, %s, %s)",
            [(d.service_id, d.name, d.summary, d.about) for d in documents],
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
