"""Bulk-load mode: secondary indexes are rebuilt once instead of maintained row by row."""

from django.db import connection

from companies.models import Company, CompanyEvent, Contact
from notifications.models import Notification, OutboundEmail
from outreach.models import Activity, FollowUp
from referrals.models import AdviceRequest, Referral, RequestEvent


def analyze() -> None:
    """Statistics for every table, the reference data's too (the planner needs the municipalities per
    county to choose index scans; autovacuum may be off or late after a bulk load), and the visibility map
    that autovacuum keeps in a running database: without it a count from an index (the routing's open
    requests per partner) visits every row it counts (10 ms instead of 0.5 ms per partner at 2,000,000
    requests). VACUUM cannot run in a transaction (a test's): there, statistics only."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


BULK_TABLES = [
    Company,
    Contact,
    CompanyEvent,
    AdviceRequest,
    AdviceRequest.needs.through,
    RequestEvent,
    Referral,
    Notification,
    OutboundEmail,
    Activity,
    FollowUp,
]


def is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


# The definitions of the dropped indexes are kept in a table of their own until they are built again, so an
# interrupted load loses none: the next run builds them first. Not a Django model: only this module knows it.
PENDING_INDEXES = "demo_volume_pending_index"


def _pending_table(cursor) -> None:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {PENDING_INDEXES} (definition text PRIMARY KEY)")


def drop_secondary_indexes() -> list[str]:
    """Drop the indexes of the big tables that back no constraint; return their definitions."""
    tables = [model._meta.db_table for model in BULK_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        _pending_table(cursor)
        for name, definition in indexes:
            cursor.execute(
                f"INSERT INTO {PENDING_INDEXES} (definition) VALUES (%s) ON CONFLICT DO NOTHING",  # noqa: S608  # nosec B608: our own table names
                [definition],
            )
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    return [definition for _name, definition in indexes]


def create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside a transaction: check the rows first
        cursor.execute("SET maintenance_work_mem = '256MB'")
        _pending_table(cursor)
        for definition in definitions:
            cursor.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            cursor.execute(f"DELETE FROM {PENDING_INDEXES} WHERE definition = %s", [definition])  # noqa: S608  # nosec B608: our own table names


def pending_indexes() -> list[str]:
    """Indexes an interrupted bulk load dropped and did not build again."""
    with connection.cursor() as cursor:
        _pending_table(cursor)
        cursor.execute(f"SELECT definition FROM {PENDING_INDEXES}")  # noqa: S608  # nosec B608: our own table names
        return [row[0] for row in cursor.fetchall()]
