"""referrals.threading: signed reply addresses, the root Message-ID, the thread's headers (issue 20)."""

import pytest

from mailboxes.models import Mailbox
from notifications.models import OutboundEmail
from referrals import services, threading
from referrals.models import AdviceRequest
from tests.attachments import *  # noqa: F403 - the attachments storage in a temporary folder
from tests.referrals.conftest import build_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(reference_data, operator, settings):
    settings.MAIL_REPLY_ADDRESS = "svar@exportcenter.example"
    return services.submit_request(submission=build_submission())


@pytest.fixture
def operator(region, organisation, reference_data):
    region.counties.add("03")
    region.operator = organisation
    region.save()
    return organisation


def test_the_reply_address_is_a_signed_plus_address_on_the_fallback_address(request_):
    address = threading.reply_address(request_)
    local, _, domain = address.partition("@")
    assert domain == "exportcenter.example"
    assert local.startswith(f"svar+{request_.reference.lower()}.")
    assert threading.request_for_address(address) == request_
    assert threading.request_for_address(address.upper()) == request_  # mail systems may change the case


def test_a_forged_or_unknown_plus_address_finds_nothing(request_):
    address = threading.reply_address(request_)
    signature = address.partition("@")[0].rpartition(".")[2]
    forged = address.replace(signature, "0" * len(signature))
    assert threading.request_for_address(forged) is None
    other = request_.reference[:-1] + ("1" if request_.reference[-1] != "1" else "2")
    assert threading.request_for_address(address.replace(request_.reference.lower(), other.lower())) is None
    assert threading.request_for_address("svar@exportcenter.example") is None
    assert threading.request_for_address("") is None


def test_no_address_without_a_mailbox_or_a_setting(request_, settings):
    settings.MAIL_REPLY_ADDRESS = ""
    assert threading.reply_address(request_) == ""


def test_the_owning_organisations_mailbox_comes_first_then_the_regions(request_, region, organisation):
    shared = Mailbox.objects.create(
        name="Shared", address="region@export.example", region=region, kind=Mailbox.Kind.LOCAL
    )
    assert threading.reply_address(request_).endswith("@export.example")
    assert threading.reply_address(request_).startswith("region+")
    request_.owner_organisation = organisation
    request_.save()
    Mailbox.objects.create(
        name="Almi", address="export@almi.example", region=region, organisation=organisation, kind="local"
    )
    assert threading.reply_address(request_).startswith("export+")
    shared.is_active = False
    shared.save()
    assert threading.request_for_address(threading.reply_address(request_)) == request_


def test_the_root_message_id_is_signed(request_):
    root = threading.root_message_id(request_)
    assert threading.request_for_message_id(root) == request_
    assert threading.request_for_message_id(root.replace(root[20:30], "0" * 10)) is None
    assert threading.request_for_message_id("<random@example.com>") is None


def test_references_in_a_subject():
    assert threading.references_in("Re: Din förfrågan EC-2026-000123 (ec-2025-000001)") == [
        "EC-2026-000123",
        "EC-2025-000001",
    ]
    assert threading.references_in("XEC-2026-0001234 and EC-2026-12345") == []
    assert threading.references_in("") == []


def test_thread_headers_name_the_root_and_the_threads_emails(request_, settings):
    confirmation = OutboundEmail.objects.get(key=f"request-confirmation:{request_.pk}")
    assert confirmation.thread == threading.thread_of(request_) == f"referrals.AdviceRequest:{request_.pk}"
    headers = threading.thread_headers(request_)
    root = threading.root_message_id(request_)
    assert headers["References"].split() == [root, confirmation.message_id]
    assert headers["In-Reply-To"] == confirmation.message_id
    assert threading.request_for_address(headers["Reply-To"]) == request_


def test_the_confirmation_opens_the_thread_without_looking_it_up(request_, django_assert_max_num_queries):
    """A web request's confirmation is the thread's first email: the root only, and no history queries."""
    root = threading.root_message_id(request_)
    confirmation = OutboundEmail.objects.get(key=f"request-confirmation:{request_.pk}")
    assert confirmation.headers["References"] == confirmation.headers["In-Reply-To"] == root
    with django_assert_max_num_queries(1):  # the mailbox's address for Reply-To
        headers = threading.thread_headers(request_, first=True)
    assert headers["References"] == headers["In-Reply-To"] == root
    assert threading.request_for_address(headers["Reply-To"]) == request_


def test_an_answer_to_the_companys_email_is_in_reply_to_it(request_, advisor):
    event = services.reply_from_company(request=request_, body="Tack!")
    event.data = {"channel": "email", "message_id": "<abc@company.example>"}
    event.save()
    headers = threading.thread_headers(request_)
    assert headers["In-Reply-To"] == "<abc@company.example>"
    assert "<abc@company.example>" in headers["References"].split()
    services.message_company(
        request=AdviceRequest.objects.get(pk=request_.pk), by=advisor, body="Hej", expected_version=None
    )
    message = OutboundEmail.objects.get(key__startswith="request-message:")
    assert message.headers["In-Reply-To"] == "<abc@company.example>"
    assert message.thread == threading.thread_of(request_)
    assert request_.reference in message.subject


def test_the_advisors_message_carries_its_kept_files_up_to_the_limit(request_, advisor, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from referrals import notices
    from referrals.models import Attachment, RequestEvent
    from referrals.services import attachments

    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    event = RequestEvent.objects.create(
        request=request_, kind=RequestEvent.Kind.MESSAGE_TO_COMPANY, body="Se bilagor"
    )
    attachments.store(
        request=request_,
        event=event,
        files=[
            SimpleUploadedFile("a.pdf", pdf, content_type="application/pdf"),
            SimpleUploadedFile("b.pdf", pdf + b"x" * 100, content_type="application/pdf"),
        ],
        source=Attachment.Source.ADVISOR,
        by=advisor,
    )
    settings.ATTACHMENT_EMAIL_MAX_BYTES = len(pdf) + 50  # room for the first only
    notices.message_to_company(request_, event)
    email = OutboundEmail.objects.get(key=f"request-message:{event.pk}")
    assert [item["name"] for item in email.attachments] == ["a.pdf"]
    assert email.attachments[0]["path"] == event.attachments.get(name="a.pdf").file.name
