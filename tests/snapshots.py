"""Database states a loader makes, made once per test process and put back in later tests.

The demo (`load_demo_data --catalogue=small`) takes some eight seconds to load, and a dozen
tests across the suite want it. `restore_or_load(key, load)` runs `load()` for real the first
time a test process asks for `key`, inside that test's transaction, and keeps every row of every
table the load changed (compared with the tables as they were just before it) and the media
files it wrote. A later test asking for the same key, whose database holds in those tables what
the first one's held before the load, gets them put back inside its own transaction (emptied
and refilled with their triggers set aside, sequences moved past the ids) and the files copied
into its media folder: the database the real load makes, in a fraction of a second. A test
whose tables hold something else (a fixture made rows first) gets the real load. The test's
rollback takes either away, as it takes away a real load.

What the load changed outside the database and the media folder (e-mails sent, the cache) is
not kept: the tests that ask for a snapshot look at what the load leaves in the database.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection

from search.backends.database import postings

# SQLite's FTS5 keeps each virtual table's index in tables of these suffixes, written by the
# virtual table itself: the virtual table's rows are copied, never these.
FTS5_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")
NEVER_COPIED = {"django_migrations"}


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # SQLite: the columns copied (a virtual table's rowid first)
    rows: Any  # SQLite: a list of row tuples; PostgreSQL: COPY's text


@dataclass(frozen=True)
class Snapshot:
    before: dict[str, Table]  # the tables the load changed, as they were before it
    tables: tuple[Table, ...]  # and as it left them
    media: Path
    result: Any


_snapshots: dict[tuple[str, str], Snapshot] = {}
_folder: Path | None = None


def restore_or_load(key: str, load: Callable[[], Any]) -> Any:
    """`load()`'s result, with the database and media folder as `load()` leaves them: loaded
    for real the first time in this process, restored from the snapshot afterwards. Call it
    inside a test's transaction (a fixture that asks for `db`)."""
    known = (key, connection.vendor)
    snapshot = _snapshots.get(known)
    if snapshot is not None:
        now = _read_tables(set(snapshot.before))
        if not any(_rows_differ(snapshot.before[name], now[name]) for name in snapshot.before):
            _restore(snapshot)
            return snapshot.result
        return load()  # not the database the snapshot was taken from
    before = _read_tables()
    result = load()
    after = _read_tables()
    changed = tuple(
        table
        for name, table in after.items()
        if name not in before or _rows_differ(before[name], table)
    )
    _snapshots[known] = Snapshot(
        {table.name: before[table.name] for table in changed if table.name in before},
        changed,
        _keep_media(key),
        result,
    )
    return result


def _rows_differ(before: Table, after: Table) -> bool:
    if connection.vendor == "postgresql":
        return sorted(before.rows.splitlines()) != sorted(after.rows.splitlines())
    return Counter(before.rows) != Counter(after.rows)


# --- media --------------------------------------------------------------------------------------


def _keep_media(key: str) -> Path:
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="test-snapshots-"))
        atexit.register(shutil.rmtree, _folder, ignore_errors=True)
    kept = _folder / key
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, kept)
    else:
        kept.mkdir()
    return kept


def _restore(snapshot: Snapshot) -> None:
    shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    if connection.vendor == "postgresql":
        _restore_postgresql(snapshot.tables)
    else:
        _restore_sqlite(snapshot.tables)
    cache.clear()  # nothing cached from the rows that were there before
    # The database search backend keeps the index per process labelled with the index state
    # (a token and a sequence that only moves on), which a restore brings back to a value an
    # earlier, rolled-back test may have moved past: read the index afresh.
    postings.forget()


# --- reading ------------------------------------------------------------------------------------


def _read_tables(only: set[str] | None = None) -> dict[str, Table]:
    if connection.vendor == "postgresql":
        return _read_postgresql(only)
    if connection.vendor == "sqlite":
        return _read_sqlite(only)
    raise NotImplementedError(f"No snapshots on {connection.vendor}")


def _sqlite_tables(cursor) -> list[tuple[str, bool]]:
    """(name, is an FTS5 virtual table) of every table whose rows are copied."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    found = cursor.fetchall()
    virtual = {name for name, sql in found if sql.upper().startswith("CREATE VIRTUAL TABLE")}
    shadows = {table + suffix for table in virtual for suffix in FTS5_SHADOW_SUFFIXES}
    return [
        (name, name in virtual)
        for name, _sql in found
        if name not in shadows and name not in NEVER_COPIED
    ]


def _read_sqlite(only: set[str] | None) -> dict[str, Table]:
    tables = {}
    with connection.cursor() as cursor:
        for name, virtual in _sqlite_tables(cursor):
            if only is not None and name not in only:
                continue
            # A virtual table's rowid is its row's identity (the service id in search_text_fts).
            cursor.execute(f'SELECT {"rowid, " if virtual else ""}* FROM "{name}"')  # noqa: S608
            columns = tuple(column[0] for column in cursor.description)
            tables[name] = Table(name, columns, cursor.fetchall())
    return tables


def _read_postgresql(only: set[str] | None) -> dict[str, Table]:
    tables = {}
    with connection.cursor() as cursor:
        for name in connection.introspection.table_names(cursor):
            if name in NEVER_COPIED or (only is not None and name not in only):
                continue
            with cursor.cursor.copy(f'COPY "{name}" TO STDOUT') as copy:
                tables[name] = Table(name, (), b"".join(bytes(block) for block in copy))
    return tables


# --- writing ------------------------------------------------------------------------------------


def _restore_sqlite(tables: tuple[Table, ...]) -> None:
    """Triggers (the append-only price history, the page index's FTS copy) are dropped for the
    refill and made again from their own SQL, inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for table in tables:
            cursor.execute(f'DELETE FROM "{table.name}"')  # noqa: S608
            if table.rows:
                names = ", ".join(f'"{column}"' for column in table.columns)
                marks = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(
                    f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',  # noqa: S608
                    table.rows,
                )
        for _name, sql in triggers:
            cursor.execute(sql)


def _restore_postgresql(tables: tuple[Table, ...]) -> None:
    """Triggers set aside with DISABLE TRIGGER USER (the foreign keys' own triggers stay), then
    each table's sequence moved past the ids copied in."""
    names = {table.name for table in tables}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
        )
        triggered = sorted(names & {row[0].strip('"') for row in cursor.fetchall()})
        for name in triggered:
            cursor.execute(f'ALTER TABLE "{name}" DISABLE TRIGGER USER')
        for table in tables:
            cursor.execute(f'DELETE FROM "{table.name}"')  # noqa: S608
            if table.rows:
                with cursor.cursor.copy(f'COPY "{table.name}" FROM STDIN') as copy:
                    copy.write(table.rows)
        # The foreign keys are checked now (PostgreSQL will not alter a table with checks
        # pending), then deferred again as the test's transaction had them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name in triggered:
            cursor.execute(f'ALTER TABLE "{name}" ENABLE TRIGGER USER')
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in names
        ]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
