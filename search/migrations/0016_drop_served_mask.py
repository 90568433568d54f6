"""The database backend's index drops `served_mask` (localities served only): nothing read it.
"Serves this place" (catalogue.selectors.serves) reads `locality_mask` (own locality or a
locality served) and the radius, so no row changes meaning and no rebuild is needed. Reversed,
the column comes back empty, which is all the code before this migration needs of it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue_search", "0015_facet_masks_of_any_length"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="indexedservice",
            name="served_mask",
        ),
    ]
