"""The emails a person sent to a mailbox (issue 20): in the export, found by their address or by their
request; erasure clears what quotes them and keeps the row (its Message-ID stops the message being taken
again)."""

import pytest

from mailboxes.models import InboundMessage, Mailbox
from privacy import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(operator):
    return Mailbox.objects.create(
        name="Exportcenter Uppsala",
        address="exportcenter@region.example",
        region=operator.regions.first(),
        kind=Mailbox.Kind.LOCAL,
    )


def _message(mailbox, **fields):
    defaults = {
        "message_id": f"<{InboundMessage.objects.count()}@kund.example>",
        "outcome": InboundMessage.Outcome.REPLY,
        "subject": "Sv: Er förfrågan",
        "body_text": "Hej, vi vill gärna ses. /Karin Berg, 070-123 45 67",
    }
    return InboundMessage.objects.create(mailbox=mailbox, **{**defaults, **fields})


def test_the_export_holds_the_persons_emails_by_address_and_by_request(person, staff, mailbox):
    contact = person
    request = contact.requests.get()
    by_address = _message(mailbox, from_address=contact.email.upper(), from_name="Karin Berg")
    on_request = _message(mailbox, from_address="kollega@knivsta.example", request=request)
    _message(mailbox, from_address="someone.else@example.org", body_text="Not about Karin")

    rows = services.export_person(person=contact, by=staff)["sections"]["inbound_emails"]["rows"]

    assert {row["id"] for row in rows} == {str(by_address.public_id), str(on_request.public_id)}
    row = next(row for row in rows if row["id"] == str(by_address.public_id))
    assert row["text"].startswith("Hej, vi vill gärna ses.")
    assert row["mailbox"] == "exportcenter@region.example" and row["from_name"] == "Karin Berg"


def test_erasure_clears_the_text_and_keeps_the_message_id(person, staff, mailbox):
    message = _message(mailbox, from_address=person.email, from_name="Karin Berg", headers={"From": "Karin"})

    counts = services.erase_person(person=person, by=staff)

    message.refresh_from_db()
    assert counts["inbound_emails"] == 1
    assert (message.from_address, message.from_name, message.subject, message.body_text) == ("", "", "", "")
    assert message.headers == {} and message.anonymised_at is not None
    assert message.message_id.endswith("@kund.example>")
    assert services.erase_person(person=person, by=staff)["inbound_emails"] == 0
    assert services.export_person(person=person, by=staff)["sections"]["inbound_emails"]["rows"] == []
