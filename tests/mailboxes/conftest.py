"""Fixtures for the mailbox tests: the real IMAP server (tests/dovecot.py), mailboxes on it, and messages."""

import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone

from mailboxes import secrets
from mailboxes.models import Mailbox
from tests.dovecot import PASSWORD  # the fixtures (imap_server, ...) come from the plugin (tests/conftest.py)


def make_message(
    subject="Hjälp med export till Norge",
    *,
    sender="Karin Berg <karin.berg@bergsmide.example>",
    to="export@almi.example",
    body="Hej!\n\nVi vill börja exportera till Norge. Kan ni hjälpa oss?\n\nKarin",
    message_id=None,
    headers=None,
    padding=0,
) -> bytes:
    """An email as a mail client writes it (UTF-8, Swedish text); `padding` adds bytes to the body."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    if message_id is not False:
        message["Message-ID"] = message_id or make_msgid(domain="bergsmide.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body + ("\n" + "x" * 76) * (padding // 77))
    return message.as_bytes()


@pytest.fixture
def message():
    return make_message


@pytest.fixture
def imap_mailbox(db, reference_data, region, organisation, imap_server, settings):
    """make(user, **fields) -> an IMAP mailbox on the test server for `user` (password stored encrypted)."""
    settings.MAIL_IMAP_CA_FILE = imap_server.ca_file

    def make(user, server=None, **fields):
        server = server or imap_server
        settings.MAIL_IMAP_CA_FILE = server.ca_file
        values = {
            "name": f"Export {user}",
            "address": f"{user}@almi.example",
            "region": region,
            "organisation": organisation,
            "kind": Mailbox.Kind.IMAP,
            "host": server.host,
            "port": server.port,
            "security": Mailbox.Security.TLS,
            "username": user,
            "password_encrypted": secrets.encrypt(PASSWORD),
            "folder": "INBOX",
            "processed_folder": "Processed",
        }
        values.update(fields)
        return Mailbox.objects.create(**values)

    return make


@pytest.fixture
def local_mailbox(db, reference_data, region, organisation, settings, tmp_path):
    settings.MAIL_LOCAL_FOLDER = str(tmp_path / "inbound")
    return Mailbox.objects.create(
        name="Lokal brevlåda",
        address=f"lokal-{uuid.uuid4().hex[:6]}@almi.example",
        region=region,
        organisation=organisation,
        kind=Mailbox.Kind.LOCAL,
    )
