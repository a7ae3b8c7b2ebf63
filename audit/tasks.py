from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def purge_audit_log() -> int | None:
    """The nightly retention purge (CELERY_BEAT_SCHEDULE "purge-audit-log"): entries older than AUDIT_DAYS."""
    return services.purge_expired()
