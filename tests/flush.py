"""The flush that ends a transactional test (`live_server`, `transaction=True`), made cheap.

Django's flush TRUNCATEs every table, on PostgreSQL about 1.5 s for this schema (each TRUNCATE makes new
files for the table and its indexes), and then `post_migrate` makes the content types and permissions again.
Most tables are empty after a test, so this flush deletes the rows of the tables that have any, which takes
milliseconds, and keeps the tables that only migrations and `post_migrate` fill (the reference data, the
content types and permissions): they are the same before and after any test.

A table whose rows a trigger guards against DELETE (the append-only audit log) is truncated, together with
the tables that reference it. A flush that resets sequences (`reset_sequences=True`) is Django's own.
"""

from collections.abc import Collection


def _quote(connection, table: str) -> str:
    return connection.ops.quote_name(table)


def tables_with_rows(connection, tables: Collection[str]) -> list[str]:
    if not tables:
        return []
    query = " UNION ALL ".join(
        f"SELECT %s WHERE EXISTS (SELECT 1 FROM {_quote(connection, table)})"  # noqa: S608 - Django's tables
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query, list(tables))
        return [row[0] for row in cursor.fetchall()]


def _tables_to_truncate(connection, tables: Collection[str]) -> set[str]:
    """Of `tables`, those with a trigger of their own on DELETE, and every table that references one."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND (t.tgtype & 8) <> 0 AND c.relname = ANY(%s)
            """,
            [list(tables)],
        )
        guarded = {row[0] for row in cursor.fetchall()}
        if not guarded:
            return set()
        cursor.execute(
            """
            WITH RECURSIVE referencing(name) AS (
                SELECT relname FROM pg_class WHERE relname = ANY(%s)
                UNION
                SELECT c.relname FROM pg_constraint f
                JOIN pg_class c ON c.oid = f.conrelid
                JOIN pg_class r ON r.oid = f.confrelid
                JOIN referencing ON referencing.name = r.relname
                WHERE f.contype = 'f'
            )
            SELECT name FROM referencing
            """,
            [sorted(guarded)],
        )
        return {row[0] for row in cursor.fetchall()}


def kept_tables() -> set[str]:
    """The reference data (it references no other table), the content types and the permissions."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from reference.models import County, Municipality, SNICode, SNISection, TurnoverClass

    kept = (County, Municipality, SNISection, SNICode, TurnoverClass, ContentType, Permission)
    return {model._meta.db_table for model in kept}


def flushed_tables(connection) -> list[str]:
    kept = kept_tables()
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    return [table for table in tables if table not in kept]


def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
    """Django's `sql_flush` (what `flush` runs) for every table but the kept ones; on PostgreSQL, without
    `reset_sequences`, DELETE of the tables that have rows (Django's foreign keys are deferred to the
    commit, so the order does not matter)."""
    tables = flushed_tables(connection)
    if connection.vendor != "postgresql" or reset_sequences:
        return connection.ops.sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    filled = tables_with_rows(connection, tables)
    if not filled:
        return []
    truncated = _tables_to_truncate(connection, filled)
    statements = [
        f"DELETE FROM {_quote(connection, table)}"  # noqa: S608 - names from Django's introspection
        for table in filled
        if table not in truncated
    ]
    if truncated:
        statements.append(f"TRUNCATE {', '.join(_quote(connection, table) for table in sorted(truncated))}")
    return statements
