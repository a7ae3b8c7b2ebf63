"""The local folder: the embedded default's mailbox (`make run`), no mail server needed.

MAIL_LOCAL_FOLDER is read as a Maildir (messages in new/ and cur/) and as a plain folder: an .eml file dropped
straight in it is taken too. A message taken is moved to <folder>/processed/ (so a crash between taking and
moving only moves it at the next poll: `ingest.take` is idempotent on the Message-ID). A message larger than
MAIL_MAX_MESSAGE_BYTES is refused (recorded from its header) and moved to processed/ as well.

A mailbox of kind "local" is refused when MAIL_LOCAL_FOLDER is empty (production).
"""

import contextlib
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from . import ingest
from .limits import HEADER_BYTES, too_large, too_large_reason

log = logging.getLogger(__name__)


class LocalFolderProblem(Exception):
    pass


def folder() -> Path:
    """The local folder, with its Maildir sub-folders created. Raises LocalFolderProblem when not set."""
    if not settings.MAIL_LOCAL_FOLDER:
        raise LocalFolderProblem(
            _("A folder on the server can only be used when MAIL_LOCAL_FOLDER is set (it is not, here).")
        )
    root = Path(settings.MAIL_LOCAL_FOLDER)
    try:
        for name in ("new", "cur", "tmp", "processed"):
            (root / name).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LocalFolderProblem(
            _("The folder %(folder)s cannot be used: %(error)s") % {"folder": root, "error": error.strerror}
        ) from None
    return root


def waiting(root: Path) -> list[Path]:
    """The messages waiting, oldest first: Maildir new/ and cur/, and *.eml in the folder itself."""
    found = []
    for place, pattern in ((root / "new", "*"), (root / "cur", "*"), (root, "*.eml")):
        for path in place.glob(pattern):
            if path.name.startswith(".") or not path.is_file():
                continue
            with contextlib.suppress(OSError):
                found.append((path.stat().st_mtime, path.name, path))
    return [path for _mtime, _name, path in sorted(found)]


def move_to_processed(root: Path, path: Path) -> Path:
    target = root / "processed" / path.name
    if target.exists():
        target = target.with_name(f"{uuid.uuid4().hex[:8]}-{path.name}")
    path.replace(target)
    return target


def head_of(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(HEADER_BYTES)
    for separator in (b"\r\n\r\n", b"\n\n"):
        if separator in data:
            return data.split(separator, 1)[0] + separator
    return data


def poll(mailbox, result) -> None:
    """Take the waiting messages (at most MAIL_POLL_BATCH); `result` is the poller's PollResult."""
    root = folder()
    for path in waiting(root)[: settings.MAIL_POLL_BATCH]:
        try:
            size = path.stat().st_size
            if too_large(size):
                ingest.refuse(
                    mailbox,
                    uid=None,
                    uidvalidity=None,
                    size=size,
                    reason=too_large_reason(size),
                    head=head_of(path),
                )
                result.refused += 1
            else:
                taken = ingest.take(mailbox, path.read_bytes())
                if taken.created:  # take() counted it on the mailbox
                    result.taken += 1
                else:
                    result.again += 1
        except FileNotFoundError:
            continue  # taken by someone else meanwhile
        except Exception:
            log.exception(
                "mailbox %s: taking %s failed; it is tried again at the next poll", mailbox.pk, path.name
            )
            result.failed += 1
            continue
        move_to_processed(root, path)
