import django.utils.timezone
from django.db import migrations, models
from django.db.models import Min


def from_the_team_start(apps, schema_editor):
    """Today's staff keep the inbox they have: each member reads from when the organisation's
    present team began (the earliest of its memberships). Staff who left an organisation
    nobody manages took their memberships with them, so its claimant starts at their own."""
    Membership = apps.get_model("catalogue", "Membership")
    starts = dict(
        Membership.objects.values("organisation")
        .annotate(start=Min("created_at"))
        .values_list("organisation", "start")
    )
    for organisation, start in starts.items():
        Membership.objects.filter(organisation=organisation).update(enquiries_from=start)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0008_merge_0007_price_kinds_0007_service_moderator_hold"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="enquiries_from",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(from_the_team_start, migrations.RunPython.noop),
    ]
