"""A real Celery worker on Redis (with its beat, as `make run` runs it), killed with SIGKILL as a whole in the
middle of polling a real dovecot mailbox: after the next poll by a new worker every message is taken exactly
once (one inbound message, one request each) and moved to the processed folder; none is lost.

The worker polls because its beat says so ("poll-mailboxes" every MAIL_POLL_INTERVAL_SECONDS=1): nothing is
published by hand. The poll's lock is a PostgreSQL session lock, so the killed worker's lock dies with its
connection and the second worker can poll at once. Needs PostgreSQL, redis-server and dovecot (CI has them).
"""

import time

import pytest

from mailboxes.models import InboundMessage, Mailbox
from referrals.models import AdviceRequest
from tests.mailboxes.conftest import make_message
from tests.mailboxes.test_poller import folder_uids
from tests.outreach.test_worker_crash import Worker, private_redis, wait_for, worker_env  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MESSAGES = 120
KILL_AT = 15  # taken when the worker is killed


def test_a_worker_killed_mid_poll_gives_no_duplicate_and_loses_nothing(
    request, imap_mailbox, imap_user, imap_server, tmp_path
):
    env, queue = request.getfixturevalue("worker_env")  # a private redis-server; this test's database
    client = imap_server.client(imap_user)
    for n in range(MESSAGES):
        raw = make_message(
            f"Exportfråga {n:03d}",
            sender=f"Företag {n} <info@foretag{n:03d}.example>",
            message_id=f"<crash.{n:03d}@foretag.example>",
        )
        assert client.append("INBOX", None, None, raw)[0] == "OK"
    client.logout()
    mailbox = imap_mailbox(imap_user, poll_interval_seconds=1)
    env.update(
        MAIL_IMAP_CA_FILE=imap_server.ca_file,
        MAIL_POLL_INTERVAL_SECONDS="1",
        MAIL_POLL_BATCH=str(MESSAGES),
        MAIL_LOCAL_FOLDER="",
    )

    def taken() -> int:
        return InboundMessage.objects.filter(mailbox=mailbox).count()

    first = Worker(env, queue, tmp_path / "worker-1.log")
    second = None
    try:
        assert wait_for(lambda: taken() >= KILL_AT, timeout=90), first.output()
        first.kill()
        assert wait_for(lambda: not first.members(), timeout=10), "a process of the worker survived"
        at_kill = taken()
        assert at_kill < MESSAGES, "the poll finished before the kill: nothing was tested"
        time.sleep(1)
        assert taken() == at_kill

        second = Worker(env, queue, tmp_path / "worker-2.log")
        done = wait_for(
            lambda: taken() == MESSAGES and not folder_uids(imap_server, imap_user), timeout=120, interval=0.5
        )
        assert done, f"{taken()} of {MESSAGES} taken; worker log:\n{second.output()}"
        print(f"killed at {at_kill}/{MESSAGES} messages taken")
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.stop()

    messages = InboundMessage.objects.filter(mailbox=mailbox)
    assert sorted(messages.values_list("message_id", flat=True)) == [
        f"<crash.{n:03d}@foretag.example>" for n in range(MESSAGES)
    ]
    assert set(messages.values_list("outcome", flat=True)) == {InboundMessage.Outcome.NEW_REQUEST}
    assert AdviceRequest.objects.count() == MESSAGES  # one request per message: none twice
    assert len(set(messages.values_list("request_id", flat=True))) == MESSAGES
    assert len(folder_uids(imap_server, imap_user, "Processed")) == MESSAGES
    refreshed = Mailbox.objects.get(pk=mailbox.pk)
    assert refreshed.messages_taken == MESSAGES
    assert refreshed.last_success_at
