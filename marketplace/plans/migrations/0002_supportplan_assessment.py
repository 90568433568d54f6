import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("ras", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportplan",
            name="assessment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="support_plans",
                to="ras.assessment",
            ),
        ),
    ]
