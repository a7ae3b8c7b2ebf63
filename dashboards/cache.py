"""The dashboards' figures, cached until what they count changes.

A summary (every figure of one scope, period, filters and language) is kept in Django's cache (Redis in
production) under a key that holds two version stamps: the region's, stamped again after anything of the
region that a figure counts has changed and committed (its requests' daily figures, referrals, goals), and
a global one for changes whose region is not at hand cheaply (companies, campaign members, activities).
A changed stamp makes a new key, so a reader alone never gets figures from before a commit; old entries
expire.

One process at a time computes a summary that is missing: the figures of a region take up to two seconds at
national scale, and a change in a busy region would otherwise have every open dashboard compute them at
once. Readers that come meanwhile get the summary last computed for the same view (at most
`LAST_SECONDS` old) at once; a reader alone always gets current figures.

Figures that move with the clock alone (a first-response deadline passing makes a request "decided" and
"overdue") are at most `DASHBOARD_CACHE_SECONDS` old. A cache that is down or slow costs nothing but the
computation: every error falls back to computing the figures (exportcenter/stamps.py).
"""

from collections.abc import Callable

from django.conf import settings
from django.utils.translation import get_language

from exportcenter import stamps

GLOBAL_STAMP = "dashboards:stamp:all"
# How old the last summary served while another process computes the current one may be (as the national
# roll-up's STALE_SECONDS).
LAST_SECONDS = 15 * 60


def _region_stamp(region_id: int) -> str:
    return f"dashboards:stamp:region:{region_id}"


def changed(region_id: int | None = None) -> None:
    """Stamp the region (or, without one, every region) as changed. Call after the change commits."""
    stamps.renew([_region_stamp(region_id) if region_id else GLOBAL_STAMP])


def summary(scope, period, filters, compute: Callable[[], dict]) -> dict:
    """The summary from the cache, or computed (and then kept) when it is not there."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return compute()
    return stamps.cached(
        "dashboards:summary",
        [_region_stamp(scope.region.pk), GLOBAL_STAMP],
        [
            f"{scope.region.pk}:{scope.organisation_id}:{scope.advisor_id}",
            repr(period),
            repr(filters),
            get_language() or "",
        ],
        settings.DASHBOARD_CACHE_SECONDS,
        compute,
        last_seconds=LAST_SECONDS,
    )
