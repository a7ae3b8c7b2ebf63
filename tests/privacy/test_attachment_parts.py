"""The files on a person's requests: listed (without content) in the GDPR export; erasure deletes the stored
files and the names, and keeps the rows marked erased."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exportcenter.personal_data import Subject
from privacy import attachment_parts
from referrals import services
from referrals.models import Attachment
from referrals.services import attachments
from tests.attachments import *  # noqa: F403 - the fixtures
from tests.attachments import files_in
from tests.referrals.conftest import build_submission, need_categories, operator  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def karins_files(operator, need_categories):  # noqa: F811
    request = services.submit_request(submission=build_submission())
    other = services.submit_request(
        submission=build_submission(contact_email="olle@other.example", number=None)
    )
    for advice_request, name in ((request, "CV Karin Berg.pdf"), (other, "Olle.pdf")):
        attachments.store(
            request=advice_request,
            event=advice_request.events.get(kind="created"),
            files=[SimpleUploadedFile(name, PDF)],
            source=Attachment.Source.FORM,
        )
    return Subject(kind="contact", public_id="x", label="Karin Berg", request_ids=frozenset({request.pk}))


def test_the_export_describes_the_files(karins_files):
    [row] = attachment_parts.collect_attachments(karins_files)
    assert row["name"] == "CV Karin Berg.pdf"
    assert (row["size"], row["content_type"], row["source"], row["erased_at"]) == (
        len(PDF),
        "application/pdf",
        "form",
        None,
    )
    assert "file" not in row and row["request"].startswith("EC-")


def test_erasure_deletes_the_files_and_keeps_the_rows(karins_files, attachments_root):
    assert len(files_in(attachments_root)) == 2
    assert attachment_parts.erase_attachments(karins_files) == 1
    erased = Attachment.objects.get(request_id__in=karins_files.request_ids)
    assert erased.erased_at is not None and not erased.file and "Karin" not in erased.name
    assert not erased.is_available
    assert len(files_in(attachments_root)) == 1  # Olle's stays
    assert Attachment.objects.exclude(pk=erased.pk).get().is_available
    assert attachment_parts.erase_attachments(karins_files) == 0  # nothing left to change


def test_the_privacy_tools_export_and_erase_the_files(operator, need_categories, attachments_root):  # noqa: F811
    from advisors.models import User
    from privacy import services as privacy
    from tests.factories import UserFactory

    request = services.submit_request(submission=build_submission())
    attachments.store(
        request=request,
        event=request.events.get(kind="created"),
        files=[SimpleUploadedFile("CV Karin Berg.pdf", PDF)],
        source=Attachment.Source.FORM,
    )
    staff = UserFactory(organisation=operator, role=User.Role.REGIONAL_STAFF)

    sections = privacy.export_person(person=request.contact, by=staff)["sections"]
    assert [row["name"] for row in sections["attachments"]["rows"]] == ["CV Karin Berg.pdf"]
    assert privacy.erase_person(person=request.contact, by=staff)["attachments"] == 1
    assert files_in(attachments_root) == []
