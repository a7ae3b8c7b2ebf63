"""Celery tasks of the reminders. Thin: they take ids and a run date, and call `outreach.reminders`."""

from datetime import date

from celery import shared_task
from django.db import DatabaseError

from . import reminders


@shared_task(acks_late=True, ignore_result=True)
def sweep_reminders(kind: str, run_date: str | None = None) -> int:
    """The periodic sweep of one kind of reminder (scheduled per kind in CELERY_BEAT_SCHEDULE). Queues a
    `send_reminders` task per chunk of due targets; returns how many chunks."""
    result = reminders.sweep(kind, date.fromisoformat(run_date) if run_date else None)
    return result.chunks


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
