"""Counties, municipalities, SNI and turnover classes moved to the `reference` app (its 0001).

Only Django's state changes: the company's foreign keys point to the same tables under their new app, and
this app forgets the models. No table, column, constraint or row changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0008_privacy_fields"),
        ("reference", "0001_initial"),
        ("advisors", "0005_region_counties_reference"),  # the last reference to companies.County
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="company",
                    name="municipality",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="companies",
                        to="reference.municipality",
                        verbose_name="municipality",
                    ),
                ),
                migrations.AlterField(
                    model_name="company",
                    name="sni_code",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="companies",
                        to="reference.snicode",
                        verbose_name="industry (SNI 2025)",
                    ),
                ),
                migrations.AlterField(
                    model_name="company",
                    name="turnover_class",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="companies",
                        to="reference.turnoverclass",
                        verbose_name="turnover class",
                    ),
                ),
                migrations.DeleteModel(name="Municipality"),
                migrations.DeleteModel(name="SNICode"),
                migrations.DeleteModel(name="County"),
                migrations.DeleteModel(name="SNISection"),
                migrations.DeleteModel(name="TurnoverClass"),
            ],
        ),
    ]
