"""The API of files: metadata, the download, and the files on a request's timeline (issue 20)."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from referrals import services
from referrals.models import Attachment, RequestEvent
from referrals.services import attachments
from tests.attachments import *  # noqa: F403 - the fixtures
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def advice_request(make_submission, operator):
    return services.submit_request(submission=make_submission())


@pytest.fixture
def api(advisor):
    client = APIClient()
    client.force_authenticate(advisor)
    return client


def store(advice_request, event, name="offer.pdf"):
    [attachment] = attachments.store(
        request=advice_request, event=event, files=[SimpleUploadedFile(name, PDF)], source="form"
    )
    return attachment


def test_metadata_and_download(api, advice_request):
    attachment = store(advice_request, advice_request.events.get(kind="created"))
    data = api.get(f"/api/v1/attachments/{attachment.public_id}/").json()
    assert data["name"] == "offer.pdf" and data["content_type"] == "application/pdf"
    assert data["request"] == str(advice_request.public_id) and data["available"] is True
    assert data["download_url"].endswith(f"/api/v1/attachments/{attachment.public_id}/download/")
    response = api.get(f"/api/v1/attachments/{attachment.public_id}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="offer.pdf"'
    assert b"".join(response.streaming_content) == PDF
    listed = api.get(f"/api/v1/attachments/?request={advice_request.public_id}").json()
    assert [row["id"] for row in listed["results"]] == [str(attachment.public_id)]


def test_the_timeline_lists_the_files(api, advice_request, django_assert_max_num_queries):
    for number in range(5):
        event = services.reply_from_company(request=advice_request, body=f"Reply {number}")
        store(advice_request, event, f"r{number}.pdf")
    with django_assert_max_num_queries(12):
        events = api.get(f"/api/v1/requests/{advice_request.public_id}/timeline/").json()
    replies = [event for event in events if event["kind"] == RequestEvent.Kind.MESSAGE_FROM_COMPANY]
    assert [event["attachments"][0]["name"] for event in replies] == [f"r{n}.pdf" for n in range(5)]


def test_access(advice_request, advisor):
    note = services.add_note(
        request=advice_request, by=advisor, body="Ours", visibility=RequestEvent.Visibility.ORGANISATION
    )
    private = store(advice_request, note, "ours.pdf")
    partner = UserFactory(organisation=OrganisationFactory(slug="partner", regions=[advice_request.region]))
    client = APIClient()
    client.force_authenticate(partner)
    for path in ("", "download/"):
        assert client.get(f"/api/v1/attachments/{private.public_id}/{path}").status_code == 404
        assert client.get(f"/api/v1/attachments/{uuid.uuid4()}/{path}").status_code == 404
    assert client.get(f"/api/v1/attachments/?request={advice_request.public_id}").json()["results"] == []
    anonymous = APIClient()
    assert anonymous.get(f"/api/v1/attachments/{private.public_id}/").status_code in (401, 403)


def test_an_infected_file_has_no_download(api, advice_request):
    infected = Attachment.objects.create(
        request=advice_request,
        event=advice_request.events.get(kind="created"),
        name="bad.doc",
        content_type="application/msword",
        size=10,
        sha256="0" * 64,
        source="email",
        scan=Attachment.Scan.INFECTED,
        created_at=advice_request.created_at,
    )
    data = api.get(f"/api/v1/attachments/{infected.public_id}/").json()
    assert data["available"] is False and data["download_url"] == "" and data["scan"] == "infected"
    assert api.get(f"/api/v1/attachments/{infected.public_id}/download/").status_code == 404
