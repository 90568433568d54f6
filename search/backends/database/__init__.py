"""The database search backend: the SQLite or PostgreSQL implementation, chosen from the
connection's vendor like django-modelsearch's backends/database/__init__.py.

Index writes are in sql.py; filters, disjunctive facets, sorting and paging run over the
postings each process keeps of the index (postings.py); the vendor modules only swap the
full-text parts (matches with their rank, highlights, text writes).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .sql import SQLSearchBackend


def DatabaseSearchBackend() -> SQLSearchBackend:
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteSearchBackend

        return SQLiteSearchBackend()
    if connection.vendor == "postgresql":
        from .postgres import PostgresSearchBackend

        return PostgresSearchBackend()
    raise ImproperlyConfigured(
        f"The database search backend supports SQLite and PostgreSQL, not {connection.vendor}."
    )


__all__ = ["DatabaseSearchBackend", "SQLSearchBackend"]
