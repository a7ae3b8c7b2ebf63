"""The beat task queues a poll of each active mailbox that is due; the embedded `make run` runs beat."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from mailboxes import local, tasks
from mailboxes.models import InboundMessage, Mailbox
from tests.mailboxes.conftest import make_message

ROOT = Path(__file__).resolve().parents[2]


def test_the_beat_schedule_polls_mailboxes():
    entry = django_settings.CELERY_BEAT_SCHEDULE["poll-mailboxes"]
    assert entry["task"] == "mailboxes.tasks.poll_mailboxes" == tasks.poll_mailboxes.name
    assert tasks.poll_mailbox.name == "mailboxes.tasks.poll_mailbox"


def test_the_embedded_run_starts_beat_with_its_worker():
    script = (ROOT / "bin" / "run-embedded").read_text()
    assert "worker -B" in script


def test_due_mailboxes_by_their_own_interval(local_mailbox, settings):
    settings.MAIL_POLL_INTERVAL_SECONDS = 60
    now = timezone.now()
    make = {"region": local_mailbox.region, "kind": Mailbox.Kind.LOCAL}
    recent = Mailbox.objects.create(name="b", address="b@almi.example", last_poll_at=now, **make)
    stale = Mailbox.objects.create(
        name="c", address="c@almi.example", last_poll_at=now - timedelta(minutes=10), **make
    )
    slow = Mailbox.objects.create(
        name="d",
        address="d@almi.example",
        last_poll_at=now - timedelta(minutes=3),
        poll_interval_seconds=600,
        **make,
    )
    Mailbox.objects.create(name="e", address="e@almi.example", is_active=False, **make)
    # Polled a moment after the previous beat: due at the next one, not a whole beat later.
    just_after = Mailbox.objects.create(
        name="f", address="f@almi.example", last_poll_at=now - timedelta(seconds=59), **make
    )
    due = tasks.due_mailboxes(now)
    assert set(due) == {local_mailbox.pk, stale.pk, just_after.pk}
    assert recent.pk not in due and slow.pk not in due


def test_poll_mailboxes_polls_the_due_ones(local_mailbox):
    (local.folder() / "brev.eml").write_bytes(make_message("Via beat"))
    assert tasks.poll_mailboxes.delay().get() == 1  # eager in the tests: the poll ran too
    assert InboundMessage.objects.get().subject == "Via beat"
    local_mailbox.refresh_from_db()
    assert local_mailbox.last_poll_at
    assert tasks.poll_mailboxes.delay().get() == 0  # just polled: not due


@pytest.mark.django_db
def test_poll_mailbox_of_an_inactive_or_unknown_mailbox_does_nothing(local_mailbox):
    (local.folder() / "brev.eml").write_bytes(make_message("Ligger kvar"))
    Mailbox.objects.filter(pk=local_mailbox.pk).update(is_active=False)
    assert tasks.poll_mailbox(local_mailbox.pk) == 0
    assert tasks.poll_mailbox(987654321) == 0
    assert not InboundMessage.objects.exists()
