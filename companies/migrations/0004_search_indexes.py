"""PostgreSQL-only indexes for company search: pg_trgm similarity and full-text search on the name.

SQLite (the embedded default) has neither; the search selector falls back to substring matching there.
The index expressions are built by Django from the same expressions the search selector queries with.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models.functions import Upper

SEARCH_INDEXES = [
    GinIndex(OpClass("name", name="gin_trgm_ops"), name="company_name_trgm"),
    GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="company_name_upper_trgm"),
    GinIndex(SearchVector("name", config="simple"), name="company_name_fts"),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    company = apps.get_model("companies", "Company")
    for index in SEARCH_INDEXES:
        schema_editor.add_index(company, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    company = apps.get_model("companies", "Company")
    for index in SEARCH_INDEXES:
        schema_editor.remove_index(company, index)


class Migration(migrations.Migration):
    dependencies = [("companies", "0003_company_import")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(add_indexes, remove_indexes),
    ]
