"""Values cached until what they count changes: version stamps in Django's cache (Redis in production).

A cached value's key holds the stamps of what it depends on (say, a region's requests). A change renews
those stamps after it commits (`renew`), which makes new keys: no entry is ever served stale after a commit
(except, with `last_seconds`, to a reader that comes while another process computes the new value, or,
with `refresh`, while a worker does), and the old entries expire. What moves with the clock alone is at
most `seconds` old. A cache that is down or slow costs nothing but the computation: every error falls back
to computing the value.

Used by the dashboards' figures (dashboards/cache.py) and the inbox's view counts (referrals/inbox_counts.py).
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any

from django.core.cache import cache


def renew(stamps: Iterable[str]) -> None:
    """Give these stamps new values. Call after the change commits."""
    # A stamp that cannot be written (the cache is down) leaves entries at most their `seconds` old.
    with suppress(Exception):
        cache.set_many(dict.fromkeys(stamps, uuid.uuid4().hex), None)


# How long one process may hold "computing this value" (a crashed one lets go after this).
COMPUTING_SECONDS = 30


def _digest(words: Iterable[str]) -> str:
    return hashlib.sha256("|".join(words).encode()).hexdigest()


def cached(
    prefix: str,
    stamps: list[str],
    parts: Iterable[Any],
    seconds: int,
    compute: Callable[[], Any],
    *,
    last_seconds: int = 0,
    refresh: Callable[[str], bool] | None = None,
) -> Any:
    """The value kept under `prefix`, these stamps' current values and `parts`; computed (and then kept
    for `seconds`) when it is not there. `seconds` <= 0 turns the cache off.

    With `last_seconds`, one process at a time computes a missing value: a reader that finds another
    process computing it gets the last value computed for the same `parts` (at most `last_seconds` old)
    instead of computing it again or waiting, and computes it itself only when there is none. A reader
    alone (no one else computing) gets the value of the current stamps, computing it itself, unless:

    With `refresh` too, that reader hands the computation to a worker and gets the last value at once.
    `refresh(claim)` publishes a task that calls `keep` with the same arguments and `claim` (the worker
    lets the claim go when it is done, or it lapses after COMPUTING_SECONDS), and says whether it was
    published; when it was not (the broker is down), the reader computes the value itself. An eager task
    (the test suite) has kept the value by the time `refresh` returns: the reader gets it."""
    if seconds <= 0:
        return compute()
    parts = [str(part) for part in parts]
    try:
        current = cache.get_many(stamps)
    except Exception:
        return compute()
    key = f"{prefix}:" + _digest([current.get(stamp, "-") for stamp in stamps] + parts)
    try:
        value = cache.get(key)
    except Exception:
        value = None
    if value is not None:
        return value
    last_key, computing_key = f"{prefix}:last:" + _digest(parts), f"{key}:computing"
    claimed = last_seconds > 0 and _start_computing(computing_key)
    last = _get(last_key) if last_seconds > 0 and (refresh is not None or not claimed) else None
    if last is not None and not claimed:
        return last
    if last is not None and refresh is not None and refresh(computing_key):
        kept = _get(key)
        return last if kept is None else kept
    return _compute_and_keep(
        key, last_key, seconds, last_seconds, compute, computing_key if claimed else None
    )


def keep(
    prefix: str,
    stamps: list[str],
    parts: Iterable[Any],
    seconds: int,
    compute: Callable[[], Any],
    *,
    last_seconds: int,
    claim: str,
) -> Any:
    """A worker's side of `cached(..., refresh=...)`: compute the value of the stamps' current values, keep
    it (and as the last value), then let the reader's `claim` go. When the value is there already (the
    stamps moved on after the reader published, and an earlier task computed the new ones), nothing is
    computed: tasks queued during a burst of changes cost a cache read each."""
    parts = [str(part) for part in parts]
    try:
        current = cache.get_many(stamps)
    except Exception:
        current = {}
    key = f"{prefix}:" + _digest([current.get(stamp, "-") for stamp in stamps] + parts)
    if (kept := _get(key)) is not None:  # an earlier task computed these stamps' value: nothing to do
        with suppress(Exception):
            cache.delete(claim)
        return kept
    return _compute_and_keep(key, f"{prefix}:last:" + _digest(parts), seconds, last_seconds, compute, claim)


def _get(key: str) -> Any:
    with suppress(Exception):
        return cache.get(key)
    return None


def _compute_and_keep(key, last_key, seconds, last_seconds, compute, claim: str | None) -> Any:
    try:
        value = compute()
        with suppress(Exception):  # not kept this time: computed again next time
            cache.set(key, value, seconds)
            if last_seconds > 0:
                cache.set(last_key, value, last_seconds)
    finally:
        if claim:  # only the claim this reader made: another process's stays until it is done
            with suppress(Exception):
                cache.delete(claim)
    return value


def _start_computing(key: str) -> bool:
    """Claim the computation of a value (False: another process has it). A cache that fails claims it."""
    try:
        return cache.add(key, 1, COMPUTING_SECONDS)
    except Exception:
        return True
