"""Create the role groups. Wagtail's own migrations create Moderators and Editors with admin
access; Commissioners get admin access here; the other roles never reach /admin/."""

from django.db import migrations

ROLES = [
    "Members of the public",
    "Provider staff",
    "Moderators",
    "Editors",
    "Commissioners",
    "Practitioners",
]
ADMIN_ROLES = ["Moderators", "Editors", "Commissioners"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        if name in ADMIN_ROLES:
            group.permissions.add(access_admin)
        else:
            group.permissions.remove(access_admin)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(
        name__in=["Members of the public", "Provider staff", "Commissioners", "Practitioners"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
