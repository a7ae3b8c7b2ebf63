"""Celery tasks for mailboxes: the beat task that finds the mailboxes due, and the poll of one."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import poller
from .models import Mailbox


def due_mailboxes(now=None) -> list[int]:
    """Ids of the active mailboxes due by their own interval. The beat runs every
    MAIL_POLL_INTERVAL_SECONDS, so a mailbox counts as due half a beat early (else a poll that started a
    moment after the beat would wait a whole extra beat)."""
    now = now or timezone.now()
    slack = settings.MAIL_POLL_INTERVAL_SECONDS / 2
    due = []
    for pk, last, interval in Mailbox.objects.filter(is_active=True).values_list(
        "pk", "last_poll_at", "poll_interval_seconds"
    ):
        if last is None or (now - last).total_seconds() >= max(interval - slack, 0):
            due.append(pk)
    return due


@shared_task(acks_late=True, ignore_result=True)
def poll_mailboxes() -> int:
    """Beat ("poll-mailboxes"): queue a poll of each mailbox that is due. Safe to run twice: a poll of a
    mailbox already being polled returns at once (the lock), and a queued poll expires after its interval."""
    due = due_mailboxes()
    for pk in due:
        poll_mailbox.apply_async(args=[pk], expires=max(settings.MAIL_POLL_INTERVAL_SECONDS, 30))
    return len(due)


@shared_task(acks_late=True, ignore_result=True)
def poll_mailbox(mailbox_id: int) -> int:
    """Poll one mailbox (also "Poll now"). Returns how many new messages were taken."""
    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    if mailbox is None:
        return 0
    return poller.poll(mailbox).taken
