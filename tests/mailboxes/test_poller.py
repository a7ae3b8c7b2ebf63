"""The poller against a real dovecot (tests/dovecot.py): each message taken once, moved or flagged, the
UIDVALIDITY, oversized messages, one bad message among good ones, and the mailbox's state in words."""

import threading

import pytest
from django.db import connection

from mailboxes import imap, ingest, poller
from mailboxes.models import InboundMessage, Mailbox
from tests.mailboxes.conftest import make_message

pytestmark = pytest.mark.usefixtures("in_english")


def folder_uids(server, user, folder="INBOX", criteria="ALL") -> list[int]:
    client = server.client(user)
    try:
        status, _data = client.select(imap.encode_folder(folder), readonly=True)
        if status != "OK":
            return []
        status, data = client.uid("SEARCH", None, criteria)
        return [int(n) for n in data[0].split()]
    finally:
        client.logout()


def subjects(mailbox) -> list[str]:
    return sorted(InboundMessage.objects.filter(mailbox=mailbox).values_list("subject", flat=True))


def test_new_messages_are_taken_once_and_moved_to_the_processed_folder(
    imap_mailbox, imap_user, imap_server, deliver
):
    for n in range(3):
        deliver(imap_user, make_message(f"Förfrågan {n}", sender=f"Person {n} <p{n}@foretag{n}.example>"))
    mailbox = imap_mailbox(imap_user)

    result = poller.poll(mailbox)

    assert (result.polled, result.taken, result.again, result.failed, result.error) == (True, 3, 0, 0, "")
    assert subjects(mailbox) == ["Förfrågan 0", "Förfrågan 1", "Förfrågan 2"]
    assert folder_uids(imap_server, imap_user) == []
    assert len(folder_uids(imap_server, imap_user, "Processed")) == 3
    mailbox.refresh_from_db()
    assert mailbox.messages_taken == 3
    assert mailbox.last_poll_at and mailbox.last_success_at and mailbox.last_error == ""
    assert mailbox.uidvalidity
    taken = InboundMessage.objects.filter(mailbox=mailbox)
    assert {m.uidvalidity for m in taken} == {mailbox.uidvalidity}
    assert sorted(m.uid for m in taken) == [1, 2, 3]
    assert all(m.outcome == InboundMessage.Outcome.NEW_REQUEST for m in taken)

    again = poller.poll(mailbox)
    assert (again.taken, again.again) == (0, 0)
    assert InboundMessage.objects.filter(mailbox=mailbox).count() == 3


def test_the_same_message_delivered_twice_is_taken_once(imap_mailbox, imap_user, imap_server, deliver):
    raw = make_message("Samma brev två gånger", message_id="<same.4711@bergsmide.example>")
    deliver(imap_user, raw)
    deliver(imap_user, raw)
    mailbox = imap_mailbox(imap_user)
    result = poller.poll(mailbox)
    assert (result.taken, result.again) == (1, 1)
    assert InboundMessage.objects.filter(mailbox=mailbox).count() == 1
    assert folder_uids(imap_server, imap_user) == []
    assert len(folder_uids(imap_server, imap_user, "Processed")) == 2


def test_without_a_processed_folder_messages_are_flagged_and_stay(
    imap_mailbox, imap_user, imap_server, deliver
):
    deliver(imap_user, make_message("Flaggas 1"))
    deliver(imap_user, make_message("Flaggas 2"))
    mailbox = imap_mailbox(imap_user, processed_folder="")
    assert poller.poll(mailbox).taken == 2
    assert len(folder_uids(imap_server, imap_user)) == 2
    assert len(folder_uids(imap_server, imap_user, criteria=f"KEYWORD {poller.KEYWORD}")) == 2
    deliver(imap_user, make_message("Flaggas 3"))
    result = poller.poll(mailbox)
    assert (result.taken, result.again) == (1, 0)
    assert len(subjects(mailbox)) == 3


def test_a_processed_folder_with_swedish_letters_is_created(imap_mailbox, imap_user, imap_server, deliver):
    deliver(imap_user, make_message("Till behandlat"))
    mailbox = imap_mailbox(imap_user, processed_folder="Behandlat av Exportcenter – åäö")
    assert poller.poll(mailbox).taken == 1
    assert len(folder_uids(imap_server, imap_user, "Behandlat av Exportcenter – åäö")) == 1


def test_a_crash_between_taking_and_moving_only_moves_it_next_time(
    imap_mailbox, imap_user, imap_server, deliver
):
    raw = make_message("Tagen men inte flyttad")
    deliver(imap_user, raw)
    deliver(imap_user, make_message("Ny"))
    mailbox = imap_mailbox(imap_user)
    client = imap_server.client(imap_user)
    uidvalidity = imap.select(client, "INBOX", readonly=True)
    client.logout()
    # What a worker killed right after `take` leaves behind: the message recorded, still in the folder.
    assert ingest.take(mailbox, raw, uid=1, uidvalidity=uidvalidity).created

    result = poller.poll(mailbox)

    assert (result.taken, result.again) == (1, 1)
    assert subjects(mailbox) == ["Ny", "Tagen men inte flyttad"]
    assert folder_uids(imap_server, imap_user) == []
    assert len(folder_uids(imap_server, imap_user, "Processed")) == 2
    mailbox.refresh_from_db()
    assert mailbox.messages_taken == 2


def test_a_new_uidvalidity_takes_nothing_twice(imap_mailbox, imap_user, imap_server, deliver):
    first = make_message("Före", message_id="<before.1@bergsmide.example>")
    deliver(imap_user, first, folder="Export")
    mailbox = imap_mailbox(imap_user, folder="Export", processed_folder="")
    assert poller.poll(mailbox).taken == 1
    mailbox.refresh_from_db()
    old = mailbox.uidvalidity

    # The folder is deleted and made again (a restore, a migration): every UID is new, and so is UIDVALIDITY.
    client = imap_server.client(imap_user)
    assert client.delete(imap.encode_folder("Export"))[0] == "OK"
    client.logout()
    deliver(imap_user, first, folder="Export")
    deliver(imap_user, make_message("Efter"), folder="Export")

    result = poller.poll(mailbox)

    mailbox.refresh_from_db()
    assert mailbox.uidvalidity != old
    assert (result.taken, result.again) == (1, 1)
    assert subjects(mailbox) == ["Efter", "Före"]
    assert set(InboundMessage.objects.filter(mailbox=mailbox).values_list("uidvalidity", flat=True)) == {
        mailbox.uidvalidity
    }


def test_an_oversized_message_is_refused_from_its_header_and_left_where_it_is(
    imap_mailbox, imap_user, imap_server, deliver, settings
):
    settings.MAIL_MAX_MESSAGE_BYTES = 20_000
    deliver(imap_user, make_message("Alldeles för stort", padding=60_000))
    deliver(imap_user, make_message("Lagom"))
    mailbox = imap_mailbox(imap_user)

    result = poller.poll(mailbox)

    assert (result.taken, result.refused) == (1, 1)
    refused = InboundMessage.objects.get(mailbox=mailbox, outcome=InboundMessage.Outcome.REFUSED)
    assert refused.subject == "Alldeles för stort"
    assert refused.size > 60_000 and refused.body_text == ""
    assert "larger" in refused.error
    assert folder_uids(imap_server, imap_user) == [1]  # left in the inbox, flagged
    assert poller.poll(mailbox).refused == 0
    assert InboundMessage.objects.filter(mailbox=mailbox).count() == 2


def test_one_message_that_cannot_be_taken_does_not_stop_the_others(
    imap_mailbox, imap_user, imap_server, deliver, monkeypatch
):
    for subject in ("Första", "Databasen svarar inte", "Tredje"):
        deliver(imap_user, make_message(subject))
    mailbox = imap_mailbox(imap_user)
    real_take = ingest.take

    def take(mailbox, raw, **kwargs):
        if b"Databasen svarar inte" in raw:
            raise ConnectionError("the database went away")  # as ingest raises for "try again later"
        return real_take(mailbox, raw, **kwargs)

    monkeypatch.setattr(ingest, "take", take)
    result = poller.poll(mailbox)
    assert (result.taken, result.failed, result.error) == (2, 1, "")
    mailbox.refresh_from_db()
    assert mailbox.last_error == "1 message could not be taken; it is tried again at the next poll."
    assert mailbox.last_error_at and mailbox.last_success_at
    assert folder_uids(imap_server, imap_user) == [2]

    monkeypatch.setattr(ingest, "take", real_take)
    assert poller.poll(mailbox).taken == 1
    assert subjects(mailbox) == ["Databasen svarar inte", "Första", "Tredje"]
    mailbox.refresh_from_db()
    assert mailbox.last_error == "" and mailbox.last_error_at is None


def test_the_batch_limits_a_poll(imap_mailbox, imap_user, deliver, settings):
    settings.MAIL_POLL_BATCH = 2
    for n in range(3):
        deliver(imap_user, make_message(f"Brev {n}"))
    mailbox = imap_mailbox(imap_user)
    assert poller.poll(mailbox).taken == 2
    assert poller.poll(mailbox).taken == 1


def test_a_poll_that_cannot_log_in_records_the_problem_in_words(imap_mailbox, imap_user, private_imap_server):
    from mailboxes import secrets

    mailbox = imap_mailbox(
        imap_user, server=private_imap_server, password_encrypted=secrets.encrypt("fel-4711")
    )
    result = poller.poll(mailbox)
    assert not result.ok
    mailbox.refresh_from_db()
    assert mailbox.last_error.startswith("The server refused the login for")
    assert "4711" not in mailbox.last_error
    assert mailbox.last_error_at and mailbox.last_poll_at and mailbox.last_success_at is None


def test_a_poll_of_a_missing_folder_says_so(imap_mailbox, imap_user):
    mailbox = imap_mailbox(imap_user, folder="Finns inte")
    poller.poll(mailbox)
    mailbox.refresh_from_db()
    assert mailbox.last_error == "There is no folder called “Finns inte” in this mailbox."


@pytest.mark.django_db(transaction=True)
def test_two_polls_at_once_one_polls_the_other_returns(imap_mailbox, imap_user, deliver):
    deliver(imap_user, make_message("Bara en gång"))
    mailbox = imap_mailbox(imap_user)
    holding, release = threading.Event(), threading.Event()

    def other_poll():
        try:
            with poller.mailbox_lock(mailbox.pk) as acquired:
                assert acquired
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_poll)
    thread.start()
    try:
        assert holding.wait(30)
        result = poller.poll(mailbox)
        assert not result.polled and InboundMessage.objects.count() == 0
    finally:
        release.set()
        thread.join()
    assert poller.poll(mailbox).taken == 1
    assert Mailbox.objects.get(pk=mailbox.pk).messages_taken == 1


@pytest.mark.django_db(transaction=True)
def test_two_pollers_racing_take_each_message_once(imap_mailbox, imap_user, deliver):
    for n in range(8):
        deliver(imap_user, make_message(f"Kapplöpning {n}"))
    mailbox = imap_mailbox(imap_user)
    results = []

    def run():
        try:
            results.append(poller.poll(Mailbox.objects.get(pk=mailbox.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.taken for r in results) == 8
    assert InboundMessage.objects.filter(mailbox=mailbox).count() == 8
