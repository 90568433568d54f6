"""Seed the care vocabulary from search/data/synonyms.yaml, and let council editors (the
Editors group) keep it up to date in the admin."""

from pathlib import Path

from django.contrib.auth.management import create_permissions
from django.db import migrations

import yaml

SYNONYMS = Path(__file__).resolve().parent.parent / "data" / "synonyms.yaml"
ACTIONS = ("add", "change", "delete", "view")


def seed(apps, schema_editor):
    SynonymGroup = apps.get_model("catalogue_search", "SynonymGroup")
    rules = yaml.safe_load(SYNONYMS.read_text(encoding="utf-8"))["rules"]
    existing = set(SynonymGroup.objects.values_list("rule", flat=True))
    SynonymGroup.objects.bulk_create(
        [SynonymGroup(rule=str(r).strip()) for r in rules if str(r).strip() not in existing]
    )
    # Permissions are normally made after migrating; the editors need them now.
    config = apps.get_app_config("catalogue_search")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="catalogue_search",
            codename__in=[f"{action}_synonymgroup" for action in ACTIONS],
        )
    )


def unseed(apps, schema_editor):
    apps.get_model("catalogue_search", "SynonymGroup").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue_search", "0009_synonym_group"),
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
