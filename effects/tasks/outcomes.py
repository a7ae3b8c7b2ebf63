"""Tasks about export outcomes: the one reminder to the company, and expiry (Celery beat, daily)."""

from celery import shared_task

from exportcenter.locks import advisory_lock

from ..services import outcomes as services

__all__ = ["remind_and_expire_outcomes"]


@shared_task(acks_late=True, ignore_result=True)
def remind_and_expire_outcomes() -> dict[str, int]:
    """Remind each company once, OUTCOME_REMINDER_AFTER_DAYS after it was asked; expire what is still
    unanswered OUTCOME_CONFIRMATION_DAYS after. Idempotent (`reminded_at` and the email's key); a run that
    finds another run holding the lock does nothing."""
    with advisory_lock("effects:outcome-reminders") as acquired:
        if not acquired:
            return {"reminded": 0, "expired": 0}
        expired = services.expire_outcomes()
        due = list(services.due_for_reminder())
    reminded = sum(services.remind_company(outcome) for outcome in due)
    return {"reminded": reminded, "expired": expired}
