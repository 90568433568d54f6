"""The database backend's facet masks grow with the council: one bytes column per facet (as many
bytes as the highest FacetKey bit needs) instead of one or two 62-bit integers, which stopped at
124 categories or localities. Existing index rows are converted in place, so no rebuild is
needed; the index state gets a new token so every process reads the index afresh."""

import uuid

from django.db import migrations, models

WORD_BITS = 62  # bits used in each BigInteger word of the old columns
BATCH = 1000  # index rows read and written at a time
OLD = {
    "category_mask": ("category_bits_0", "category_bits_1"),
    "client_group_mask": ("client_group_bits",),
    "funding_mask": ("funding_bits",),
    "locality_mask": ("locality_bits_0", "locality_bits_1"),
    "served_mask": ("served_bits_0", "served_bits_1"),
}


def _bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "little")


def _touch(apps, schema_editor) -> None:
    IndexState = apps.get_model("catalogue_search", "IndexState")
    IndexState.objects.using(schema_editor.connection.alias).filter(pk=1).update(
        token=uuid.uuid4().hex
    )


def _convert_in_batches(apps, schema_editor, read: list[str], write: list[str], convert) -> None:
    """Rewrite every index row in batches: read the `read` columns of BATCH rows at a time (in
    primary-key order, each batch after the last key of the one before) and write the `write`
    columns that convert(the row's values by column name) gives, with one executemany of a
    single-row UPDATE per batch (one prepared statement, run for each row by the driver).
    100,000 rows take a hundred reads and a hundred executemany calls, not 200,000 statements
    from Python (a read and a save per row, as this migration first did). A set-based UPDATE
    would need a bytes-from-integer function, which SQLite and PostgreSQL do not share; and
    bulk_update's CASE over a batch was slower than the row-at-a-time saves on SQLite."""
    IndexedService = apps.get_model("catalogue_search", "IndexedService")
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    meta = IndexedService._meta
    columns = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in write)
    update = (
        f"UPDATE {quote(meta.db_table)} SET {columns} "  # noqa: S608 (quoted names; values are parameters)
        f"WHERE {quote(meta.get_field('service_id').column)} = %s"
    )
    rows = IndexedService.objects.using(connection.alias).order_by("service_id")
    last = None
    while True:
        page = rows if last is None else rows.filter(service_id__gt=last)
        batch = list(page.values("service_id", *read)[:BATCH])
        if not batch:
            break
        values = []
        for row in batch:
            changed = convert(row)
            values.append([*(changed[name] for name in write), row["service_id"]])
        with connection.cursor() as cursor:
            cursor.executemany(update, values)
        last = batch[-1]["service_id"]
    _touch(apps, schema_editor)


def words_to_mask(words: list[int | None]) -> bytes:
    """The old 62-bit words (word 0 the lowest bits) as one little-endian mask, as many bytes
    as its highest set bit needs (b"" for none)."""
    value = 0
    for index, word in enumerate(words):
        value |= int(word or 0) << (index * WORD_BITS)
    return _bytes(value)


def mask_to_words(mask: bytes | memoryview | None, count: int, what: str, service_id: int):
    value = int.from_bytes(bytes(mask or b""), "little")
    if value >> (WORD_BITS * count):
        raise RuntimeError(
            f"Service {service_id} has more {what} values than the old columns hold; "
            "delete the FacetKey rows past the limit and rebuild the index after."
        )
    return [(value >> (index * WORD_BITS)) & ((1 << WORD_BITS) - 1) for index in range(count)]


def words_to_masks(apps, schema_editor) -> None:
    def convert(row: dict) -> dict:
        return {new: words_to_mask([row[name] for name in old]) for new, old in OLD.items()}

    old_columns = [name for old in OLD.values() for name in old]
    _convert_in_batches(apps, schema_editor, old_columns, list(OLD), convert)


def masks_to_words(apps, schema_editor) -> None:
    def convert(row: dict) -> dict:
        values: dict[str, int] = {}
        for new, old in OLD.items():
            words = mask_to_words(row[new], len(old), new, row["service_id"])
            values.update(zip(old, words, strict=True))
        return values

    old_columns = [name for old in OLD.values() for name in old]
    _convert_in_batches(apps, schema_editor, list(OLD), old_columns, convert)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue_search", "0014_search_outbox"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="indexedservice", name=name, field=models.BinaryField(default=b"")
            )
            for name in OLD
        ),
        migrations.RunPython(words_to_masks, masks_to_words),
        *(
            migrations.RemoveField(model_name="indexedservice", name=name)
            for old in OLD.values()
            for name in old
        ),
    ]
