"""Council editors and the Safeguarding team keep the council's contact numbers up to date.

Without this only superusers could change them, so a council's web team could not correct a
wrong out-of-hours number without asking IT. The permission is made here when it does not exist
yet (permissions are otherwise created after all migrations run)."""

from django.db import migrations

GROUPS = ["Editors", "Safeguarding team"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="safeguarding", model="councilcontacts"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="change_councilcontacts",
        defaults={"name": "Can change council contact details"},
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="safeguarding", codename="change_councilcontacts"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0001_initial"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
