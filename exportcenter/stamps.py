"""Values cached until what they count changes: version stamps in Django's cache (Redis in production).

A cached value's key holds the stamps of what it depends on (say, a region's requests). A change renews
those stamps after it commits (`renew`), which makes new keys: no entry is ever served stale after a commit,
and the old entries expire. What moves with the clock alone is at most `seconds` old. A cache that is down
or slow costs nothing but the computation: every error falls back to computing the value.

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


def cached(
    prefix: str, stamps: list[str], parts: Iterable[Any], seconds: int, compute: Callable[[], Any]
) -> Any:
    """The value kept under `prefix`, these stamps' current values and `parts`; computed (and then kept
    for `seconds`) when it is not there. `seconds` <= 0 turns the cache off."""
    if seconds <= 0:
        return compute()
    try:
        current = cache.get_many(stamps)
    except Exception:
        return compute()
    words = [current.get(stamp, "-") for stamp in stamps] + [str(part) for part in parts]
    key = f"{prefix}:" + hashlib.sha256("|".join(words).encode()).hexdigest()
    try:
        value = cache.get(key)
    except Exception:
        value = None
    if value is None:
        value = compute()
        with suppress(Exception):  # not kept this time: computed again next time
            cache.set(key, value, seconds)
    return value
