"""The reference data models move here from `companies`, keeping their tables and rows.

Only Django's model state changes: the tables (`companies_county`, ...) were created by `companies` 0001 and
given their last column by `companies` 0006, and they stay as they are. That is why this migration, the
first of the bottom layer, depends on those two: on a new database the tables must exist before any later
migration of this app alters them. `companies` 0008 points its foreign keys here and forgets the models.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ["county", "municipality", "snisection", "snicode", "turnoverclass"]


def move_content_types(apps, schema_editor, source="companies", target="reference"):
    """Keep the admin log and permissions of the moved models: their content types change app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in TABLES:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="reference", target="companies")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("companies", "0006_snicode_division_name_en"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="County",
                    fields=[
                        (
                            "code",
                            models.CharField(max_length=2, primary_key=True, serialize=False, verbose_name="code"),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("short_name", models.CharField(max_length=100, verbose_name="short name")),
                    ],
                    options={
                        "verbose_name": "county",
                        "verbose_name_plural": "counties",
                        "db_table": "companies_county",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="SNISection",
                    fields=[
                        (
                            "code",
                            models.CharField(max_length=1, primary_key=True, serialize=False, verbose_name="code"),
                        ),
                        ("name_sv", models.CharField(max_length=200, verbose_name="name (Swedish)")),
                        ("name_en", models.CharField(blank=True, max_length=200, verbose_name="name (English)")),
                    ],
                    options={
                        "verbose_name": "SNI section",
                        "verbose_name_plural": "SNI sections",
                        "db_table": "companies_snisection",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="TurnoverClass",
                    fields=[
                        (
                            "code",
                            models.PositiveSmallIntegerField(primary_key=True, serialize=False, verbose_name="code"),
                        ),
                        ("label_sv", models.CharField(max_length=100, verbose_name="label (Swedish)")),
                        ("label_en", models.CharField(blank=True, max_length=100, verbose_name="label (English)")),
                    ],
                    options={
                        "verbose_name": "turnover class",
                        "verbose_name_plural": "turnover classes",
                        "db_table": "companies_turnoverclass",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="SNICode",
                    fields=[
                        (
                            "code",
                            models.CharField(max_length=5, primary_key=True, serialize=False, verbose_name="code"),
                        ),
                        ("name_sv", models.CharField(max_length=300, verbose_name="name (Swedish)")),
                        ("division", models.CharField(db_index=True, max_length=2, verbose_name="division")),
                        (
                            "division_name_en",
                            models.CharField(blank=True, max_length=300, verbose_name="division name (English)"),
                        ),
                        (
                            "section",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="codes",
                                to="reference.snisection",
                                verbose_name="section",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "SNI code",
                        "verbose_name_plural": "SNI codes",
                        "db_table": "companies_snicode",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="Municipality",
                    fields=[
                        (
                            "code",
                            models.CharField(max_length=4, primary_key=True, serialize=False, verbose_name="code"),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("short_name", models.CharField(max_length=100, verbose_name="short name")),
                        (
                            "county",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="municipalities",
                                to="reference.county",
                                verbose_name="county",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "municipality",
                        "verbose_name_plural": "municipalities",
                        "db_table": "companies_municipality",
                        "ordering": ["short_name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("code__startswith", models.F("county_id"))),
                                name="municipality_code_in_county",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
