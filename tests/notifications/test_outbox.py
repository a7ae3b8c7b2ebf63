import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def queue(key="welcome:1", **overrides):
    fields = {"to": "sme@company.example", "subject": "Hello", "body_text": "Body", "key": key} | overrides
    return services.queue_email(**fields)


def test_queued_email_is_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = queue()
        assert mail.outbox == []  # nothing leaves inside the transaction
    assert len(callbacks) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.sent_at is not None
    assert [m.to for m in mail.outbox] == [["sme@company.example"]]


def test_the_same_key_is_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        second = queue()
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_delivering_twice_sends_once(django_capture_on_commit_callbacks):
    email = queue()
    assert services.deliver(email.pk) is True
    assert services.deliver(email.pk) is False
    assert services.flush_outbox() == 0
    assert len(mail.outbox) == 1


def test_html_alternative_is_attached():
    email = queue(body_html="<p>Body</p>")
    services.deliver(email.pk)
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_a_mail_server_error_keeps_the_email_for_a_later_attempt():
    email = queue()
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPDataError(451, "down")
    ):
        assert services.deliver(email.pk) is False
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.PENDING, 1)
    assert "SMTPDataError" in email.last_error
    assert email.next_attempt_at > timezone.now()
    assert services.flush_outbox() == 0  # not due yet: back-off

    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert services.flush_outbox() == 1
    assert services.flush_outbox() == 0
    assert len(mail.outbox) == 1


def test_gives_up_after_max_attempts():
    email = queue()
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send",
        side_effect=smtplib.SMTPRecipientsRefused({"x@y": (550, b"no")}),
    ):
        for _ in range(services.MAX_ATTEMPTS):
            OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
            services.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED


def test_a_broker_outage_leaves_the_email_for_the_sweep(django_capture_on_commit_callbacks):
    with (
        mock.patch(
            "notifications.tasks.deliver_email.delay", side_effect=ConnectionRefusedError("broker down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = queue()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert mail.outbox == []
    assert services.flush_outbox() == 1
    assert len(mail.outbox) == 1


def test_subject_is_one_line():
    email = queue(subject="Line one\nLine two")
    assert email.subject == "Line one Line two"
