"""Files on the public form, the status page reply and the advisor's message; their downloads (issue 20)."""

import html
import re
import time
import uuid
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from referrals import abuse, services, status_links
from referrals.models import AdviceRequest, Attachment, RequestEvent
from referrals.services import attachments
from tests.attachments import *  # noqa: F403 - the fixtures
from tests.attachments import files_in
from tests.clamd import *  # noqa: F403 - the fixtures
from tests.clamd import eicar
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def pdf(name="offer.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_error(page: str, field: str) -> str:
    match = re.search(rf'<div class="invalid-feedback[^"]*" id="id_{field}_error">(.*?)</div>', page, re.S)
    return match.group(1).strip() if match else ""


@pytest.fixture
def advice_request(make_submission, operator):
    return services.submit_request(submission=make_submission(language="en"))


def status_url(advice_request, prefix="/en"):
    return f"{prefix}/status/{status_links.token_for(advice_request)}/"


# --- The public form ----------------------------------------------------------------------------------


@pytest.fixture
def form_data(need_categories, operator):
    def make(**overrides):
        with mock.patch("django.core.signing.time.time", return_value=time.time() - 120):
            started = abuse.new_started_token()
        data = {
            "org_number": "556677-8899",
            "company_name": "Knivsta Konsult AB",
            "municipality": "0330",
            "employee_band": "5-9",
            "sells": "services",
            "export_experience": "never",
            "needs": [str(need_categories.first().pk)],
            "description": "We want to sell consulting services in Germany and Norway.",
            "contact_name": "Karin Berg",
            "contact_email": "karin@konsult.example",
            "language": "en",
            "preferred_contact_method": "email",
            "privacy_confirmed": "on",
            "submission_id": uuid.uuid4().hex,
            "started": started,
            "homepage": "",
        }
        data.update(overrides)
        return data

    return make


def test_the_form_keeps_files_on_the_new_request(client, form_data, attachments_root, in_english):
    response = client.post(
        "/en/help-me-export/", form_data(attachments=[pdf(), SimpleUploadedFile("logo.png", PNG)])
    )
    assert response.status_code == 302, field_error(text(response), "attachments")
    request = AdviceRequest.objects.get()
    files = list(request.attachments.order_by("name"))
    assert [(f.name, f.content_type, f.source) for f in files] == [
        ("logo.png", "image/png", "form"),
        ("offer.pdf", "application/pdf", "form"),
    ]
    assert {f.event.kind for f in files} == {RequestEvent.Kind.CREATED}
    assert len(files_in(attachments_root)) == 2
    # The company sees them on its page and downloads them there.
    page = text(client.get(status_url(request)))
    assert "Files you sent" in page and "offer.pdf" in page
    download = client.get(f"{status_url(request)}attachments/{files[1].public_id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_the_status_page_reads_the_files_sent_and_the_replies_files_in_one_query(
    client, form_data, attachments_root, django_assert_max_num_queries, in_english, settings
):
    settings.INTAKE_RATE_LIMIT = 1000  # this worker's other submissions within the hour count too
    response = client.post("/en/help-me-export/", form_data(attachments=[pdf()]))
    assert response.status_code == 302, field_error(text(response), "attachments")
    request = AdviceRequest.objects.get()
    reply = client.post(
        status_url(request), {"body": "And our price list.", "attachments": [pdf("prices.pdf")]}
    )
    assert reply.status_code == 302
    client.get(status_url(request))
    with django_assert_max_num_queries(5) as page:  # the request, needs, co-handlers, entries, their files
        body = text(client.get(status_url(request)))
    assert sum('FROM "referrals_attachment"' in q["sql"] for q in page.captured_queries) == 1
    assert "Files you sent" in body and "offer.pdf" in body and "prices.pdf" in body
    sent = body[body.index("Files you sent") : body.index("prices.pdf")]
    assert "offer.pdf" in sent  # the request's file under "Files you sent", the reply's with the reply


def test_the_form_checks_the_type_by_content_and_saves_nothing(
    client, form_data, attachments_root, in_english
):
    response = client.post("/en/help-me-export/", form_data(attachments=[pdf("invoice.pdf", PROGRAM)]))
    assert response.status_code == 200
    error = field_error(text(response), "attachments")
    assert "“invoice.pdf” is a kind of file we do not accept (application/x-dosexec)" in error
    assert AdviceRequest.objects.count() == 0
    assert files_in(attachments_root) == []


def test_the_form_refuses_too_many_and_too_large_files(client, form_data, settings, in_english):
    settings.ATTACHMENT_MAX_COUNT = 2
    response = client.post(
        "/en/help-me-export/", form_data(attachments=[pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf")])
    )
    assert "You can send at most 2 files at a time; you chose 3." in field_error(
        text(response), "attachments"
    )
    settings.ATTACHMENT_MAX_BYTES = 20
    response = client.post("/en/help-me-export/", form_data(attachments=[pdf()]))
    assert "“offer.pdf” is 48\xa0bytes: a file may be at most 20\xa0bytes." in field_error(
        text(response), "attachments"
    )
    assert AdviceRequest.objects.count() == 0


def test_the_form_says_the_error_in_swedish(client, form_data):
    response = client.post("/help-me-export/", form_data(attachments=[pdf("a.exe", PDF)]))
    assert response.status_code == 200
    assert field_error(text(response), "attachments")
    assert AdviceRequest.objects.count() == 0


def test_files_must_be_chosen_again_after_another_error(client, form_data, in_english):
    response = client.post("/en/help-me-export/", form_data(contact_email="", attachments=[pdf()]))
    assert "choose them again" in text(response)


# --- The status page ----------------------------------------------------------------------------------


def test_the_company_replies_with_a_file(client, advice_request, advisor, attachments_root):
    response = client.post(
        status_url(advice_request), {"body": "Here is our price list.", "attachments": [pdf()]}
    )
    assert response.status_code == 302
    reply = advice_request.events.get(kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY)
    [attachment] = reply.attachments.all()
    assert (attachment.source, attachment.scan) == ("status_page", "not_scanned")
    page = text(client.get(status_url(advice_request)))
    assert f"attachments/{attachment.public_id}/" in page
    # The advisor sees it on the request's timeline and downloads it.
    client.force_login(advisor)
    page = text(client.get(f"/en/advisor/requests/{advice_request.public_id}/"))
    assert "offer.pdf" in page
    response = client.get(
        f"/en/advisor/requests/{advice_request.public_id}/attachments/{attachment.public_id}/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="offer.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF


def test_eicar_is_refused_by_the_real_clamd_and_recorded(client, advice_request, scanning, attachments_root):
    response = client.post(
        status_url(advice_request),
        {"body": "See the file.", "attachments": [SimpleUploadedFile("report.txt", eicar())]},
    )
    assert response.status_code == 200
    error = field_error(text(response), "attachments")
    assert "“report.txt” contains a virus (Eicar-Test-Signature" in error
    assert not advice_request.events.filter(kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY).exists()
    assert Attachment.objects.count() == 0 and files_in(attachments_root) == []
    entry = AuditEntry.objects.get(action=attachments.VIRUS_FOUND)
    assert entry.details["name"] == "report.txt" and entry.details["signature"].startswith("Eicar")
    assert entry.object_id == advice_request.reference


def test_a_clean_file_is_scanned_and_kept(client, advice_request, scanning):
    response = client.post(status_url(advice_request), {"body": "The file.", "attachments": [pdf()]})
    assert response.status_code == 302
    assert Attachment.objects.get().scan == Attachment.Scan.CLEAN


def test_a_scanner_that_is_down_says_try_again_and_saves_nothing(
    client, advice_request, private_clamd, settings, attachments_root
):
    settings.CLAMAV_URL = private_clamd.url
    settings.CLAMAV_TIMEOUT = 5
    private_clamd.kill()
    response = client.post(status_url(advice_request), {"body": "The file.", "attachments": [pdf()]})
    assert response.status_code == 200
    assert "Please try again in a few minutes" in field_error(text(response), "attachments")
    assert not advice_request.events.filter(kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY).exists()
    assert Attachment.objects.count() == 0 and files_in(attachments_root) == []


def test_the_company_downloads_only_files_of_its_conversation(
    client, advice_request, advisor, make_submission
):
    note = services.add_note(request=advice_request, by=advisor, body="Internal")
    [internal] = attachments.store(
        request=advice_request, event=note, files=[pdf("internal.pdf")], source="advisor"
    )
    other = services.submit_request(submission=make_submission(contact_email="olle@other.example"))
    [foreign] = attachments.store(
        request=other, event=other.events.get(kind="created"), files=[pdf("theirs.pdf")], source="form"
    )
    for attachment in (internal, foreign):
        assert (
            client.get(f"{status_url(advice_request)}attachments/{attachment.public_id}/").status_code == 404
        )
    assert client.get(f"{status_url(advice_request)}attachments/{uuid.uuid4()}/").status_code == 404
    assert client.get(f"/en/status/not-a-token/attachments/{foreign.public_id}/").status_code == 404


# --- The advisor's message ----------------------------------------------------------------------------


def test_the_advisor_writes_with_a_file(client, advice_request, advisor, attachments_root):
    client.force_login(advisor)
    url = f"/en/advisor/requests/{advice_request.public_id}/message/"
    response = client.post(
        url, {"version": advice_request.version, "body": "Our offer.", "attachments": [pdf("Offer.pdf")]}
    )
    assert response.status_code == 302
    message = advice_request.events.get(kind=RequestEvent.Kind.MESSAGE_TO_COMPANY)
    [attachment] = message.attachments.all()
    assert (attachment.source, attachment.uploaded_by) == ("advisor", advisor)
    # The company downloads it from its page.
    page = text(client.get(status_url(advice_request)))
    assert "Offer.pdf" in page
    assert client.get(f"{status_url(advice_request)}attachments/{attachment.public_id}/").status_code == 200


def test_a_refused_file_keeps_the_message_unsent(client, advice_request, advisor, attachments_root):
    client.force_login(advisor)
    url = f"/en/advisor/requests/{advice_request.public_id}/message/"
    response = client.post(
        url,
        {"version": advice_request.version, "body": "Our offer.", "attachments": [pdf("run.exe", PROGRAM)]},
    )
    assert response.status_code == 400
    assert "a kind of file we do not accept" in text(response)
    assert not advice_request.events.filter(kind=RequestEvent.Kind.MESSAGE_TO_COMPANY).exists()
    assert files_in(attachments_root) == []


def test_a_failed_message_leaves_no_file_behind(client, advice_request, advisor, attachments_root):
    client.force_login(advisor)
    url = f"/en/advisor/requests/{advice_request.public_id}/message/"
    failing = mock.patch.object(Attachment.objects, "bulk_create", side_effect=RuntimeError("db"))
    with failing, pytest.raises(RuntimeError):
        client.post(url, {"version": advice_request.version, "body": "Offer.", "attachments": [pdf()]})
    assert files_in(attachments_root) == []
    assert not advice_request.events.filter(kind=RequestEvent.Kind.MESSAGE_TO_COMPANY).exists()


def test_downloads_are_access_checked(client, advice_request, advisor, operator):
    note = services.add_note(
        request=advice_request, by=advisor, body="Ours only", visibility=RequestEvent.Visibility.ORGANISATION
    )
    [private] = attachments.store(
        request=advice_request, event=note, files=[pdf("ours.pdf")], source="advisor"
    )
    [shared] = attachments.store(
        request=advice_request,
        event=advice_request.events.get(kind="created"),
        files=[pdf("shared.pdf")],
        source="form",
    )
    url = f"/en/advisor/requests/{advice_request.public_id}/attachments/"
    partner = UserFactory(organisation=OrganisationFactory(slug="partner", regions=[advice_request.region]))
    stranger = UserFactory(organisation=OrganisationFactory(slug="far", regions=[RegionFactory(slug="far")]))
    client.force_login(partner)
    assert client.get(f"{url}{shared.public_id}/").status_code == 200
    assert client.get(f"{url}{private.public_id}/").status_code == 404  # another organisation's note
    assert client.get(f"{url}{uuid.uuid4()}/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"{url}{shared.public_id}/").status_code == 404
    client.force_login(advisor)
    assert client.get(f"{url}{private.public_id}/").status_code == 200
    client.logout()
    assert client.get(f"{url}{shared.public_id}/").status_code == 302  # to sign in


def test_an_infected_or_erased_file_has_no_download(client, advice_request, advisor):
    event = advice_request.events.get(kind="created")
    infected = Attachment.objects.create(
        request=advice_request,
        event=event,
        name="bad.doc",
        content_type="application/msword",
        size=10,
        sha256="0" * 64,
        source="email",
        scan=Attachment.Scan.INFECTED,
        scan_detail="Eicar-Test-Signature",
        created_at=advice_request.created_at,
    )
    event.data = {**event.data, "files": 1}  # as attachments.store counts them (the timeline reads by it)
    event.save(update_fields=["data"])
    client.force_login(advisor)
    page = text(client.get(f"/en/advisor/requests/{advice_request.public_id}/"))
    assert "bad.doc" in page and "refused: virus found" in page
    url = f"/en/advisor/requests/{advice_request.public_id}/attachments/{infected.public_id}/"
    assert client.get(url).status_code == 404


def test_the_timeline_reads_all_files_in_one_query(client, advice_request, advisor):
    client.force_login(advisor)
    url = f"/en/advisor/requests/{advice_request.public_id}/"

    def reply(count):
        for number in range(count):
            event = services.reply_from_company(request=advice_request, body=f"Reply {number}")
            attachments.store(
                request=advice_request,
                event=event,
                files=[pdf(f"r{number}a.pdf"), pdf(f"r{number}b.pdf")],
                source="email",
            )

    def queries():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        return len(captured), page

    reply(1)
    few, _page = queries()
    reply(10)
    many, page = queries()
    assert "r9b.pdf" in page
    assert many == few


def test_a_timeline_without_files_reads_no_files(client, advice_request, advisor):
    services.reply_from_company(request=advice_request, body="No file here")
    client.force_login(advisor)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/en/advisor/requests/{advice_request.public_id}/").status_code == 200
    assert not [query for query in captured if '"referrals_attachment"' in query["sql"]]


def test_by_email_is_marked_on_the_timeline(client, advice_request, advisor):
    event = services.reply_from_company(request=advice_request, body="By mail")
    event.data = {"channel": "email", "inbound": str(uuid.uuid4())}
    event.save()
    client.force_login(advisor)
    page = text(client.get(f"/en/advisor/requests/{advice_request.public_id}/"))
    assert "by email" in page
