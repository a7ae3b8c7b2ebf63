"""PostgreSQL-only indexes for the inbox: full-text search on the description, and the target markets
as an array (a comma-separated text cannot be indexed for "contains DE").

SQLite (the embedded default) has neither; the filters fall back to substring matching there. The
expressions are the ones `referrals.filters` queries with.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.db.models import F, Func, Value

SEARCH_INDEXES = [
    GinIndex(SearchVector("description", config="simple"), name="request_description_fts"),
    GinIndex(
        Func(
            F("target_markets"),
            Value(","),
            function="string_to_array",
            output_field=ArrayField(models.TextField()),
        ),
        name="request_markets_gin",
    ),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("referrals", "AdviceRequest")
    for index in SEARCH_INDEXES:
        schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("referrals", "AdviceRequest")
    for index in SEARCH_INDEXES:
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0004_inbox")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
