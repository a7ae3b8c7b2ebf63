"""PostgreSQL: an index that serves the prefix match of organisation numbers (`LIKE '5566%'`).

The unique index on `org_number` cannot: under a non-C collation a btree serves `LIKE` only with a
pattern operator class, so a number typed in the search box read every company of the user's counties.
SQLite (the embedded default) matches by prefix without it.
"""

from django.contrib.postgres.indexes import OpClass
from django.db import migrations, models

PREFIX_INDEX = models.Index(
    OpClass("org_number", name="varchar_pattern_ops"), name="company_org_number_prefix"
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("companies", "Company"), PREFIX_INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("companies", "Company"), PREFIX_INDEX)


class Migration(migrations.Migration):
    dependencies = [("companies", "0010_company_name_order_index")]

    operations = [migrations.RunPython(add_index, remove_index)]
