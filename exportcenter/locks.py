"""Database locks for periodic jobs, so that two workers (or a second beat) never run the same job at once.

PostgreSQL: a transaction-level advisory lock (`pg_try_advisory_xact_lock`). It is released when the
transaction ends, also when the process dies, so a killed worker never leaves a stale lock behind.

SQLite (the embedded `make run` setup) has no advisory locks. There a lock is a cache key added with
`cache.add` (atomic): in-process with the local-memory cache, shared between processes with Redis. SQLite
itself lets one writer in at a time, and `make run` runs one worker, so this is enough there.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection, transaction

CACHE_LOCK_SECONDS = 15 * 60


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (advisory locks take a bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def wait_for_lock(name: str) -> None:
    """Take the lock `name` for the current transaction, waiting while another transaction holds it.

    PostgreSQL: `pg_advisory_xact_lock`, released when the transaction ends. SQLite takes its single write
    lock at BEGIN (transaction_mode IMMEDIATE), which serialises writers already: nothing to do there.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])


@contextmanager
def advisory_lock(name: str) -> Iterator[bool]:
    """Open a transaction and try to take the lock `name` for it, without waiting.

    Yields True when this caller holds the lock, False when someone else does (then do nothing).
    """
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key(name)])
                acquired = bool(cursor.fetchone()[0])
            yield acquired
        return
    key = f"advisory-lock:{name}"
    acquired = cache.add(key, 1, CACHE_LOCK_SECONDS)
    try:
        with transaction.atomic():
            yield acquired
    finally:
        if acquired:
            cache.delete(key)
