"""The fixed vocabularies of DESIGN.md: who a service is for and how it may be paid for."""

from django.db import migrations

CLIENT_GROUPS = [
    ("older-people", "Older people"),
    ("learning-disability", "Learning disability"),
    ("physical-disability", "Physical disability"),
    ("sensory-impairment", "Sensory impairment"),
    ("mental-health", "Mental health"),
    ("autism", "Autism"),
    ("dementia", "Dementia"),
    ("carers", "Carers"),
]
FUNDING_TYPES = [
    ("self-funded", "Self-funded"),
    ("direct-payment", "Direct payment"),
    ("personal-budget", "Personal budget or individual service fund"),
    ("council-contract", "Council contract"),
]


def seed(apps, schema_editor):
    for model, rows in (("ClientGroup", CLIENT_GROUPS), ("FundingType", FUNDING_TYPES)):
        Model = apps.get_model("catalogue", model)
        for order, (slug, name) in enumerate(rows):
            Model.objects.update_or_create(slug=slug, defaults={"name": name, "sort_order": order})


def unseed(apps, schema_editor):
    apps.get_model("catalogue", "ClientGroup").objects.all().delete()
    apps.get_model("catalogue", "FundingType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
