"""A region's counties are the reference app's counties now (same table; only Django's state changes)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("advisors", "0004_apitoken"),
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="region",
                    name="counties",
                    field=models.ManyToManyField(
                        blank=True, related_name="regions", to="reference.county", verbose_name="counties"
                    ),
                ),
            ],
        ),
    ]
