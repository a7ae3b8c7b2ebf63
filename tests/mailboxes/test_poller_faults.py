"""A private dovecot killed (SIGKILL) in the middle of a poll: the problem recorded in words, nothing lost,
and the next poll after the restart takes the rest, each message once."""

import pytest

from mailboxes import ingest, poller
from mailboxes.models import InboundMessage
from tests.mailboxes.conftest import make_message
from tests.mailboxes.test_poller import folder_uids

pytestmark = pytest.mark.usefixtures("in_english")

MESSAGES = 6


def test_the_server_killed_mid_poll_loses_nothing(imap_mailbox, imap_user, private_imap_server, monkeypatch):
    server = private_imap_server
    for n in range(MESSAGES):
        server.deliver(
            imap_user, make_message(f"Meddelande {n}", sender=f"Avsändare {n} <a{n}@firma{n}.example>")
        )
    mailbox = imap_mailbox(imap_user, server=server)
    real_take = ingest.take
    calls = []

    def take(mailbox, raw, **kwargs):
        taken = real_take(mailbox, raw, **kwargs)
        calls.append(kwargs["uid"])
        if len(calls) == 3:
            server.kill()  # the third message is taken; the server dies before it is moved
        return taken

    monkeypatch.setattr(ingest, "take", take)
    result = poller.poll(mailbox)

    assert result.taken == 3 and result.error
    mailbox.refresh_from_db()
    assert mailbox.last_error == (
        "The connection to 127.0.0.1 was lost during the poll; the rest is taken at the next poll."
    )
    assert mailbox.last_error_at and mailbox.last_success_at is None
    assert InboundMessage.objects.filter(mailbox=mailbox).count() == 3

    # While it is down, the poll says so.
    poller.poll(mailbox)
    mailbox.refresh_from_db()
    assert mailbox.last_error.startswith("The connection was refused: nothing answers at 127.0.0.1 port")

    server.start()
    monkeypatch.setattr(ingest, "take", real_take)
    result = poller.poll(mailbox)

    assert (result.taken, result.again, result.error) == (MESSAGES - 3, 1, "")
    subjects = sorted(InboundMessage.objects.filter(mailbox=mailbox).values_list("subject", flat=True))
    assert subjects == [f"Meddelande {n}" for n in range(MESSAGES)]
    assert folder_uids(server, imap_user) == []
    assert len(folder_uids(server, imap_user, "Processed")) == MESSAGES
    mailbox.refresh_from_db()
    assert mailbox.last_error == "" and mailbox.last_success_at and mailbox.messages_taken == MESSAGES
