"""Emails that thread (issue 20): an unguessable Message-ID kept on the outbox row and the same on every
attempt, In-Reply-To, References, Reply-To, Auto-Submitted, and files from the attachments storage."""

import re
import smtplib

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.mail.backends.locmem import EmailBackend

from notifications import services
from notifications.models import OutboundEmail
from tests.attachments import *  # noqa: F403 - the attachments storage in a temporary folder

pytestmark = pytest.mark.django_db


class RefusesOnce(EmailBackend):
    refusals = 0

    def send_messages(self, messages):
        if type(self).refusals:
            type(self).refusals -= 1
            raise smtplib.SMTPDataError(451, "Try again later")
        return super().send_messages(messages)


@pytest.fixture
def refuses_once(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox_threading.RefusesOnce"
    RefusesOnce.refusals = 1
    return RefusesOnce


HEADERS = {
    "In-Reply-To": "<a@company.example>",
    "References": "<root@exportcenter.localhost> <a@company.example>",
    "Reply-To": "svar+ec-2026-000001.0123456789abcdef0123@exportcenter.example",
    "Auto-Submitted": "auto-replied",
}


def test_the_message_id_is_made_when_queued_with_an_hmac_and_kept(settings):
    email = services.queue_email(to="karin@company.example", subject="Hej", body_text="x", key="k:1")
    assert re.fullmatch(r"<[0-9a-f]{32}@exportcenter\.localhost>", email.message_id)
    assert OutboundEmail.objects.get().message_id == email.message_id == services.message_id(email)
    settings.SECRET_KEY = "another secret key, so another Message-ID for the same key" * 2
    assert services.new_message_id("k:1") != email.message_id  # not guessable without the secret
    assert services.new_message_id(None) != services.new_message_id(None)  # keyless: random


def test_queueing_the_same_key_twice_keeps_one_email_and_one_message_id():
    first = services.queue_email(to="a@company.example", subject="Hej", body_text="x", key="k:2")
    second = services.queue_email(to="a@company.example", subject="Hej", body_text="x", key="k:2")
    assert first.pk == second.pk and first.message_id == second.message_id
    assert OutboundEmail.objects.count() == 1


def test_threading_headers_go_out_and_stay_the_same_on_a_retry(refuses_once):
    email = services.queue_email(
        to="karin@company.example",
        subject="Re: Export EC-2026-000001",
        body_text="x",
        key="k:3",
        thread="referrals.AdviceRequest:1",
        headers={**HEADERS, "Bcc": "spy@example.com", "X-Evil": "1"},
    )
    assert email.thread == "referrals.AdviceRequest:1"
    assert set(email.headers) == set(HEADERS)  # only the threading headers are kept
    assert services.deliver(email.pk) is False  # refused once: pending again
    email.refresh_from_db()
    email.next_attempt_at = email.created_at
    email.save()
    assert services.deliver(email.pk) is True
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == email.message_id
    assert sent.extra_headers["In-Reply-To"] == HEADERS["In-Reply-To"]
    assert sent.extra_headers["References"] == HEADERS["References"]
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert sent.reply_to == [HEADERS["Reply-To"]]
    assert "Bcc" not in sent.extra_headers and "X-Evil" not in sent.extra_headers
    assert sent.bcc == []
    raw = sent.message().as_string()
    assert f"Message-ID: {email.message_id}" in raw
    assert f"Reply-To: {HEADERS['Reply-To']}" in raw


def test_a_header_with_a_line_break_cannot_add_headers():
    email = services.queue_email(
        to="a@company.example", subject="x", body_text="x", headers={"In-Reply-To": "<a@b>\r\nBcc: spy@x"}
    )
    assert "\n" not in email.headers["In-Reply-To"] and "\r" not in email.headers["In-Reply-To"]


def test_attachments_are_read_from_the_attachments_storage():
    path = storages["attachments"].save("tests/offert.pdf", ContentFile(b"%PDF-1.4 test"))
    email = services.queue_email(
        to="karin@company.example",
        subject="Offert",
        body_text="Se bilagan.",
        attachments=[{"name": "offert.pdf", "path": path, "content_type": "application/pdf"}],
    )
    assert services.deliver(email.pk) is True
    [sent] = mail.outbox
    assert sent.attachments == [("offert.pdf", b"%PDF-1.4 test", "application/pdf")]


def test_an_attachment_that_cannot_be_read_leaves_the_email_pending():
    email = services.queue_email(
        to="karin@company.example",
        subject="Offert",
        body_text="x",
        attachments=[{"name": "gone.pdf", "path": "tests/gone.pdf", "content_type": "application/pdf"}],
    )
    assert services.deliver(email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING and email.attempts == 1
    assert "gone.pdf" in email.last_error
    assert mail.outbox == []


def test_emails_queued_before_issue_20_keep_their_derived_message_id():
    email = OutboundEmail.objects.create(to="a@company.example", subject="x", body_text="x", key="old")
    assert services.message_id(email).startswith(f"<outbox.{email.pk}.")
    assert services.deliver(email.pk) is True
    assert mail.outbox[0].extra_headers["Message-ID"] == services.message_id(email)
