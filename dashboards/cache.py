"""The dashboards' figures, cached until what they count changes.

A summary (every figure of one scope, period, filters and language) is kept in Django's cache (Redis in
production) under a key that holds two version stamps: the region's, stamped again after anything of the
region that a figure counts has changed and committed (its requests' daily figures, referrals, goals), and
a global one for changes whose region is not at hand cheaply (companies, campaign members, activities).
A changed stamp makes a new key, so no entry is ever served stale after a commit; old entries expire.

Figures that move with the clock alone (a first-response deadline passing makes a request "decided" and
"overdue") are at most `DASHBOARD_CACHE_SECONDS` old. A cache that is down or slow costs nothing but the
computation: every error falls back to computing the figures.
"""

import hashlib
import uuid
from collections.abc import Callable
from contextlib import suppress

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

GLOBAL_STAMP = "dashboards:stamp:all"


def _region_stamp(region_id: int) -> str:
    return f"dashboards:stamp:region:{region_id}"


def changed(region_id: int | None = None) -> None:
    """Stamp the region (or, without one, every region) as changed. Call after the change commits."""
    # A stamp that cannot be written (the cache is down) leaves entries at most DASHBOARD_CACHE_SECONDS old.
    with suppress(Exception):
        cache.set(_region_stamp(region_id) if region_id else GLOBAL_STAMP, uuid.uuid4().hex, None)


def summary(scope, period, filters, compute: Callable[[], dict]) -> dict:
    """The summary from the cache, or computed (and then kept) when it is not there."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return compute()
    try:
        stamps = cache.get_many([_region_stamp(scope.region.pk), GLOBAL_STAMP])
    except Exception:
        return compute()
    parts = [
        stamps.get(_region_stamp(scope.region.pk), "-"),
        stamps.get(GLOBAL_STAMP, "-"),
        f"{scope.region.pk}:{scope.organisation_id}:{scope.advisor_id}",
        repr(period),
        repr(filters),
        get_language() or "",
    ]
    key = "dashboards:summary:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    try:
        value = cache.get(key)
    except Exception:
        value = None
    if value is None:
        value = compute()
        with suppress(Exception):  # not kept this time: computed again next time
            cache.set(key, value, settings.DASHBOARD_CACHE_SECONDS)
    return value
