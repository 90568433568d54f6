"""The starting list of outcomes (the council edits it as a snippet) and a row for each outcome
already written on a plan."""

from django.db import migrations

# Surrey County Council, "Personalisation Update" (2013), the top outcomes recorded for people
# who use services and for carers; "being part of the community" from the same paper (Jane).
PERSON = [
    "Staying independent and maximising potential",
    "Maintaining personal dignity",
    "Staying safe",
    "Being part of the community",
    "Staying well (physical and mental well-being)",
    "Keeping in touch with family and friends",
]
CARER = [
    "Having breaks from caring",
    "Staying healthy/reducing stress",
    "Having leisure activities / time to myself",
]


def forward(apps, schema_editor):
    OutcomeOption = apps.get_model("plans", "OutcomeOption")
    for audience, names in (("person", PERSON), ("carer", CARER)):
        for order, name in enumerate(names):
            OutcomeOption.objects.get_or_create(
                audience=audience, name=name, defaults={"sort_order": order}
            )
    SupportPlan = apps.get_model("plans", "SupportPlan")
    PlanOutcome = apps.get_model("plans", "PlanOutcome")
    for plan in SupportPlan.objects.exclude(outcomes=[]).iterator():
        PlanOutcome.objects.bulk_create(
            PlanOutcome(plan=plan, text=text, sort_order=i)
            for i, text in enumerate(plan.outcomes or [])
        )


def backward(apps, schema_editor):
    apps.get_model("plans", "PlanOutcome").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_plan_outcomes_needs_contingency")]

    operations = [migrations.RunPython(forward, backward)]
