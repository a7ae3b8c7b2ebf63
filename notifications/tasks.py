from datetime import date

from celery import shared_task
from django.db import DatabaseError

from . import reminders, services


@shared_task(acks_late=True, ignore_result=True)
def deliver_email(email_id: int) -> bool:
    return services.deliver(email_id)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=8)
def deliver_emails(self, email_ids: list[int]) -> int:
    """Send a batch of outbox emails over one connection; retry what a mail-server error left pending,
    after 1, 2, 4, … minutes. (The `flush-email-outbox` sweep would send them too: the row lock and the
    status make sure only one of them does.)"""
    result = services.deliver_many(email_ids)
    if result.retry and self.request.retries < self.max_retries:
        raise self.retry(args=[result.retry], countdown=services.retry_delay(self.request.retries))
    return len(result.sent)


@shared_task(acks_late=True, ignore_result=True)
def flush_outbox() -> int:
    return services.flush_outbox()


@shared_task(acks_late=True, ignore_result=True)
def sweep_reminders(kind: str, run_date: str | None = None) -> int:
    """The periodic sweep of one kind of reminder (scheduled per kind in CELERY_BEAT_SCHEDULE). Queues a
    `send_reminders` task per chunk of due targets; returns how many chunks."""
    result = reminders.sweep(kind, date.fromisoformat(run_date) if run_date else None)
    return result.chunks


@shared_task(acks_late=True, ignore_result=True)
def catch_up_reminders() -> int:
    """The hourly catch-up (`reminders-catch-up` in CELERY_BEAT_SCHEDULE): sweeps again, per kind, what is
    still unsent for today and the previous working days (`reminders.catch_up`), e.g. the chunks a killed
    worker took with it. Returns how many chunks it queued."""
    return sum(result.chunks for result in reminders.catch_up())


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_reminders(kind: str, run_date: str, ids: list[int]) -> int:
    """Send one chunk's reminders for the sweep's run date. Safe to run twice: the ledger decides."""
    return reminders.send(kind, date.fromisoformat(run_date), ids)


@shared_task(acks_late=True, ignore_result=True)
def send_password_reset(
    email: str, language: str, domain: str, site_name: str, protocol: str, request_id: str
) -> int:
    """Published by name by the password-reset page (advisors.password_reset): the lookup of the address
    happens here, so the page does the same work for a known and an unknown one."""
    return services.send_password_reset(
        email=email,
        language=language,
        domain=domain,
        site_name=site_name,
        protocol=protocol,
        request_id=request_id,
    )
