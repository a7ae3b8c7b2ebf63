from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from exportcenter.workdays import STOCKHOLM

from . import facts
from .national_snapshots import refresh_national_figures  # noqa: F401 - the task lives with what it does


@shared_task(acks_late=True, ignore_result=True)
def refresh_request_facts(region_id: int, days: list[str]) -> int:
    """Write the daily request figures of `days` (ISO dates) of one region again (idempotent)."""
    return facts.refresh(region_id, [date.fromisoformat(day) for day in days])


@shared_task(acks_late=True, ignore_result=True)
def rebuild_recent_request_facts() -> int:
    """Nightly: rebuild the last DASHBOARD_FACTS_NIGHTLY_DAYS days of every region (catches writes that went
    around the signals, such as bulk updates, and changes to reference data)."""
    since = timezone.localdate(timezone=STOCKHOLM) - timedelta(days=settings.DASHBOARD_FACTS_NIGHTLY_DAYS)
    return facts.rebuild(since=since)
