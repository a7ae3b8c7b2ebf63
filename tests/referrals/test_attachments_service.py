"""referrals.services.attachments: checking and keeping files (limits, types by content, the virus scan)."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from audit.models import AuditEntry
from referrals import services
from referrals.models import Attachment, RequestEvent
from referrals.services import attachments
from tests.attachments import *  # noqa: F403 - the fixtures
from tests.attachments import files_in
from tests.clamd import *  # noqa: F403 - the fixtures
from tests.clamd import eicar

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass(frozen=True)
class Part:
    """A mail part as mailboxes.parsing.MailPart gives it."""

    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""


@pytest.fixture
def advice_request(make_submission, operator):
    return services.submit_request(submission=make_submission())


def upload(name="offer.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_store_keeps_an_uploaded_file_under_a_random_name(advice_request, attachments_root):
    event = advice_request.events.get(kind=RequestEvent.Kind.CREATED)
    [attachment] = attachments.store(
        request=advice_request, event=event, files=[upload()], source=Attachment.Source.FORM
    )
    attachment.refresh_from_db()
    assert attachment.name == "offer.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.scan == Attachment.Scan.NOT_SCANNED
    assert attachment.is_available
    [stored] = files_in(attachments_root)
    assert "offer" not in stored
    assert (attachments_root / stored).read_bytes() == PDF


def test_store_takes_mail_parts(advice_request, attachments_root):
    event = advice_request.events.get(kind=RequestEvent.Kind.CREATED)
    rows = attachments.store(
        request=advice_request,
        event=event,
        files=[Part("a.pdf", "application/pdf", PDF), Part("x.exe", "application/pdf", b"MZ" + b"\0" * 100)],
        source=Attachment.Source.EMAIL,
    )
    assert [row.name for row in rows] == ["a.pdf"]
    event.refresh_from_db()
    assert event.data["refused_files"] == [{"name": "x.exe", "size": 102, "reason": "type"}]
    assert len(files_in(attachments_root)) == 1


def test_eicar_from_email_is_recorded_not_kept(advice_request, attachments_root, scanning):
    event = advice_request.events.get(kind=RequestEvent.Kind.CREATED)
    [row] = attachments.store(
        request=advice_request,
        event=event,
        files=[Part("eicar.txt", "text/plain", eicar())],
        source=Attachment.Source.EMAIL,
    )
    row.refresh_from_db()
    assert row.scan == Attachment.Scan.INFECTED
    assert row.scan_detail.startswith("Eicar-Test-Signature")
    assert not row.file and not row.is_available
    assert files_in(attachments_root) == []
    assert AuditEntry.objects.filter(action="virus_found").count() == 1


def test_email_files_over_the_count_are_named_not_kept(advice_request, attachments_root, settings):
    settings.ATTACHMENT_MAX_COUNT = 2
    event = advice_request.events.get(kind=RequestEvent.Kind.CREATED)
    parts = [Part(f"{number}.pdf", "application/pdf", PDF) for number in range(3)]
    rows = attachments.store(request=advice_request, event=event, files=parts, source=Attachment.Source.EMAIL)
    assert [row.name for row in rows] == ["0.pdf", "1.pdf"]
    event.refresh_from_db()
    assert event.data["refused_files"] == [{"name": "2.pdf", "reason": "too_many"}]
    assert event.data["channel"] == "web"  # what was there stays


def test_a_form_file_that_was_not_checked_is_refused_by_the_service(advice_request, attachments_root):
    event = advice_request.events.get(kind=RequestEvent.Kind.CREATED)
    with pytest.raises(attachments.AttachmentsRefused):
        attachments.store(
            request=advice_request, event=event, files=[upload("a.pdf", b"MZ" + b"\0" * 99)], source="form"
        )
    assert files_in(attachments_root) == [] and not Attachment.objects.exists()


def test_files_of_a_failed_transaction_are_deleted(advice_request, attachments_root):
    event = advice_request.events.get(kind=RequestEvent.Kind.CREATED)
    with pytest.raises(RuntimeError), attachments.removed_on_failure(), transaction.atomic():
        attachments.store(request=advice_request, event=event, files=[upload()], source="form")
        assert len(files_in(attachments_root)) == 1
        raise RuntimeError("the rest of the transaction failed")
    assert files_in(attachments_root) == [] and not Attachment.objects.exists()


def test_a_scanner_that_is_down_makes_store_raise(advice_request, attachments_root, private_clamd, settings):
    settings.CLAMAV_URL = private_clamd.url
    private_clamd.kill()
    event = advice_request.events.get(kind=RequestEvent.Kind.CREATED)
    with pytest.raises(attachments.ScannerUnavailable):
        attachments.store(
            request=advice_request, event=event, files=[Part("a.pdf", "application/pdf", PDF)], source="email"
        )
    assert files_in(attachments_root) == [] and not Attachment.objects.exists()


def test_a_file_at_the_size_limit_is_scanned(advice_request, attachments_root, scanning, settings):
    settings.ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024
    data = PDF + b"0" * (settings.ATTACHMENT_MAX_BYTES - len(PDF))
    event = advice_request.events.get(kind=RequestEvent.Kind.CREATED)
    [row] = attachments.store(
        request=advice_request, event=event, files=[upload("big.pdf", data)], source=Attachment.Source.FORM
    )
    assert row.scan == Attachment.Scan.CLEAN and row.size == settings.ATTACHMENT_MAX_BYTES
