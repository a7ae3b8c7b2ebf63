"""The local folder (MAIL_LOCAL_FOLDER, `make run`): a Maildir plus .eml files dropped in it; no server."""

import os
import time

import pytest

from mailboxes import ingest, local, poller
from mailboxes.models import InboundMessage
from tests.mailboxes.conftest import make_message

pytestmark = pytest.mark.usefixtures("in_english")


def drop(path, raw, age=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    if age:
        stamp = time.time() - age
        os.utime(path, (stamp, stamp))
    return path


def test_maildir_new_and_cur_and_dropped_eml_files_are_taken_and_moved(local_mailbox, settings):
    root = local.folder()
    drop(root / "new" / "1733.M1P1.host", make_message("Från new"), age=30)
    drop(root / "cur" / "1733.M2P1.host:2,S", make_message("Från cur"), age=20)
    drop(root / "brev.eml", make_message("Släppt i mappen"), age=10)
    drop(root / "tmp" / "halvskriven", make_message("Skrivs fortfarande"))
    drop(root / ".dold.eml", make_message("Dold"))

    result = poller.poll(local_mailbox)

    assert (result.taken, result.error) == (3, "")
    assert sorted(InboundMessage.objects.values_list("subject", flat=True)) == [
        "Från cur",
        "Från new",
        "Släppt i mappen",
    ]
    assert sorted(p.name for p in (root / "processed").iterdir()) == [
        "1733.M1P1.host",
        "1733.M2P1.host:2,S",
        "brev.eml",
    ]
    assert local.waiting(root) == []
    assert (root / "tmp" / "halvskriven").exists()
    local_mailbox.refresh_from_db()
    assert local_mailbox.messages_taken == 3 and local_mailbox.last_success_at

    assert poller.poll(local_mailbox).taken == 0


def test_the_folder_and_its_maildir_folders_are_made_when_missing(local_mailbox, settings):
    assert not os.path.exists(settings.MAIL_LOCAL_FOLDER)
    assert poller.poll(local_mailbox).ok
    assert {p.name for p in local.folder().iterdir()} >= {"new", "cur", "tmp", "processed"}


def test_a_crash_between_taking_and_moving_only_moves_it_next_time(local_mailbox):
    root = local.folder()
    raw = make_message("Tagen innan kraschen")
    drop(root / "new" / "a.eml", raw)
    ingest.take(local_mailbox, raw)  # taken, then the worker died before the move

    result = poller.poll(local_mailbox)

    assert (result.taken, result.again) == (0, 1)
    assert InboundMessage.objects.count() == 1
    assert (root / "processed" / "a.eml").exists()


def test_the_same_name_twice_keeps_both_files(local_mailbox):
    root = local.folder()
    drop(root / "brev.eml", make_message("Först"))
    poller.poll(local_mailbox)
    drop(root / "brev.eml", make_message("Sedan"))
    poller.poll(local_mailbox)
    assert len(list((root / "processed").iterdir())) == 2
    assert InboundMessage.objects.count() == 2


def test_an_oversized_file_is_refused_and_moved(local_mailbox, settings):
    settings.MAIL_MAX_MESSAGE_BYTES = 10_000
    root = local.folder()
    drop(root / "stor.eml", make_message("För stort", padding=30_000))
    result = poller.poll(local_mailbox)
    assert result.refused == 1
    refused = InboundMessage.objects.get()
    assert (refused.outcome, refused.subject) == (InboundMessage.Outcome.REFUSED, "För stort")
    assert (root / "processed" / "stor.eml").exists()


def test_a_local_mailbox_is_refused_when_mail_local_folder_is_empty(local_mailbox, settings):
    settings.MAIL_LOCAL_FOLDER = ""
    result = poller.poll(local_mailbox)
    assert not result.ok
    local_mailbox.refresh_from_db()
    assert local_mailbox.last_error == (
        "A folder on the server can only be used when MAIL_LOCAL_FOLDER is set (it is not, here)."
    )
    assert local_mailbox.last_error_at and local_mailbox.last_success_at is None


def test_a_message_without_a_message_id_is_taken_once(local_mailbox):
    root = local.folder()
    raw = make_message("Utan Message-ID", message_id=False)
    drop(root / "a.eml", raw)
    poller.poll(local_mailbox)
    drop(root / "b.eml", raw)  # the same bytes again
    result = poller.poll(local_mailbox)
    assert (result.taken, result.again) == (0, 1)
    assert InboundMessage.objects.count() == 1
