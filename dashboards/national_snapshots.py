"""The national roll-up kept as a `NationalSnapshot` per period and filters, until what it counts changes.

A snapshot holds the dashboards' change stamps (dashboards/cache.py: one per region, and the global one)
from when it was computed; a changed stamp, or `DASHBOARD_CACHE_SECONDS` passing, makes it stale. A stale
snapshot up to `STALE_SECONDS` old is still served while a worker recomputes the usual periods (computing
21 regions over two million requests takes seconds); an older one, or none, is computed on the spot and
kept. So a read is two small queries (the regions, the snapshot) and the page never waits on a recent one.
`refresh()` (the Celery task and `manage.py refresh_national_figures`) computes the usual periods ahead.
"""

import hashlib
import json
from contextlib import suppress
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from advisors.models import Region
from exportcenter import broker

from . import national
from .cache import GLOBAL_STAMP, _region_stamp
from .models import NationalSnapshot

# How old a snapshot may be served while its figures are being recomputed (something they count changed).
STALE_SECONDS = 15 * 60


def _key(query: national.NationalQuery) -> str:
    # The figures hold no translated text (numbers and region names), so one snapshot serves both languages.
    parts = [repr(query.period), repr(query.filters), str(query.region_id)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _stamp(region_ids: list[int]) -> str:
    """The change stamps of every region and the global one, as one hash ("-" for a missing stamp)."""
    keys = [GLOBAL_STAMP, *(_region_stamp(pk) for pk in region_ids)]
    try:
        stamps = django_cache.get_many(keys)
    except Exception:
        return ""  # the cache is down: no snapshot can be trusted
    return hashlib.sha256("|".join(stamps.get(key, "-") for key in keys).encode()).hexdigest()


def _plain(figures: dict) -> dict:
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


def figures(query: national.NationalQuery) -> dict:
    """The national figures of the query: from a fresh snapshot; from a recent one (at most
    `STALE_SECONDS` old: the usual periods are recomputed in the background meanwhile); or computed now (and
    kept). Computing all 21 regions over two million requests takes seconds, so a page never waits for it
    while a recent snapshot exists."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return {**_plain(national.compute(query)), "computed_at": timezone.now().isoformat()}
    region_ids = list(Region.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    stamp = _stamp(region_ids)
    key = _key(query)
    now = timezone.now()
    found = NationalSnapshot.objects.filter(key=key).first() if stamp else None
    if found is not None:
        if found.stamp == stamp and found.computed_at >= now - timedelta(
            seconds=settings.DASHBOARD_CACHE_SECONDS
        ):
            return {**found.figures, "computed_at": found.computed_at.isoformat()}
        if found.computed_at >= now - timedelta(seconds=STALE_SECONDS):
            transaction.on_commit(_refresh_usual_later)
            return {**found.figures, "computed_at": found.computed_at.isoformat()}
    computed = _plain(national.compute(query))
    if stamp:
        with suppress(IntegrityError), transaction.atomic():
            NationalSnapshot.objects.update_or_create(
                key=key, defaults={"stamp": stamp, "computed_at": now, "figures": computed}
            )
    return {**computed, "computed_at": now.isoformat()}


def _refresh_usual_later() -> None:
    """Recompute the usual snapshots in the background (a worker); if the broker is down, the next read
    after `STALE_SECONDS` computes inline."""
    broker.publish(refresh_national_figures)


def refresh(queries: list[national.NationalQuery]) -> int:
    """Compute and keep the snapshots of `queries` now (idempotent). Returns how many were written."""
    region_ids = list(Region.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    stamp = _stamp(region_ids) or "-"
    for query in queries:
        NationalSnapshot.objects.update_or_create(
            key=_key(query),
            defaults={
                "stamp": stamp,
                "computed_at": timezone.now(),
                "figures": _plain(national.compute(query)),
            },
        )
    NationalSnapshot.objects.filter(computed_at__lt=timezone.now() - timedelta(days=1)).delete()
    return len(queries)


def usual_queries(today=None) -> list[national.NationalQuery]:
    """What the page shows most: this year, last year, this quarter and this month, with no filters."""
    from .forms import period_around
    from .selectors import Filters

    today = today or timezone.localdate()
    periods = [period_around(kind, today) for kind in ("year", "quarter", "month")]
    periods.append(period_around("year", today.replace(year=today.year - 1, day=1)))
    return [national.NationalQuery(period, Filters()) for period in periods]


@shared_task(name="dashboards.tasks.refresh_national_figures", acks_late=True, ignore_result=True)
def refresh_national_figures() -> int:
    """Compute the national roll-up's usual snapshots ahead of the page (idempotent; issue 18). Defined
    here and imported by dashboards/tasks.py, so the worker finds it and this module needs no import back."""
    return refresh(usual_queries())
