"""Polling a mailbox: each message taken once, and nothing lost when a worker or the server dies mid-poll.

`poll(mailbox)` holds a lock per mailbox for the whole poll (two polls at once: one polls, the other returns
at once). For each message, oldest first (at most MAIL_POLL_BATCH per poll):

1. Skip what is taken already (`ingest.already_taken`: its UID under the folder's UIDVALIDITY is recorded).
2. A message larger than MAIL_MAX_MESSAGE_BYTES is not downloaded: `ingest.refuse` records it (from its
   header) and it is flagged $Exportcenter where it is.
3. Else download it and `ingest.take` it (its own transaction, idempotent on the Message-ID).
4. Only then move it to the processed folder (MOVE; else COPY, \\Deleted and UID EXPUNGE), or flag it
   $Exportcenter when the mailbox has no processed folder.

A crash (a killed worker, a dead connection) between 3 and 4 leaves a message that is taken but not moved:
the next poll finds its UID recorded and only moves it. When the folder's UIDVALIDITY changes (the folder was
recreated: every UID is new) the Message-ID makes `take` a no-op for what was taken before. One message that
cannot be taken (an error in ingest) is left for the next poll and does not stop the others.

The mailbox's state is written as it goes: last_poll_at, messages_taken (by `ingest.take`, per message),
and at the end last_success_at, or last_error / last_error_at in words (never a password).
"""

import contextlib
import imaplib
import logging
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exportcenter.locks import lock_key

from . import imap, ingest, local
from .limits import HEADER_BYTES, too_large, too_large_reason
from .models import Mailbox

log = logging.getLogger(__name__)

KEYWORD = "$Exportcenter"
LOCK_SECONDS = 30 * 60  # the cache lock's expiry (SQLite only; PostgreSQL's lock ends with the connection)


@dataclass
class PollResult:
    polled: bool = True  # False: another poll of this mailbox was running, nothing done
    taken: int = 0  # new messages taken
    again: int = 0  # taken before (a crash or a UIDVALIDITY change), only moved now
    refused: int = 0
    failed: int = 0  # left for the next poll
    error: str = ""  # in words: why the poll stopped

    @property
    def ok(self) -> bool:
        return self.polled and not self.error


@contextlib.contextmanager
def mailbox_lock(mailbox_id: int) -> Iterator[bool]:
    """A lock for polling one mailbox, held outside any transaction (each message is committed on its own).

    PostgreSQL: a session-level advisory lock, released at the end, and by the server when the process dies
    (a worker killed with SIGKILL leaves no stale lock). SQLite (`make run`): an atomic cache key with an
    expiry."""
    name = f"mailboxes.poll:{mailbox_id}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(name)])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with contextlib.suppress(Exception), connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(name)])
        return
    key = f"advisory-lock:{name}"
    acquired = cache.add(key, 1, LOCK_SECONDS)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(key)


def poll(mailbox: Mailbox) -> PollResult:
    """Take the new messages of `mailbox` (see the module's docstring). Never raises for a mail-server
    problem: it is recorded on the mailbox and in the result."""
    with mailbox_lock(mailbox.pk) as acquired:
        if not acquired:
            return PollResult(polled=False)
        mailbox.refresh_from_db()
        Mailbox.objects.filter(pk=mailbox.pk).update(last_poll_at=timezone.now())
        result = PollResult()
        try:
            if mailbox.kind == Mailbox.Kind.LOCAL:
                local.poll(mailbox, result)
            else:
                _poll_imap(mailbox, result)
        except imap.ImapProblem as problem:
            result.error = problem.message
        except local.LocalFolderProblem as problem:
            result.error = str(problem)
        except (imaplib.IMAP4.error, OSError, EOFError) as error:
            result.error = imap.scrub(_connection_lost(mailbox, error), "")
        except Exception:
            log.exception("mailbox %s: the poll failed", mailbox.pk)
            result.error = _("The poll failed unexpectedly; the details are in the worker's log.")
        _record(mailbox, result)
        log.info(
            "mailbox %s polled: %s taken, %s again, %s refused, %s failed%s",
            mailbox.pk,
            result.taken,
            result.again,
            result.refused,
            result.failed,
            " (problem)" if result.error else "",
        )
        return result


def _connection_lost(mailbox, error) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return imap.network_problem(error, mailbox).message
    if isinstance(error, imaplib.IMAP4.error) and not isinstance(error, imaplib.IMAP4.abort):
        return _("The server %(host)s refused a command during the poll (%(command)s).") % {
            "host": mailbox.host,
            "command": str(error).split(":")[0][:40],
        }
    return _("The connection to %(host)s was lost during the poll; the rest is taken at the next poll.") % {
        "host": mailbox.host
    }


def _record(mailbox: Mailbox, result: PollResult) -> None:
    now = timezone.now()
    if result.error:
        changes = {"last_error": result.error[:500], "last_error_at": now}
    else:
        changes = {"last_success_at": now, "last_error": "", "last_error_at": None}
        if result.failed:
            changes.update(
                last_error=ngettext(
                    "%(count)s message could not be taken; it is tried again at the next poll.",
                    "%(count)s messages could not be taken; they are tried again at the next poll.",
                    result.failed,
                )
                % {"count": result.failed},
                last_error_at=now,
            )
    Mailbox.objects.filter(pk=mailbox.pk).update(**changes)


# --- IMAP -------------------------------------------------------------------------------------------------


def _ok(response, what: str):
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what}: {status}")
    return data


def _capabilities(client) -> set[str]:
    with contextlib.suppress(imaplib.IMAP4.error):
        data = _ok(client.capability(), "CAPABILITY")
        return {word.upper() for word in b" ".join(d for d in data if d).decode(errors="replace").split()}
    return {c.upper() for c in client.capabilities}


def _sizes(client, uids: list[int]) -> dict[int, int]:
    data = _ok(client.uid("FETCH", ",".join(map(str, uids)), "(RFC822.SIZE)"), "FETCH")
    sizes = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if not line:
            continue
        uid = re.search(rb"UID (\d+)", line)
        size = re.search(rb"RFC822\.SIZE (\d+)", line)
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _fetch(client, uid: int, part: str) -> bytes | None:
    data = _ok(client.uid("FETCH", str(uid), f"({part})"), "FETCH")
    for item in data:
        if isinstance(item, tuple) and re.search(rb"UID %d\b" % uid, item[0]):
            return item[1]
    for item in data:  # servers that put UID after the literal
        if isinstance(item, tuple):
            return item[1]
    return None


class _Folder:
    """The IMAP side of one poll: selected folder, how to finish a message."""

    def __init__(self, client, mailbox: Mailbox):
        self.client = client
        self.mailbox = mailbox
        self.capabilities = _capabilities(client)
        self.processed_ready = False

    def flag(self, uid: int) -> None:
        _ok(self.client.uid("STORE", str(uid), "+FLAGS", f"({KEYWORD})"), "STORE")

    def finish(self, uid: int) -> None:
        """Move a taken message to the processed folder, or flag it where it is."""
        target = self.mailbox.processed_folder.strip()
        if not target:
            self.flag(uid)
            return
        encoded = imap.encode_folder(target)
        if not self.processed_ready:
            status, _data = self.client.create(encoded)  # NO when it exists: fine
            if status != "OK":
                _ok(self.client.status(encoded, "(MESSAGES)"), "STATUS")  # it must exist now
            self.processed_ready = True
        if "MOVE" in self.capabilities:
            _ok(self.client.uid("MOVE", str(uid), encoded), "MOVE")
            return
        _ok(self.client.uid("COPY", str(uid), encoded), "COPY")
        _ok(self.client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"), "STORE")
        if "UIDPLUS" in self.capabilities:
            _ok(self.client.uid("EXPUNGE", str(uid)), "EXPUNGE")
        else:
            _ok(self.client.expunge(), "EXPUNGE")


def _poll_imap(mailbox: Mailbox, result: PollResult) -> None:
    client = imap.connect(mailbox)
    try:
        uidvalidity = imap.select(client, mailbox.folder or "INBOX")
        if mailbox.uidvalidity != uidvalidity:
            if mailbox.uidvalidity is not None:
                log.warning(
                    "mailbox %s: UIDVALIDITY changed from %s to %s; Message-IDs keep what was taken from "
                    "being taken again",
                    mailbox.pk,
                    mailbox.uidvalidity,
                    uidvalidity,
                )
            Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity)
            mailbox.uidvalidity = uidvalidity
        folder = _Folder(client, mailbox)
        data = _ok(client.uid("SEARCH", None, "UNDELETED", "UNKEYWORD", KEYWORD), "SEARCH")
        uids = sorted(int(n) for n in b" ".join(d for d in data if d).split())[: settings.MAIL_POLL_BATCH]
        if not uids:
            return
        sizes = _sizes(client, uids)
        for uid in uids:
            _one(mailbox, folder, uid, uidvalidity, sizes.get(uid), result)
    finally:
        with contextlib.suppress(Exception):
            client.logout()


def _one(mailbox, folder: _Folder, uid: int, uidvalidity: int, size: int | None, result: PollResult) -> None:
    """Take one message. A mail-server error stops the poll (raised); an error in ingest skips it."""
    if ingest.already_taken(mailbox, uid=uid, uidvalidity=uidvalidity):
        folder.finish(uid)
        result.again += 1
        return
    if size is not None and too_large(size):
        head = _fetch(folder.client, uid, f"BODY.PEEK[HEADER]<0.{HEADER_BYTES}>") or b""
        try:
            ingest.refuse(
                mailbox, uid=uid, uidvalidity=uidvalidity, size=size, reason=too_large_reason(size), head=head
            )
        except Exception:
            log.exception("mailbox %s: recording the refused message UID %s failed", mailbox.pk, uid)
            result.failed += 1
            return
        folder.flag(uid)  # left where it is, and not looked at again
        result.refused += 1
        return
    raw = _fetch(folder.client, uid, "BODY.PEEK[]")
    if raw is None:  # expunged meanwhile (another client)
        return
    try:
        taken = ingest.take(mailbox, raw, uid=uid, uidvalidity=uidvalidity)
    except Exception:
        log.exception(
            "mailbox %s: taking the message UID %s failed; it is tried again at the next poll",
            mailbox.pk,
            uid,
        )
        result.failed += 1
        return
    if taken.created:  # take() counted it on the mailbox, in its own transaction
        result.taken += 1
    else:
        result.again += 1
    folder.finish(uid)
