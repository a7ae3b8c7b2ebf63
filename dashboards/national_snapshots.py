"""The national roll-up kept as a `NationalSnapshot` per period and filters, until what it counts changes.

A snapshot holds the dashboards' change stamps (dashboards/cache.py: one per region, and the global one)
from when it was computed; a changed stamp, or `DASHBOARD_CACHE_SECONDS` passing, makes it stale, and the
next read computes and stores it again. So a read is two small queries (the regions, the snapshot) when
nothing changed, and the fixed set of grouped queries of `dashboards.national.compute` when something did.
`refresh()` (the Celery task and `manage.py refresh_national_figures`) computes the usual periods ahead.
"""

import hashlib
import json
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from advisors.models import Region

from . import national
from .cache import GLOBAL_STAMP, _region_stamp
from .models import NationalSnapshot


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
    """The national figures of the query: from a fresh snapshot, or computed now (and kept)."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return _plain(national.compute(query))
    region_ids = list(Region.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    stamp = _stamp(region_ids)
    key = _key(query)
    fresh_after = timezone.now() - timedelta(seconds=settings.DASHBOARD_CACHE_SECONDS)
    if stamp:
        found = NationalSnapshot.objects.filter(key=key, stamp=stamp, computed_at__gte=fresh_after).first()
        if found is not None:
            return found.figures
    computed = _plain(national.compute(query))
    if stamp:
        with suppress(IntegrityError), transaction.atomic():
            NationalSnapshot.objects.update_or_create(
                key=key, defaults={"stamp": stamp, "computed_at": timezone.now(), "figures": computed}
            )
    return computed


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
