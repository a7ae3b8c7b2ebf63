"""Aggregates that Django 5.2 offers for PostgreSQL only, written for both databases the portal runs on."""

from django.db.models import Aggregate, JSONField


class JSONList(Aggregate):
    """A group's values as one JSON array: `jsonb_agg` on PostgreSQL, `json_group_array` on SQLite.

    In no particular order (sort in Python or with `dictsort`). With `JSONObject` values, a row carries the
    few names of a many-to-many relation that a page shows, instead of a prefetch query per relation.
    """

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)
