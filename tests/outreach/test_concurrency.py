"""Concurrent sweeps on PostgreSQL: the advisory lock turns a second sweep away, and when two senders do
run at once (a redelivered chunk, an overlapping sweep) the ledger lets each reminder out once.

Threads with their own database connections stand in for two workers.
"""

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection

from exportcenter.locks import advisory_lock
from notifications import reminders
from notifications.models import Notification, OutboundEmail, Reminder
from outreach.models import FollowUp
from tests.factories import CompanyFactory, UserFactory
from tests.outreach.factories import FollowUpFactory
from tests.threads import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TUESDAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL (advisory locks and concurrent writers); set DATABASE_URL=postgres://…")


@pytest.fixture
def due(uppsala, organisation):
    people = [UserFactory(email=f"advisor{n}@almi.example", organisation=organisation) for n in range(4)]
    company = CompanyFactory()
    for n in range(60):
        FollowUpFactory(owner=people[n % 4], company=company, due_on=TUESDAY)
    return FollowUp.objects.order_by("pk")


def assert_each_sent_once(follow_ups):
    expected = {(f.owner_id, f.pk) for f in follow_ups}
    rows = list(Reminder.objects.values_list("recipient_id", "target_id"))
    assert sorted(rows) == sorted(expected)  # every reminder, and none twice
    assert Notification.objects.count() == len(expected)
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == len(expected)
    assert len(mail.outbox) == len(expected)
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == len(expected)


def test_two_senders_of_the_same_chunk_send_each_reminder_once(due):
    ids = list(due.values_list("pk", flat=True))
    sent = at_once(
        lambda: reminders.send("follow_up_due", TUESDAY, ids),
        lambda: reminders.send("follow_up_due", TUESDAY, list(reversed(ids))),
    )
    assert sum(sent) == 60
    assert_each_sent_once(due)


def test_two_overlapping_sweeps_send_each_reminder_once(due, settings):
    settings.REMINDER_CHUNK_SIZE = 7
    results = at_once(
        lambda: reminders.sweep("follow_up_due", TUESDAY),
        lambda: reminders.sweep("follow_up_due", TUESDAY),
    )
    # Either the second found the lock taken, or it ran after the first and found less (or nothing) to do.
    assert sum(r.targets for r in results) >= 60
    assert_each_sent_once(due)


def test_a_sweep_that_finds_the_advisory_lock_taken_does_nothing(due):
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with advisory_lock("reminders:follow_up_due") as acquired:
                assert acquired
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        result = reminders.sweep("follow_up_due", TUESDAY)
        assert result.locked_out and not Reminder.objects.exists()
        # Another kind has its own lock.
        assert not reminders.sweep("follow_ups_overdue", TUESDAY).locked_out
    finally:
        release.set()
        holder.join()
    assert reminders.sweep("follow_up_due", TUESDAY).targets == 60  # released with the transaction
    assert_each_sent_once(due)
