"""The outbox's guarantee under a real mail-server fault (issue 15, item 3).

A tiny SMTP server runs in a thread on a free loopback port. It can die after taking a message's DATA and
before answering "250" (it closes the connection and stops listening), which is what a worker killed at
that moment looks like from the database: the server may have the message, the row cannot know. The row
must be left "sending" (committed before the server was contacted), never "sent"; after
OUTBOX_SENDING_TIMEOUT the sweep sends it again with the same Message-ID (retry) or holds it (hold).
"""

import contextlib
import re
import socket
import threading
import time
from collections import Counter

import pytest
from django.contrib.admin.sites import site
from django.db import connections
from django.test import RequestFactory

from notifications import services
from notifications.admin import OutboundEmailAdmin
from notifications.models import OutboundEmail

# Real commits: the "sending" mark must be visible to another connection while the server holds the DATA.
pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboundEmail.Status


class SMTPResponder:
    """A minimal SMTP server: counts the messages it received (their Message-IDs) and, with `die_after=k`,
    answers k messages with 250, takes the DATA of the next one and then closes the connection without an
    answer and stops listening (the server is gone). `on_data` runs when a message's DATA has arrived."""

    def __init__(self, die_after: int | None = None, on_data=None):
        self.die_after, self.on_data = die_after, on_data
        self.received: list[str] = []
        self.accepted = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conversation, _address = self.listener.accept()
            except OSError:  # closed: the server died or the test is over
                return
            with conversation:
                if not self._converse(conversation.makefile("rwb")):
                    self.close()
                    return

    def _converse(self, stream) -> bool:
        def say(line):
            stream.write(line.encode() + b"\r\n")
            stream.flush()

        say("220 responder ready")
        while line := stream.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                say("250 responder")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                say("250 OK")
            elif command == "DATA":
                say("354 go ahead")
                data = b""
                while (chunk := stream.readline()) not in (b".\r\n", b""):
                    data += chunk
                found = re.search(rb"^Message-ID: (\S+)", data, re.MULTILINE | re.IGNORECASE)
                self.received.append(found.group(1).decode() if found else "")
                if self.on_data is not None:
                    self.on_data(self.received[-1])
                if self.die_after is not None and self.accepted >= self.die_after:
                    return False  # dies before answering 250
                self.accepted += 1
                say("250 queued")
            elif command == "QUIT":
                say("221 bye")
                return True
            else:
                say("502 not implemented")
        return True

    def close(self):
        with contextlib.suppress(OSError):
            self.listener.close()


@pytest.fixture
def smtp(settings):
    servers = []

    def start(**options) -> SMTPResponder:
        server = SMTPResponder(**options)
        servers.append(server)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        return server

    yield start
    for server in servers:
        server.close()


def queue(n: int) -> list[int]:
    """Outbox rows, not published to a broker: the test delivers them itself."""
    return [
        OutboundEmail.objects.create(
            to=f"person{i}@company.example", subject=f"Ärende {i}", body_text="Hej", key=f"g:{i}"
        ).pk
        for i in range(n)
    ]


def statuses() -> Counter:
    return Counter(OutboundEmail.objects.values_list("status", flat=True))


def sent_seen_by_another_connection() -> int:
    try:
        return OutboundEmail.objects.filter(status=Status.SENT).count()
    finally:
        connections.close_all()


def status_seen_by_another_connection(email_id: int) -> str:
    """The row's status as a second database connection sees it (what is committed)."""
    try:
        return OutboundEmail.objects.get(pk=email_id).status
    finally:
        connections.close_all()  # this runs in the server's thread, on its own connection


def expire_the_sending_timeout(settings):
    settings.OUTBOX_SENDING_TIMEOUT = 0.2
    time.sleep(0.3)


def test_a_server_that_dies_before_answering_leaves_the_email_sending_and_retry_sends_it_again(
    settings, smtp
):
    settings.OUTBOX_SENDING_RECOVERY = "retry"
    (email_id,) = queue(1)
    seen = []
    first = smtp(die_after=0, on_data=lambda _id: seen.append(status_seen_by_another_connection(email_id)))

    assert services.deliver(email_id) is False
    assert seen == [Status.SENDING]  # committed before the message went to the server
    email = OutboundEmail.objects.get(pk=email_id)
    assert (email.status, email.attempts, email.sent_at) == (Status.SENDING, 1, None)
    assert email.last_error.startswith("Outcome unknown")
    assert len(first.received) == 1

    second = smtp()
    assert services.flush_outbox() == 0  # not before the timeout: the first attempt may still be running
    assert second.received == []
    expire_the_sending_timeout(settings)
    assert services.flush_outbox() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)
    assert second.received == first.received == [services.message_id(email)]  # the same Message-ID
    assert services.flush_outbox() == 0 and len(second.received) == 1


def test_in_hold_mode_the_email_is_held_not_sent_again_until_a_person_releases_it(settings, smtp, admin_user):
    settings.OUTBOX_SENDING_RECOVERY = "hold"
    held, cancelled = queue(2)
    first = smtp(die_after=0)
    assert services.deliver(held) is False
    assert OutboundEmail.objects.get(pk=held).status == Status.SENDING
    second = smtp(die_after=0)
    assert services.deliver(cancelled) is False

    third = smtp()
    expire_the_sending_timeout(settings)
    assert services.flush_outbox() == 0
    assert statuses() == {Status.HELD: 2}
    assert services.flush_outbox() == 0 and third.received == []  # at most once: nothing re-sent

    admin = OutboundEmailAdmin(OutboundEmail, site)
    request = RequestFactory().post("/")
    request.user = admin_user
    request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
    admin.cancel_held(request, OutboundEmail.objects.filter(pk=cancelled))
    admin.release_held(request, OutboundEmail.objects.filter(pk=held))
    assert OutboundEmail.objects.get(pk=cancelled).status == Status.CANCELLED
    services.flush_outbox()  # released: published at once (eager in tests), or sent by the sweep
    email = OutboundEmail.objects.get(pk=held)
    assert (email.status, email.attempts) == (Status.SENT, 2)
    assert third.received == first.received and len(second.received) == 1


@pytest.mark.parametrize("recovery", ["retry", "hold"])
def test_a_batch_marks_each_email_sent_on_its_own_and_a_server_death_after_k_loses_and_doubles_nothing(
    settings, smtp, recovery
):
    settings.OUTBOX_SENDING_RECOVERY = recovery
    n, k = 12, 5
    ids = queue(n)
    committed_sent = []
    # At each message's DATA a second connection counts what is committed "sent": one more each time.
    first = smtp(
        die_after=k,
        on_data=lambda _id: committed_sent.append(sent_seen_by_another_connection()),
    )
    result = services.deliver_many(ids)
    assert committed_sent == list(range(k + 1))  # sent marks committed one at a time, not in a batch
    assert len(result.sent) == k and len(first.received) == k + 1
    assert statuses() == {Status.SENT: k, Status.SENDING: 1, Status.PENDING: n - k - 1}
    in_flight = OutboundEmail.objects.get(status=Status.SENDING)
    assert result.retry == ids[k + 1 :]

    second = smtp()
    expire_the_sending_timeout(settings)
    services.flush_outbox()
    received = Counter(first.received + second.received)
    if recovery == "retry":
        assert statuses() == {Status.SENT: n}
        assert len(second.received) == n - k  # the rest, and the one in flight again
        assert [mid for mid, times in received.items() if times > 1] == [services.message_id(in_flight)]
        assert OutboundEmail.objects.get(pk=in_flight.pk).attempts == 2
    else:
        assert statuses() == {Status.SENT: n - 1, Status.HELD: 1}
        assert len(second.received) == n - k - 1
        assert max(received.values()) == 1  # nothing twice
    assert len(received) == n  # nothing lost
    assert sum(OutboundEmail.objects.values_list("attempts", flat=True)) == len(
        first.received + second.received
    )


def test_a_normal_batch_is_delivered_exactly_once_each(smtp):
    n = 20
    ids = queue(n)
    server = smtp()
    assert len(services.deliver_many(ids).sent) == n
    assert len(server.received) == n == len(set(server.received))
    assert statuses() == {Status.SENT: n}
    assert services.flush_outbox() == 0 and len(server.received) == n


def test_the_admin_filters_the_outbox_by_sending_and_held(admin_client, django_assert_max_num_queries):
    sending, held, sent = (
        OutboundEmail.objects.create(to=f"{name}@company.example", subject=name, body_text="x", status=status)
        for name, status in (("interrupted", Status.SENDING), ("kept", Status.HELD), ("done", Status.SENT))
    )
    url = "/admin/notifications/outboundemail/"
    with django_assert_max_num_queries(12):
        page = admin_client.get(url, {"status__exact": "sending"}).content.decode()
    assert sending.to in page and held.to not in page and sent.to not in page
    page = admin_client.get(url, {"status__exact": "held"}).content.decode()
    assert held.to in page and sending.to not in page
    assert "release_held" in page and "cancel_held" in page
