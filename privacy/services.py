"""Writes of the GDPR tools: export and erase one person, the retention run, legal hold.

Erasure anonymises: the rows stay, so the dashboards count the same requests, activities and companies
before and after; what identifies the person and the free text go (see `privacy.parts`).
"""

import io
import json
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import Action, Channel, record
from companies.models import Company, Contact
from exportcenter.locks import advisory_lock
from exportcenter.personal_data import Subject, parts
from exportcenter.spreadsheets import COMMA, csv_lines
from referrals.models import AdviceRequest

from . import parts as privacy_parts
from . import selectors
from .models import RetentionRun

logger = logging.getLogger(__name__)

RETENTION_LOCK = "privacy:retention"


class ErasureBlocked(Exception):
    """Something of the person's is on legal hold: nothing was erased."""

    def __init__(self, held: list[str]):
        super().__init__(", ".join(held))
        self.held = held


# --- Export -------------------------------------------------------------------------------------------


def export_document(subject: Subject, *, by=None) -> dict:
    """Everything held about the person, as one JSON-safe document."""
    return {
        "person": {"kind": subject.kind, "id": subject.public_id, "name": subject.label},
        "exported_at": timezone.now().isoformat(),
        "exported_by": by.get_username() if by is not None else "",
        "sections": {
            section.key: {"title": section.title, "rows": section.rows}
            for section in selectors.held_data(subject)
        },
    }


def _csv(rows: list[dict]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    lines = [columns] + [
        [
            json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
            if isinstance(value, dict | list)
            else ("" if value is None else value)
            for value in (row.get(column) for column in columns)
        ]
        for row in rows
    ]
    return "".join(csv_lines(lines, COMMA))


def export_zip(document: dict) -> bytes:
    """The document as person.json and one CSV per section (plain comma CSV, formulas defused)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "person.json", json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        )
        for key, section in document["sections"].items():
            archive.writestr(f"{key}.csv", _csv(section["rows"]))
    return buffer.getvalue()


@transaction.atomic
def export_person(*, person: Contact | Company, by, request=None) -> dict:
    """The export document, with its audit entry (who exported whom, and how many rows)."""
    subject = selectors.subject_for(person)
    document = export_document(subject, by=by)
    counts = {key: len(section["rows"]) for key, section in document["sections"].items()}
    record(Action.GDPR_EXPORT, actor=by, request=request, obj=person, kind=subject.kind, rows=counts)
    return document


# --- Erase --------------------------------------------------------------------------------------------


def erase_subject(subject: Subject) -> dict[str, int]:
    """Anonymise everything the parts hold about the subject (caller's transaction); rows changed per part."""
    return {part.key: part.erase(subject) for part in parts() if part.erase is not None}


@transaction.atomic
def erase_person(*, person: Contact | Company, by, request=None) -> dict[str, int]:
    """Erase one person, all of it or nothing; a second call changes nothing and says so (all zeros).

    Raises ErasureBlocked when any of their data is on legal hold.
    """
    model = type(person)
    person = model.objects.select_for_update().get(pk=person.pk)
    subject = selectors.subject_for(person)
    held = selectors.holds(subject)
    if held:
        raise ErasureBlocked(held)
    # Lock the requests too: a concurrent edit waits, then finds the version moved on.
    list(AdviceRequest.objects.select_for_update().filter(pk__in=subject.request_ids).values_list("pk"))
    counts = erase_subject(subject)
    person.refresh_from_db()
    record(Action.GDPR_ERASE, actor=by, request=request, obj=person, kind=subject.kind, rows=counts)
    return counts


# --- Legal hold ---------------------------------------------------------------------------------------


@transaction.atomic
def set_legal_hold(*, obj: Company | AdviceRequest, on_hold: bool, by, request=None) -> bool:
    """Put on (or lift) a legal hold; returns whether anything changed. Bumps the version (ETag)."""
    model = type(obj)
    changed = (
        model.objects.filter(pk=obj.pk)
        .exclude(legal_hold=on_hold)
        .update(legal_hold=on_hold, version=F("version") + 1, updated_at=timezone.now())
    )
    if changed:
        obj.refresh_from_db()
        record(
            Action.LEGAL_HOLD,
            actor=by,
            request=request,
            obj=obj,
            legal_hold=on_hold,
        )
    return bool(changed)


# --- Retention ----------------------------------------------------------------------------------------


@dataclass
class RetentionResult:
    cutoff: datetime
    locked_out: bool = False
    requests: int = 0
    contacts: int = 0
    requests_on_hold: int = 0
    contacts_on_hold: int = 0
    chunks: int = 0
    run: RetentionRun | None = field(default=None, repr=False)


def _chunks(queryset, size: int):
    """The queryset's ids in chunks, by ascending id, read again after each chunk (the rows change)."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def run_retention(
    *, trigger: str = RetentionRun.Trigger.SCHEDULE, now: datetime | None = None
) -> RetentionResult:
    """Anonymise what is past the retention period, in chunks, under the job's advisory lock.

    A second run at the same time finds the lock taken and does nothing but log that it was skipped; a run
    after it finds nothing left (everything done has `anonymised_at`).
    """
    started = timezone.now()
    cutoff = selectors.retention_cutoff(now)
    size = settings.RETENTION_CHUNK_SIZE
    result = RetentionResult(cutoff=cutoff)
    with advisory_lock(RETENTION_LOCK) as acquired:
        if not acquired:
            result.locked_out = True
        else:
            result.requests_on_hold = selectors.held_requests(cutoff).count()
            result.contacts_on_hold = selectors.held_contacts(cutoff).count()
            for ids in _chunks(selectors.due_requests(cutoff), size):
                with transaction.atomic():
                    result.requests += privacy_parts.clear_request_text(ids)
                result.chunks += 1
            for ids in _chunks(selectors.due_contacts(cutoff), size):
                with transaction.atomic():
                    for contact in Contact.objects.filter(pk__in=ids).select_related("company"):
                        erase_subject(selectors.subject_for(contact))
                        result.contacts += 1
                result.chunks += 1
        result.run = RetentionRun.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            trigger=trigger,
            cutoff=cutoff,
            retention_months=settings.RETENTION_MONTHS,
            locked_out=result.locked_out,
            requests_anonymised=result.requests,
            contacts_anonymised=result.contacts,
            requests_on_hold=result.requests_on_hold,
            contacts_on_hold=result.contacts_on_hold,
            chunks=result.chunks,
        )
        record(
            Action.RETENTION_RUN,
            obj=result.run,
            channel=Channel.TASK,
            actor_label=trigger,
            locked_out=result.locked_out,
            requests=result.requests,
            contacts=result.contacts,
            requests_on_hold=result.requests_on_hold,
            contacts_on_hold=result.contacts_on_hold,
            cutoff=cutoff.isoformat(),
        )
    logger.info("Retention run: %s", result)
    return result
