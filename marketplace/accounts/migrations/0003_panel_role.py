"""The Panel role: council staff who decide support plans outside the practitioners' tolerance
(agree, agree a different amount, or send back). Never reaches /admin/."""

from django.db import migrations

PANEL = "Panel members"


def create_panel(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=PANEL)


def remove_panel(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PANEL).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [migrations.RunPython(create_panel, remove_panel)]
