"""The database backend's facet masks grow with the council: one bytes column per facet (as many
bytes as the highest FacetKey bit needs) instead of one or two 62-bit integers, which stopped at
124 categories or localities. Existing index rows are converted in place, so no rebuild is
needed; the index state gets a new token so every process reads the index afresh."""

import uuid

from django.db import migrations, models

WORD_BITS = 62  # bits used in each BigInteger word of the old columns
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


def words_to_masks(apps, schema_editor) -> None:
    IndexedService = apps.get_model("catalogue_search", "IndexedService")
    rows = IndexedService.objects.using(schema_editor.connection.alias)
    for row in rows.iterator(chunk_size=2000):
        for new, old in OLD.items():
            value = 0
            for index, name in enumerate(old):
                value |= int(getattr(row, name) or 0) << (index * WORD_BITS)
            setattr(row, new, _bytes(value))
        row.save(update_fields=list(OLD))
    _touch(apps, schema_editor)


def masks_to_words(apps, schema_editor) -> None:
    IndexedService = apps.get_model("catalogue_search", "IndexedService")
    rows = IndexedService.objects.using(schema_editor.connection.alias)
    for row in rows.iterator(chunk_size=2000):
        fields = []
        for new, old in OLD.items():
            value = int.from_bytes(bytes(getattr(row, new) or b""), "little")
            if value >> (WORD_BITS * len(old)):
                raise RuntimeError(
                    f"Service {row.service_id} has more {new} values than the old columns hold; "
                    "delete the FacetKey rows past the limit and rebuild the index after."
                )
            for index, name in enumerate(old):
                setattr(row, name, (value >> (index * WORD_BITS)) & ((1 << WORD_BITS) - 1))
                fields.append(name)
        row.save(update_fields=fields)
    _touch(apps, schema_editor)


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
