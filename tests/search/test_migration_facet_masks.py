"""Migration 0015 turns the index's old 62-bit facet words into one bytes mask per facet, in
batches (issue 23: it converted one row at a time, so a catalogue of 100,000 services took
minutes). The masks must be those the row-at-a-time conversion gave: bit n of the little-endian
bytes is bit n of the words, word 0 the lowest, as many bytes as the highest bit needs. Back
again, the words come back as they were. Run on SQLite and, with DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import importlib
import random

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

APP = "catalogue_search"
BEFORE = (APP, "0014_search_outbox")
AFTER = (APP, "0015_facet_masks_of_any_length")
WORD = (1 << 62) - 1

migration = importlib.import_module("search.migrations.0015_facet_masks_of_any_length")
OLD = migration.OLD


def reference_mask(words: list[int]) -> bytes:
    """The mask as the first (row-at-a-time) version of the migration computed it."""
    value = 0
    for index, word in enumerate(words):
        value |= int(word or 0) << (index * 62)
    return value.to_bytes((value.bit_length() + 7) // 8, "little")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


# Outside a transaction (migrations alter tables); the migrated data is restored at the start
# (serialized_rollback), so no test after this one finds content types renumbered by a flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def at_0014():
    """The database at 0014; put back at every app's latest migration after the test."""
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def old_rows(count: int, seed: int = 23) -> list[dict]:
    """Rows of old words: none set, the lowest and highest bits of each word, and random ones."""
    rng = random.Random(seed)
    fixed = [
        dict.fromkeys(name for old in OLD.values() for name in old),
        {name: 1 for old in OLD.values() for name in old},
        {name: WORD for old in OLD.values() for name in old},
        {name: 1 << 61 for old in OLD.values() for name in old},
        {name: (1 << 61) if name.endswith("_1") else 0 for old in OLD.values() for name in old},
    ]
    rows = [{k: v or 0 for k, v in row.items()} for row in fixed]
    while len(rows) < count:
        rows.append(
            {
                name: rng.choice([0, rng.getrandbits(rng.randint(1, 62))])
                for old in OLD.values()
                for name in old
            }
        )
    return rows[:count]


def insert(apps, rows: list[dict]) -> None:
    IndexedService = apps.get_model(APP, "IndexedService")
    now = timezone.now()
    # Gaps in the ids, so batches are read by key, not by offset.
    IndexedService.objects.bulk_create(
        [
            IndexedService(service_id=3 * i + 1, last_confirmed_at=now, **row)
            for i, row in enumerate(rows)
        ],
        batch_size=500,
    )


def test_the_masks_are_those_of_the_row_at_a_time_conversion_in_every_batch(at_0014):
    # More rows than two batches, and a last batch that is not full.
    rows = old_rows(2 * migration.BATCH + 37)
    insert(at_0014, rows)
    IndexState = at_0014.get_model(APP, "IndexState")
    IndexState.objects.update_or_create(pk=1, defaults={"token": "before"})

    apps = migrate(AFTER)

    IndexedService = apps.get_model(APP, "IndexedService")
    got = {row["service_id"]: row for row in IndexedService.objects.values("service_id", *OLD)}
    assert len(got) == len(rows)
    for i, row in enumerate(rows):
        for new, old in OLD.items():
            expected = reference_mask([row[name] for name in old])
            assert bytes(got[3 * i + 1][new]) == expected, (i, new)
    # The layout itself, literally: bits 0 and 62 (bit 0 of word 1); bits 0-123; bit 123 alone.
    assert bytes(got[1]["category_mask"]) == b""
    assert bytes(got[1 + 3]["category_mask"]) == b"\x01\x00\x00\x00\x00\x00\x00\x40"
    assert bytes(got[1 + 3]["funding_mask"]) == b"\x01"
    assert bytes(got[1 + 3 * 2]["locality_mask"]) == b"\xff" * 15 + b"\x0f"
    assert bytes(got[1 + 3 * 4]["served_mask"]) == b"\x00" * 15 + b"\x08"
    assert bytes(got[1 + 3 * 4]["client_group_mask"]) == b""
    # Every process reads the index afresh.
    assert apps.get_model(APP, "IndexState").objects.get(pk=1).token != "before"


def test_back_again_the_words_are_as_they_were(at_0014):
    rows = old_rows(migration.BATCH + 5, seed=5)
    insert(at_0014, rows)
    migrate(AFTER)

    apps = migrate(BEFORE)

    IndexedService = apps.get_model(APP, "IndexedService")
    columns = [name for old in OLD.values() for name in old]
    got = {row["service_id"]: row for row in IndexedService.objects.values("service_id", *columns)}
    assert [{k: got[3 * i + 1][k] for k in columns} for i in range(len(rows))] == rows


def test_the_conversion_reads_and_writes_in_batches(at_0014):
    # Row at a time it was a save (an UPDATE) per row: 2,000 here; now one call a batch.
    insert(at_0014, old_rows(2 * migration.BATCH))
    table = at_0014.get_model(APP, "IndexedService")._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        migrate(AFTER)

    # One executemany per batch (Django logs it once, as "1000 times: UPDATE ...").
    update = f'UPDATE "{table.upper()}"'
    updates = [q["sql"] for q in queries if update in q["sql"].upper()]
    assert len(updates) == 2, updates[:3]
