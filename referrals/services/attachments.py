"""Files on a request (issue 20): checked (limits, the allow-list read from the content, the virus scan)
and kept through the "attachments" storage.

Forms check first (`check_uploads`: every problem as a field error, nothing saved) and the service then
keeps what the form checked (`store`), in the caller's transaction. Email cannot be answered with a field
error, so a file from an email that may not be kept is left out and noted on its timeline entry
(`event.data["refused_files"]`), and an infected one is recorded without its content. A scanner that is
down (CLAMAV_URL set) refuses a form ("try again later") and makes `store` raise `ScannerUnavailable`,
so that the poll takes the message again later.

A file written to storage by a transaction that then rolls back would be left behind: callers wrap the
transaction in `removed_on_failure()`.
"""

import io
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import Action as AuditAction
from audit.services import record as audit_record
from exportcenter import clamav, uploads
from exportcenter.clamav import ScannerUnavailable

from ..models import AdviceRequest, Attachment, RequestEvent

__all__ = [
    "AttachmentsRefused",
    "Checked",
    "ScannerUnavailable",
    "check",
    "check_uploads",
    "on_timeline",
    "removed_on_failure",
    "store",
]

logger = logging.getLogger(__name__)

# The audit log's action for a file the scanner refused.
VIRUS_FOUND = AuditAction.VIRUS_FOUND

_written: ContextVar[list[str] | None] = ContextVar("attachments_written", default=None)


class AttachmentsRefused(ValueError):
    """`store` was given files from a form that may not be kept (the form should have said so)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Checked:
    """One file, read and scanned: what `store` keeps (or records as refused)."""

    inspection: uploads.Inspection
    scanned: bool = False
    signature: str = ""  # what the scanner found ("" when clean or not scanned)

    @property
    def infected(self) -> bool:
        return bool(self.signature)

    @property
    def ok(self) -> bool:
        return self.inspection.ok and not self.infected


def _stream(file: Any) -> tuple[str, BinaryIO, int]:
    """(name, a seekable binary stream, size) of an uploaded file or a mail part (.filename, .data)."""
    if hasattr(file, "data") and hasattr(file, "filename"):
        data = bytes(file.data or b"")
        return file.filename or "", io.BytesIO(data), len(data)
    stream = getattr(file, "file", file)
    size = getattr(file, "size", None)
    if size is None:
        stream.seek(0, io.SEEK_END)
        size = stream.tell()
    stream.seek(0)
    return getattr(file, "name", "") or "", stream, size


def _check_one(file: Any, *, email: bool) -> Checked:
    cached = getattr(file, "_attachment_checked", None)
    if isinstance(cached, Checked):
        return cached
    name, stream, size = _stream(file)
    inspection = uploads.inspect(stream, name=name, size=size, email=email)
    checked = Checked(inspection)
    if inspection.ok and clamav.enabled():
        stream.seek(0)
        result = clamav.scan(stream)  # ScannerUnavailable goes up: nothing is kept unscanned
        stream.seek(0)
        checked = Checked(inspection, scanned=True, signature=result.signature if result.infected else "")
    with suppress(AttributeError, TypeError):  # a frozen mail part keeps nothing
        file._attachment_checked = checked  # the form's check is the service's: scanned once
    return checked


def check(files: Iterable[Any], *, email: bool = False) -> list[Checked]:
    """Read and scan each file. Raises ScannerUnavailable when the scanner (CLAMAV_URL) does not answer."""
    return [_check_one(file, email=email) for file in files]


def _record_virus(checked: Checked, *, source: str, request: AdviceRequest | None, by=None) -> None:
    inspection = checked.inspection
    audit_record(
        VIRUS_FOUND,
        actor=by,
        obj=request,
        source=source,
        name=inspection.name,
        size=inspection.size,
        sha256=inspection.sha256,
        signature=checked.signature,
    )
    logger.warning("Virus found in a file (%s): %s", source, checked.signature)


def problem_text(checked: Checked) -> str:
    """Why a file may not be kept, in words for the form."""
    inspection = checked.inspection
    name = inspection.name
    if checked.infected:
        return _("“%(name)s” contains a virus (%(signature)s) and was refused.") % {
            "name": name,
            "signature": checked.signature,
        }
    if inspection.problem == "empty":
        return _("“%(name)s” is empty.") % {"name": name}
    if inspection.problem == "too_large":
        return _("“%(name)s” is %(size)s: a file may be at most %(limit)s.") % {
            "name": name,
            "size": filesizeformat(inspection.size),
            "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        }
    return _("“%(name)s” is a kind of file we do not accept (%(type)s). Allowed: %(allowed)s.") % {
        "name": name,
        "type": inspection.content_type or "?",
        "allowed": uploads.allowed_names(),
    }


def too_many_text(count: int) -> str:
    limit = settings.ATTACHMENT_MAX_COUNT
    return ngettext(
        "You can send at most %(limit)s file at a time; you chose %(count)s.",
        "You can send at most %(limit)s files at a time; you chose %(count)s.",
        limit,
    ) % {"limit": limit, "count": count}


def scanner_unavailable_text() -> str:
    return _(
        "The virus check of files is not available just now, so nothing was saved. Please try again in a "
        "few minutes."
    )


def check_uploads(
    files: list[Any], *, source: str, request: AdviceRequest | None = None, by=None
) -> list[str]:
    """The problems with a form's files, in words (none: they may be stored). Files with a virus are
    recorded in the audit log (the form keeps nothing, so there is no row for them)."""
    if not files:
        return []
    if len(files) > settings.ATTACHMENT_MAX_COUNT:
        return [too_many_text(len(files))]
    try:
        checked = check(files)
    except ScannerUnavailable as error:
        logger.warning("Files refused: the virus scanner is unavailable (%s)", error)
        return [scanner_unavailable_text()]
    errors = []
    for item in checked:
        if item.infected:
            _record_virus(item, source=source, request=request, by=by)
        if not item.ok:
            errors.append(problem_text(item))
    return errors


def on_timeline(events: list[RequestEvent]) -> list[RequestEvent]:
    """Read the files of these timeline entries in one query, or none when no entry has files (`store` counts
    them in `event.data["files"]`); `event.attachments.all()` then asks nothing."""
    with_files = [event for event in events if (event.data or {}).get("files")]
    for event in events:
        if not (event.data or {}).get("files"):
            cache = event.__dict__.setdefault("_prefetched_objects_cache", {})
            cache["attachments"] = Attachment.objects.none()
    if with_files:
        prefetch_related_objects(
            with_files, Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "pk"))
        )
    return events


@contextmanager
def removed_on_failure() -> Iterator[None]:
    """Files written inside this block are deleted again if it ends with an exception (the transaction
    that would have kept their rows rolled back). Wrap the `transaction.atomic()` block in it."""
    written: list[str] = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        _delete_files(written)
        raise
    finally:
        _written.reset(token)


def _delete_files(names: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # a file we cannot delete is logged, never a reason to hide the real error
            logger.exception("Could not delete the attachment file %s", name)


def _keep(checked: Checked, stream: BinaryIO, attachment: Attachment) -> None:
    """Write the file under a random name (attachment_path) and remember it for `removed_on_failure`."""
    stream.seek(0)
    attachment.file.save(checked.inspection.name, File(stream), save=False)
    written = _written.get()
    if written is not None:
        written.append(attachment.file.name)


def store(
    *, request: AdviceRequest, event: RequestEvent | None, files: Iterable[Any], source: str, by=None
) -> list[Attachment]:
    """Keep `files` (uploaded files, or mail parts with .filename/.content_type/.data) on the request's
    timeline entry `event`, in the caller's transaction. Returns the rows made: the kept files and, from
    email, the infected ones (recorded, without content).

    From a form every file must be fine (the form checked): else `AttachmentsRefused`. From email, files that
    may not be kept are left out and named in `event.data["refused_files"]`.
    Raises ScannerUnavailable when CLAMAV_URL is set and clamd does not answer.
    """
    files = list(files)
    if not files:
        return []
    email = source == Attachment.Source.EMAIL
    over = files[settings.ATTACHMENT_MAX_COUNT :] if email else []
    files = files[: settings.ATTACHMENT_MAX_COUNT] if email else files
    if not email and len(files) > settings.ATTACHMENT_MAX_COUNT:
        raise AttachmentsRefused([too_many_text(len(files))])
    checked = check(files, email=email)
    if not email and (errors := [problem_text(item) for item in checked if not item.ok]):
        raise AttachmentsRefused(errors)

    now = timezone.now()
    rows: list[Attachment] = []
    refused: list[dict[str, Any]] = []
    written: list[str] = []
    try:
        for file, item in zip(files, checked, strict=True):
            inspection = item.inspection
            if not inspection.ok:
                refused.append(
                    {"name": inspection.name, "size": inspection.size, "reason": inspection.problem}
                )
                continue
            attachment = Attachment(
                request=request,
                event=event,
                name=inspection.name,
                content_type=inspection.content_type,
                size=inspection.size,
                sha256=inspection.sha256,
                source=source,
                scan=Attachment.Scan.CLEAN if item.scanned else Attachment.Scan.NOT_SCANNED,
                uploaded_by=by,
                created_at=now,
            )
            if item.infected:
                attachment.scan = Attachment.Scan.INFECTED
                attachment.scan_detail = item.signature
                _record_virus(item, source=source, request=request, by=by)
            else:
                _keep(item, _stream(file)[1], attachment)
                written.append(attachment.file.name)
            rows.append(attachment)
        with transaction.atomic():
            Attachment.objects.bulk_create(rows)
            refused += [{"name": uploads.safe_name(_stream(file)[0]), "reason": "too_many"} for file in over]
            if (refused or rows) and event is not None:
                # The entry says it has files, so the timeline reads them only where there are some.
                data = {**(event.data or {}), "files": (event.data or {}).get("files", 0) + len(rows)}
                if refused:
                    data["refused_files"] = refused
                event.data = data
                event.save(update_fields=["data"])
    except BaseException:
        if _written.get() is None:  # nobody outside cleans up: do it here
            _delete_files(written)
        raise
    return rows
