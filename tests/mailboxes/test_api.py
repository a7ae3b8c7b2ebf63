"""/api/v1/mailboxes/ and /api/v1/inbound-messages/: the password write-only (never returned), changes with
the version read (428 without, 412 when stale), bad input as problem details by field, the connection test,
filters, access and the query budget."""

import pytest
from rest_framework.test import APIClient

from mailboxes import imap, secrets
from mailboxes.models import Mailbox
from tests.mailboxes.pages_fixtures import *  # noqa: F403 - fixtures
from tests.mailboxes.pages_fixtures import PASSWORD, make_mailbox, make_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
URL = "/api/v1/mailboxes/"
MESSAGES = "/api/v1/inbound-messages/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(region_, organisation_=None, **overrides):
    return {
        "name": "Export Almi",
        "address": "export@almi.example",
        "region": region_.slug,
        "organisation": organisation_.slug if organisation_ else None,
        "host": "imap.almi.example",
        "username": "export@almi.example",
        "password": "api-lösen",
        **overrides,
    }


def test_the_password_is_never_returned(people, almi_mailbox):
    api = api_for(people["regional_staff"])
    listed = api.get(URL).json()["results"]
    one = api.get(f"{URL}{almi_mailbox.public_id}/")
    for data in [*listed, one.json()]:
        assert "password" not in data and "password_encrypted" not in data
        assert data["has_password"] is True
    assert (
        PASSWORD not in one.content.decode() and almi_mailbox.password_encrypted not in one.content.decode()
    )
    assert one["ETag"] == '"1"'


def test_connecting_a_mailbox(people, uppsala, organisation):
    answer = api_for(people["regional_staff"]).post(URL, body(uppsala, organisation), format="json")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["organisation"] == organisation.slug and data["kind"] == "imap" and data["port"] == 993
    assert "api-lösen" not in answer.content.decode()
    assert secrets.decrypt(Mailbox.objects.get().password_encrypted) == "api-lösen"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"host": "https://imap.almi.example"}, "host"),
        ({"host": "imap almi"}, "host"),
        ({"port": 70000}, "port"),
        ({"port": 0}, "port"),
        ({"folder": "A\r\nB"}, "folder"),
        ({"folder": "x" * 201}, "folder"),
        ({"address": "nope"}, "address"),
        ({"region": "no-such-region"}, "region"),
        ({"organisation": "no-such-org"}, "organisation"),
        ({"kind": "pop3"}, "kind"),
        ({"password": ""}, "password"),
        ({"poll_interval_seconds": 1}, "poll_interval_seconds"),
    ],
)
def test_bad_input_is_a_400_by_field(people, uppsala, organisation, overrides, field):
    answer = api_for(people["regional_staff"]).post(
        URL, body(uppsala, organisation, **overrides), format="json"
    )
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/problem+json")
    assert field in answer.json()["errors"]
    assert not Mailbox.objects.exists()


def test_nul_bytes_are_refused(people, uppsala, organisation):
    answer = api_for(people["regional_staff"]).post(
        URL, body(uppsala, organisation, name="A\u0000B"), format="json"
    )
    assert answer.status_code == 400 and not Mailbox.objects.exists()


def test_a_taken_address_is_a_field_error(people, uppsala, organisation, almi_mailbox):
    answer = api_for(people["regional_staff"]).post(
        URL, body(uppsala, organisation, address=almi_mailbox.address), format="json"
    )
    assert answer.status_code == 400 and "address" in answer.json()["errors"]


def test_who_may_connect(people, uppsala, gavleborg, organisation, far_org, region_org):
    assert api_for(people["advisor"]).post(URL, body(uppsala, organisation), format="json").status_code == 403
    assert (
        api_for(people["national"]).post(URL, body(uppsala, organisation), format="json").status_code == 403
    )
    answer = api_for(people["regional_staff"]).post(URL, body(gavleborg, far_org), format="json")
    assert answer.status_code == 400 and "region" in answer.json()["errors"]
    answer = api_for(people["organisation_lead"]).post(URL, body(uppsala, region_org), format="json")
    assert answer.status_code == 400 and "organisation" in answer.json()["errors"]
    assert not Mailbox.objects.exists()


def test_a_change_needs_the_version_and_keeps_the_password(people, almi_mailbox):
    api = api_for(people["organisation_lead"])
    url = f"{URL}{almi_mailbox.public_id}/"
    assert api.patch(url, {"name": "Ny"}, format="json").status_code == 428
    answer = api.patch(url, {"name": "Ny", "password": ""}, format="json", headers={"If-Match": '"1"'})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["name"] == "Ny" and answer["ETag"] == '"2"'
    assert api.patch(url, {"name": "Igen"}, format="json", headers={"If-Match": '"1"'}).status_code == 412
    almi_mailbox.refresh_from_db()
    assert almi_mailbox.name == "Ny" and secrets.decrypt(almi_mailbox.password_encrypted) == PASSWORD
    answer = api.patch(
        url, {"password": "nytt", "is_active": False}, format="json", headers={"If-Match": '"2"'}
    )
    assert answer.status_code == 200 and answer.json()["is_active"] is False
    assert "nytt" not in answer.content.decode()
    almi_mailbox.refresh_from_db()
    assert secrets.decrypt(almi_mailbox.password_encrypted) == "nytt"


def test_an_advisor_reads_but_does_not_change(people, almi_mailbox, far_mailbox):
    api = api_for(people["advisor"])
    assert api.get(f"{URL}{almi_mailbox.public_id}/").status_code == 200
    assert api.get(f"{URL}{far_mailbox.public_id}/").status_code == 404
    answer = api.patch(
        f"{URL}{almi_mailbox.public_id}/", {"name": "X"}, format="json", headers={"If-Match": '"1"'}
    )
    assert answer.status_code == 403
    assert api.post(f"{URL}{almi_mailbox.public_id}/test/").status_code == 403


def test_the_connection_test(people, almi_mailbox, monkeypatch):
    monkeypatch.setattr(
        imap,
        "test_connection",
        lambda mailbox, password=None: imap.Check(False, imap.FOLDER, "No folder INBOX."),
    )
    answer = api_for(people["regional_staff"]).post(f"{URL}{almi_mailbox.public_id}/test/")
    assert answer.status_code == 200
    assert answer.json() == {"ok": False, "problem": "folder", "message": "No folder INBOX."}


def test_the_list_reads_a_fixed_number_of_queries(
    people, uppsala, organisation, django_assert_max_num_queries
):
    for _ in range(30):
        make_mailbox(uppsala, organisation)
    api = api_for(people["regional_staff"])
    with django_assert_max_num_queries(10):
        answer = api.get(URL)
    assert answer.status_code == 200 and len(answer.json()["results"]) >= 25


# --- Inbound messages -------------------------------------------------------------------------------------


def test_inbound_messages_filters_and_bodies(people, almi_mailbox, shared_mailbox, email_request):
    reply = make_message(almi_mailbox, email_request)
    make_message(almi_mailbox, None)
    make_message(shared_mailbox, None)
    api = api_for(people["regional_staff"])
    everything = api.get(MESSAGES).json()["results"]
    assert len(everything) == 3 and all("body_text" not in row for row in everything)
    assert [row["id"] for row in api.get(MESSAGES, {"outcome": "reply"}).json()["results"]] == [
        str(reply.public_id)
    ]
    assert len(api.get(MESSAGES, {"mailbox": str(almi_mailbox.public_id)}).json()["results"]) == 2
    on_request = api.get(MESSAGES, {"request": email_request.reference}).json()["results"]
    assert [row["request"] for row in on_request] == [email_request.reference]
    assert api.get(MESSAGES, {"outcome": "nonsense"}).status_code == 400
    assert api.get(MESSAGES, {"mailbox": "not-a-uuid"}).status_code == 400
    one = api.get(f"{MESSAGES}{reply.public_id}/").json()
    assert one["body_text"] == "Hej!\nTack för svaret." and one["headers"]["From"].startswith("Karin")
    assert one["mailbox"] == str(almi_mailbox.public_id)


def test_who_sees_inbound_messages(people, almi_mailbox, email_request):
    reply = make_message(almi_mailbox, email_request)
    ignored = make_message(almi_mailbox, None)
    seen = {row["id"] for row in api_for(people["advisor"]).get(MESSAGES).json()["results"]}
    assert seen == {str(reply.public_id)}
    assert api_for(people["advisor"]).get(f"{MESSAGES}{ignored.public_id}/").status_code == 404
    assert api_for(people["other_region_staff"]).get(MESSAGES).json()["results"] == []
    assert api_for(people["national"]).get(MESSAGES).json()["results"] == []
    assert api_for(people["advisor"]).post(MESSAGES, {}, format="json").status_code == 405


def test_inbound_messages_read_a_fixed_number_of_queries(
    people, almi_mailbox, email_request, django_assert_max_num_queries
):
    for number in range(30):
        make_message(almi_mailbox, email_request if number % 2 else None)
    api = api_for(people["regional_staff"])
    with django_assert_max_num_queries(10):
        answer = api.get(MESSAGES)
    assert answer.status_code == 200 and len(answer.json()["results"]) >= 25
