"""Council editors keep the site settings (council name, contact details, footer pages) true.

Without this only superusers could change them. The permission is made here when it does not
exist yet (permissions are otherwise created after all migrations run)."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="pages", model="sitesettings")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="change_sitesettings",
        defaults={"name": "Can change site settings"},
    )
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="pages", codename="change_sitesettings"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0003_advice_council_contacts_block"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
