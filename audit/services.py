"""Writing to the audit log. Call `record` inside the transaction of what it records."""

import ipaddress
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from exportcenter.clients import client_address
from exportcenter.locks import advisory_lock

from .models import Action, AuditEntry, Channel, object_key

__all__ = ["Action", "Channel", "current_request", "purge_expired", "query_filter", "record", "record_read"]

# The request being answered, set by `audit.middleware.CurrentRequestMiddleware`, so that a service deep
# below a view (a merge, a role change) records who asked and from where without being handed the request.
_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)

# Even the purge never deletes entries younger than this, whatever AUDIT_DAYS says; the PostgreSQL
# trigger (migration 0002) holds the same floor.
MINIMUM_RETENTION_DAYS = 30


def current_request() -> HttpRequest | None:
    return _current_request.get()


def _object_fields(obj) -> dict:
    if obj is None:
        return {}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": object_key(obj)[:64],
        "object_label": str(obj).replace("\x00", "")[:200],
    }


def _address(request) -> str | None:
    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return None


def _channel(request: HttpRequest) -> str:
    path = request.path
    if "/api/" in path:
        return Channel.API
    if "/admin/" in path:
        return Channel.ADMIN
    return Channel.PAGE


def record(action: str, *, actor=None, request=None, obj=None, actor_label="", channel=None, **details):
    """Append one entry. `actor` defaults to the request's signed-in user; `obj` is any model instance.

    Without `request`, the request being answered (if any) gives the address, the page and the channel.
    Keyword arguments beyond these are stored as details (for an export: the filter and the row count).
    """
    if request is None:
        request = current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    fields = _object_fields(obj)
    if request is not None:
        fields.update(
            ip_address=_address(request),
            path=request.get_full_path().replace("\x00", "")[:500],
            channel=channel or _channel(request),
        )
    else:
        fields["channel"] = channel or Channel.TASK
    label = actor_label or (actor.get_username() if actor is not None else "")
    return AuditEntry.objects.create(
        action=action, actor=actor, actor_label=label[:254], details=details, **fields
    )


def query_filter(request, *, ignore=("page", "dialect")) -> dict[str, str]:
    """An export's filter as its address carries it (a personal identity number searched for stays the
    opaque key the search form put in its place: `exportcenter.search_params`)."""
    return {
        key: ", ".join(value.replace("\x00", "")[:200] for value in values)
        for key, values in request.GET.lists()
        if key not in ignore and any(values)
    }


def record_read(request, obj, **details):
    """A page or API endpoint showed this object (a request, company or contact) to the signed-in user."""
    return record(Action.READ, request=request, obj=obj, **details)


def retention_cutoff(now=None):
    """Entries older than this are purged: AUDIT_DAYS ago (never fewer than MINIMUM_RETENTION_DAYS)."""
    days = max(settings.AUDIT_DAYS, MINIMUM_RETENTION_DAYS)
    return (now or timezone.now()) - timedelta(days=days)


def _delete_chunk(cutoff, chunk_size: int) -> int:
    """Delete up to `chunk_size` of the oldest entries before `cutoff`, in this transaction.

    On PostgreSQL the append-only trigger lets a DELETE through only with `audit.purge` on and a row older
    than `audit.purge_before`, both set for this transaction alone (SET LOCAL, through set_config).
    """
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT set_config('audit.purge', 'on', true), set_config('audit.purge_before', %s, true)",
                [cutoff.isoformat()],
            )
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN "  # noqa: S608 # nosec B608: the table name is the model's, not input
            f"(SELECT id FROM {table} WHERE at < %s ORDER BY at, id LIMIT %s)",
            [cutoff, chunk_size],
        )
        deleted = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('audit.purge', 'off', true)")
    return deleted


def purge_expired(*, now=None, chunk_size: int | None = None) -> int | None:
    """Delete the entries older than AUDIT_DAYS, a chunk per transaction, and record the purge itself.

    Returns how many entries were deleted, or None when another purge holds the lock. Each chunk commits
    on its own (under the database lock of periodic jobs), so that a long purge holds no lock for long and
    an interrupted one keeps what it did.
    """
    cutoff = retention_cutoff(now)
    chunk_size = chunk_size or settings.AUDIT_PURGE_CHUNK_SIZE
    total = chunks = 0
    while True:
        with advisory_lock("audit-purge") as acquired:
            if not acquired:
                return None
            deleted = _delete_chunk(cutoff, chunk_size)
        total += deleted
        chunks += bool(deleted)
        if deleted < chunk_size:
            break
    with transaction.atomic():
        record(
            Action.AUDIT_PURGED,
            channel=Channel.TASK,
            actor_label="retention",
            deleted=total,
            chunks=chunks,
            before=cutoff.isoformat(),
            audit_days=settings.AUDIT_DAYS,
        )
    return total
