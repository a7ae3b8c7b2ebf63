"""Files in email (issue 20): kept on the reply's or the new request's timeline entry through the attachments
service; a virus is refused and recorded; a scanner that is down makes the poll try again later."""

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from exportcenter.clamav import ScannerUnavailable
from mailboxes import ingest
from mailboxes.models import InboundMessage, Mailbox
from referrals import services, threading
from referrals.models import AdviceRequest, Attachment, RequestEvent
from tests.attachments import *  # noqa: F403 - the fixtures
from tests.attachments import files_in
from tests.clamd import *  # noqa: F403 - the fixtures
from tests.clamd import eicar
from tests.referrals.conftest import build_submission

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def mailbox(region, organisation, reference_data, settings):
    region.counties.add("03")
    region.operator = organisation
    region.save()
    return Mailbox.objects.create(
        name="Almi export",
        address="export@almi.example",
        region=region,
        organisation=organisation,
        kind="local",
    )


def with_files(
    *files, sender="karin@konsult.example", to="export@almi.example", subject="Offert", headers=None
):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="konsult.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content("Hej, här kommer offerten.\n\nKarin")
    for name, data, maintype, subtype in files:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def test_a_new_requests_files_are_on_its_received_entry(mailbox, attachments_root):
    taken = ingest.take(mailbox, with_files(("offert.pdf", PDF, "application", "pdf")))
    request = taken.message.request
    [attachment] = request.attachments.all()
    assert attachment.name == "offert.pdf" and attachment.source == Attachment.Source.EMAIL
    assert attachment.event.kind == RequestEvent.Kind.CREATED
    assert attachment.file.read() == PDF
    assert len(files_in(attachments_root)) == 1


def test_a_replys_files_are_on_its_timeline_entry(mailbox, settings):
    settings.MAIL_REPLY_ADDRESS = "svar@almi.example"  # the request is nobody's yet: the portal's address
    request = services.submit_request(submission=build_submission())
    to = threading.reply_address(request)
    taken = ingest.take(mailbox, with_files(("offert.pdf", PDF, "application", "pdf"), to=to))
    assert taken.message.outcome == InboundMessage.Outcome.REPLY
    [attachment] = taken.message.event.attachments.all()
    assert attachment.request == request and attachment.is_available


def test_a_file_of_a_type_not_allowed_is_left_out_and_noted(mailbox):
    taken = ingest.take(
        mailbox, with_files(("run.exe", b"MZ\x90\x00" + b"\x00" * 200, "application", "octet-stream"))
    )
    assert taken.message.outcome == InboundMessage.Outcome.NEW_REQUEST
    assert not taken.message.request.attachments.exists()
    assert taken.message.event.data["refused_files"][0]["name"] == "run.exe"


def test_a_virus_is_refused_and_recorded(mailbox, scanning, attachments_root):
    taken = ingest.take(mailbox, with_files(("eicar.txt", eicar(), "text", "plain")))
    [attachment] = taken.message.request.attachments.all()
    assert attachment.scan == Attachment.Scan.INFECTED and not attachment.is_available
    assert files_in(attachments_root) == []


def test_a_scanner_that_is_down_makes_the_poll_try_again_later(mailbox, settings, attachments_root):
    settings.CLAMAV_URL = "tcp://127.0.0.1:9"  # nothing listens
    settings.CLAMAV_TIMEOUT = 2.0
    raw = with_files(("offert.pdf", PDF, "application", "pdf"))
    with pytest.raises(ScannerUnavailable):
        ingest.take(mailbox, raw, uid=1, uidvalidity=1)
    assert not InboundMessage.objects.exists() and not AdviceRequest.objects.exists()
    assert not ingest.already_taken(mailbox, uid=1, uidvalidity=1)
    assert files_in(attachments_root) == []
    settings.CLAMAV_URL = ""
    assert ingest.take(mailbox, raw, uid=1, uidvalidity=1).created  # the next poll takes it
