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
`LAST_SECONDS` old) at once. With `DASHBOARD_REFRESH_BY_WORKER` (on when the cache is Redis, which the
workers share) no web request computes a summary that has a last one: the first reader after a change
also gets the last figures at once, and a Celery task (`dashboards.tasks.refresh_summary`) computes the
current ones, which readers get from then on (seconds later). A web worker that computed them itself held
every request queued behind it: at 2,000,000 requests, 0.36 s each time a change came in. Without a last
summary, or with the broker down, the reader computes them itself.

Figures that move with the clock alone (a first-response deadline passing makes a request "decided" and
"overdue") are at most `DASHBOARD_CACHE_SECONDS` old. A cache that is down or slow costs nothing but the
computation: every error falls back to computing the figures (exportcenter/stamps.py).
"""

from collections.abc import Callable
from dataclasses import asdict
from functools import partial

from django.conf import settings
from django.utils.translation import get_language

from exportcenter import broker, stamps
from exportcenter.celery import task_named

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
    view = _view(scope, period, filters, get_language() or "")
    refresh = partial(_refresh_by_worker, view) if settings.DASHBOARD_REFRESH_BY_WORKER else None
    entry = _entry(scope, period, filters, view["language"])
    return stamps.cached(*entry, compute, last_seconds=LAST_SECONDS, refresh=refresh)


def keep(scope, period, filters, language: str, compute: Callable[[], dict], claim: str) -> dict:
    """The worker's side: compute the summary, keep it for the readers, let the reader's claim go."""
    entry = _entry(scope, period, filters, language)
    return stamps.keep(*entry, compute, last_seconds=LAST_SECONDS, claim=claim)


def _entry(scope, period, filters, language: str) -> tuple:
    """`stamps.cached`'s prefix, stamps, parts and seconds for one view."""
    parts = [
        f"{scope.region.pk}:{scope.organisation_id}:{scope.advisor_id}",
        repr(period),
        repr(filters),
        language,
    ]
    stamps_ = [_region_stamp(scope.region.pk), GLOBAL_STAMP]
    return "dashboards:summary", stamps_, parts, settings.DASHBOARD_CACHE_SECONDS


def _view(scope, period, filters, language: str) -> dict:
    """The view as a task's arguments (JSON): what `dashboards.tasks.refresh_summary` computes again."""
    return {
        "region": scope.region.pk,
        "organisation": scope.organisation_id,
        "advisor": scope.advisor_id,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "filters": asdict(filters),
        "language": language,
    }


def _refresh_by_worker(view: dict, claim: str) -> bool:
    # By name: the tasks module imports this one.
    return broker.publish(task_named("dashboards.tasks.refresh_summary"), view, claim)
