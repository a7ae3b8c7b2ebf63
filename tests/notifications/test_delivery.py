"""Batch delivery of the outbox (reminder sweeps send thousands): one connection, a stable Message-ID, and
a retry with exponential back-off after a mail-server error."""

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from notifications import services, tasks
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


class FlakyMailServer(EmailBackend):
    """A mail server that refuses the first `failures` messages (451, try later), then accepts them (locmem
    outbox). (A server that hangs up mid-message leaves the outcome unknown: test_outbox_guarantee.py.)"""

    failures = 0
    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()

    def send_messages(self, messages):
        if type(self).failures > 0:
            type(self).failures -= 1
            raise smtplib.SMTPDataError(451, "Try again later")
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.FlakyMailServer"
    FlakyMailServer.failures, FlakyMailServer.opened = 0, 0
    return FlakyMailServer


def drafts(n):
    return [
        services.EmailDraft(
            key=f"batch:{i}", to=f"advisor{i}@partner.example", subject=f"Påminnelse {i}", body_text="x"
        )
        for i in range(n)
    ]


def test_a_batch_is_sent_over_one_connection(flaky, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ids = services.queue_emails(drafts(5))
    assert len(ids) == 5
    assert flaky.opened == 1
    assert [m.subject for m in mail.outbox] == [f"Påminnelse {i}" for i in range(5)]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}


def test_queueing_the_same_keys_again_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_emails(drafts(3))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.queue_emails(drafts(3)) == []  # all sent already: nothing pending under these keys
    assert OutboundEmail.objects.count() == 3 and len(mail.outbox) == 3


def test_the_message_id_is_the_same_for_every_attempt(flaky):
    [email_id] = services.queue_emails(drafts(1))
    flaky.failures = 1
    assert services.deliver_many([email_id]).retry == [email_id]
    assert services.deliver_many([email_id]).sent == [email_id]
    email = OutboundEmail.objects.get()
    assert mail.outbox[0].extra_headers["Message-ID"] == services.message_id(email)
    assert services.message_id(email) == services.message_id(OutboundEmail.objects.get())
    assert services.message_id(email).endswith("@exportcenter.localhost>")


def test_a_mail_server_error_is_retried_with_exponential_backoff(flaky):
    """The delivery task retries what the mail server refused, after 1, 2, 4, … minutes; each email is
    sent once in the end."""
    ids = services.queue_emails(drafts(3))
    flaky.failures = 2
    countdowns = []
    original_retry = tasks.deliver_emails.retry

    def record(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return original_retry(*args, **kwargs)

    # Eagerly, each retry runs at once (its countdown is recorded); a worker would wait. The tests make
    # eager tasks raise their errors; a retry is no error, so that is off here.
    conf = tasks.deliver_emails.app.conf
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    try:
        with mock.patch.object(tasks.deliver_emails, "retry", side_effect=record):
            tasks.deliver_emails.apply(args=[ids])
    finally:
        conf.task_eager_propagates = propagates

    assert countdowns == [60, 120]
    assert sorted(m.to[0] for m in mail.outbox) == [f"advisor{i}@partner.example" for i in range(3)]
    emails = {e.to: e for e in OutboundEmail.objects.all()}
    assert {e.status for e in emails.values()} == {OutboundEmail.Status.SENT}
    # The first email met both failures; the others were not tried until the server was back.
    assert emails["advisor0@partner.example"].attempts == 3
    assert emails["advisor1@partner.example"].attempts == 1


def test_an_unreachable_mail_server_leaves_everything_pending_without_burning_attempts(settings):
    [email_id] = services.queue_emails(drafts(1))
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.open", side_effect=ConnectionRefusedError):
        result = services.deliver_many([email_id])
    assert (result.sent, result.retry) == ([], [email_id])
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == (OutboundEmail.Status.PENDING, 0)


def test_an_email_that_failed_for_good_is_not_retried(flaky):
    ids = services.queue_emails(drafts(2))
    OutboundEmail.objects.filter(pk=ids[0]).update(attempts=services.MAX_ATTEMPTS - 1)
    flaky.failures = 1
    result = services.deliver_many(ids)
    assert result.retry == [ids[1]]
    assert OutboundEmail.objects.get(pk=ids[0]).status == OutboundEmail.Status.FAILED


@pytest.mark.parametrize(
    ("retries", "seconds"), [(0, 60), (1, 120), (2, 240), (5, 1920), (8, 14400), (20, 14400)]
)
def test_the_backoff_doubles_up_to_four_hours(retries, seconds):
    assert services.retry_delay(retries) == seconds
