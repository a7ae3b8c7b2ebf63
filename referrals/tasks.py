from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def record_missed_deadlines() -> int:
    """Append "deadline missed" to the timeline of each request whose first response is overdue (once)."""
    return services.record_missed_deadlines()
