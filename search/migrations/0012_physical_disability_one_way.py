"""The care vocabulary: "disabled" finds physical disability services, but "physical disability"
no longer finds every service that mentions a disability ("disabled" stems like "disability",
so the two-way rule matched learning disability services first; bench/relevance.py measured a
precision of 0 for "physical disability"). Replaces the packaged rule where editors left it as
it was."""

from django.db import migrations

OLD = "physical disability, physical disabilities, disabled, wheelchair user"
NEW = (
    "physical disability, physical disabilities",
    "disabled, wheelchair user => disabled, physical disability",
)


def forward(apps, schema_editor):
    SynonymGroup = apps.get_model("catalogue_search", "SynonymGroup")
    if SynonymGroup.objects.filter(rule=OLD).delete()[0]:
        for rule in NEW:
            SynonymGroup.objects.get_or_create(rule=rule)


def backward(apps, schema_editor):
    SynonymGroup = apps.get_model("catalogue_search", "SynonymGroup")
    if SynonymGroup.objects.filter(rule__in=NEW).delete()[0]:
        SynonymGroup.objects.get_or_create(rule=OLD)


class Migration(migrations.Migration):
    dependencies = [("catalogue_search", "0011_search_word_vocabulary")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
