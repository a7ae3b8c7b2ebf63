from datetime import date, timedelta
from functools import partial

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from advisors.models import Region
from exportcenter.workdays import STOCKHOLM

from . import cache, facts, stats
from .national_snapshots import refresh_national_figures  # noqa: F401 - the task lives with what it does
from .selectors import Filters, Period, Scope


@shared_task(acks_late=True, ignore_result=True)
def refresh_request_facts(region_id: int, days: list[str]) -> int:
    """Write the daily request figures of `days` (ISO dates) of one region again (idempotent)."""
    facts.started(region_id, days)
    return facts.refresh(region_id, [date.fromisoformat(day) for day in days])


@shared_task(acks_late=True, ignore_result=True)
def rebuild_recent_request_facts() -> int:
    """Nightly: rebuild the last DASHBOARD_FACTS_NIGHTLY_DAYS days of every region (catches writes that went
    around the signals, such as bulk updates, and changes to reference data)."""
    since = timezone.localdate(timezone=STOCKHOLM) - timedelta(days=settings.DASHBOARD_FACTS_NIGHTLY_DAYS)
    return facts.rebuild(since=since)


@shared_task(acks_late=True, ignore_result=True)
def refresh_summary(view: dict, claim: str) -> None:
    """Compute a dashboard's summary that a reader found missing and got the last one of instead
    (dashboards/cache.py), keep it for the readers and let the reader's claim go. Computing it again is
    harmless: the task is idempotent."""
    region = Region.objects.filter(pk=view["region"]).first()
    if region is None:  # deleted meanwhile: nothing to show
        return
    scope = Scope(region, organisation_id=view["organisation"], advisor_id=view["advisor"])
    period = Period(date.fromisoformat(view["start"]), date.fromisoformat(view["end"]))
    filters = Filters(**view["filters"])
    with translation.override(view["language"] or None):
        cache.keep(
            scope,
            period,
            filters,
            view["language"],
            partial(stats.compute_summary, scope, period, filters),
            claim,
        )
