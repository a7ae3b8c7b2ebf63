from celery import shared_task

from . import services
from .models import RetentionRun


@shared_task(acks_late=True, ignore_result=True)
def run_retention() -> int:
    """The nightly retention run (CELERY_BEAT_SCHEDULE "privacy-retention"). Safe to run twice at once:
    the advisory lock lets one in. Returns how many requests and contacts it anonymised."""
    result = services.run_retention(trigger=RetentionRun.Trigger.SCHEDULE)
    return result.requests + result.contacts
