"""mailboxes.ingest.take: once, in one transaction, and what each email becomes (issue 20, section 1)."""

from email.utils import make_msgid

import pytest
from django.core import mail
from django.utils import timezone

from companies.models import Company, Contact
from mailboxes import ingest, matching
from mailboxes.models import InboundMessage, Mailbox
from notifications.models import Notification, OutboundEmail
from referrals import services, threading
from referrals.models import AdviceRequest, RequestEvent
from tests.factories import ContactFactory, UserFactory
from tests.mailboxes.conftest import make_message
from tests.referrals.conftest import build_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(region, organisation, reference_data):
    region.counties.add("03")
    organisation.email = "uppsala@almi.example"
    organisation.save()
    region.operator = organisation
    region.save()
    return organisation


@pytest.fixture
def mailbox(operator, region, organisation, settings):
    settings.MAIL_REPLY_ADDRESS = ""
    return Mailbox.objects.create(
        name="Almi export",
        address="export@almi.example",
        region=region,
        organisation=organisation,
        kind=Mailbox.Kind.LOCAL,
    )


@pytest.fixture
def triager(operator):
    return UserFactory(email="triage@almi.example", organisation=operator)


@pytest.fixture
def owned(mailbox, advisor):
    """Karin Berg's request (Knivsta Konsult AB), taken by Almi's advisor, who wrote to her."""
    request = services.submit_request(submission=build_submission())
    request = services.claim(request=request, advisor=advisor)
    services.message_company(request=request, by=advisor, body="Vilka marknader?", expected_version=None)
    request.refresh_from_db()
    return request


def advisor_message(request) -> OutboundEmail:
    return OutboundEmail.objects.filter(
        key__startswith="request-message:", thread=threading.thread_of(request)
    ).get()


def outcome(taken) -> str:
    return taken.message.outcome


# --- New requests -----------------------------------------------------------------------------------


def test_an_email_from_a_stranger_becomes_a_request_in_the_mailbox_owners_queue(
    mailbox, organisation, triager
):
    raw = make_message(message_id="<first@bergsmide.example>")
    taken = ingest.take(mailbox, raw, uid=7, uidvalidity=1)
    assert taken.created and outcome(taken) == InboundMessage.Outcome.NEW_REQUEST
    request = taken.message.request
    assert request.channel == AdviceRequest.Channel.EMAIL
    assert request.owner_organisation == organisation and request.region == mailbox.region
    assert request.first_response_due_at > timezone.now()
    assert "Vi vill börja exportera till Norge" in request.description
    assert request.contact.email == "karin.berg@bergsmide.example" and request.contact.name == "Karin Berg"
    assert request.company.name == "Bergsmide" and request.company.org_number is None
    assert request.submitted["email"]["company_matched_by"] == matching.MatchedBy.NEW
    created = request.events.get(kind=RequestEvent.Kind.CREATED)
    assert taken.message.event == created
    assert created.data == {
        "channel": "email",
        "message_id": "<first@bergsmide.example>",
        "inbound": str(taken.message.public_id),
    }
    assert (taken.message.uid, taken.message.uidvalidity) == (7, 1)
    mailbox.refresh_from_db()
    assert mailbox.messages_taken == 1
    # The sender gets a confirmation that answers their email and says it is automatic.
    confirmation = OutboundEmail.objects.get(key=f"request-confirmation:{request.pk}")
    assert confirmation.to == "karin.berg@bergsmide.example"
    assert confirmation.subject == f"Re: Hjälp med export till Norge [{request.reference}]"
    assert confirmation.headers["Auto-Submitted"] == "auto-replied"
    assert confirmation.headers["In-Reply-To"] == "<first@bergsmide.example>"
    assert threading.request_for_address(confirmation.headers["Reply-To"]) == request
    assert confirmation.thread == threading.thread_of(request)
    assert Notification.objects.filter(recipient=triager, kind="new_request").exists()


def test_a_known_contacts_email_is_a_request_of_their_company(mailbox):
    contact = ContactFactory(email="Karin.Berg@Bergsmide.example")
    taken = ingest.take(mailbox, make_message())
    assert taken.message.request.contact == contact
    assert taken.message.request.company == contact.company
    assert taken.message.request.submitted["email"]["company_matched_by"] == matching.MatchedBy.CONTACT
    assert matching.suggestions(taken.message.request) == []


def test_an_organisation_number_in_the_text_finds_the_company(mailbox):
    company = ContactFactory().company
    number = f"{company.org_number[:6]}-{company.org_number[6:]}"
    taken = ingest.take(mailbox, make_message(body=f"Hej, vi är {company.name} (org.nr {number})."))
    request = taken.message.request
    assert request.company == company
    assert request.contact.email == "karin.berg@bergsmide.example" and request.contact.company == company
    assert request.submitted["email"]["company_matched_by"] == matching.MatchedBy.ORG_NUMBER


def test_a_new_company_offers_did_you_mean(mailbox):
    known = ContactFactory(email="sales@bergsmide.example").company
    taken = ingest.take(mailbox, make_message())
    request = taken.message.request
    assert request.company != known
    assert matching.suggestions(request) == [known]


def test_the_same_message_twice_is_one_row(mailbox):
    raw = make_message()
    first = ingest.take(mailbox, raw, uid=1, uidvalidity=5)
    second = ingest.take(mailbox, raw, uid=9, uidvalidity=6)  # moved back, or the folder was rebuilt
    assert first.created and not second.created
    assert second.message.pk == first.message.pk
    assert InboundMessage.objects.count() == 1 and AdviceRequest.objects.count() == 1
    assert ingest.already_taken(mailbox, uid=9, uidvalidity=6)
    assert not ingest.already_taken(mailbox, uid=1, uidvalidity=6)
    mailbox.refresh_from_db()
    assert mailbox.messages_taken == 1


def test_a_message_without_a_message_id_is_taken_once_by_its_content(mailbox):
    raw = make_message(message_id=False)
    assert ingest.take(mailbox, raw).created
    assert not ingest.take(mailbox, raw).created
    assert InboundMessage.objects.get().message_id.endswith("@exportcenter.invalid>")


# --- Replies ----------------------------------------------------------------------------------------


def test_a_reply_to_the_advisors_email_lands_on_the_timeline_and_the_owner_is_told(owned, mailbox, advisor):
    AdviceRequest.objects.filter(pk=owned.pk).update(status=AdviceRequest.Status.WAITING_FOR_COMPANY)
    sent = advisor_message(owned)
    raw = make_message(
        "Re: " + sent.subject,
        sender="Karin Berg <karin@konsult.example>",
        body="Tyskland först.\n\nDen 5 dec. 2026 kl. 10:12 skrev Almi <export@almi.example>:\n"
        "> Vilka marknader?",
        headers={"In-Reply-To": sent.message_id, "References": sent.message_id},
    )
    taken = ingest.take(mailbox, raw)
    assert outcome(taken) == InboundMessage.Outcome.REPLY
    assert taken.message.matched_by == InboundMessage.MatchedBy.IN_REPLY_TO
    assert taken.message.request == owned
    event = taken.message.event
    assert event.kind == RequestEvent.Kind.MESSAGE_FROM_COMPANY and event.request == owned
    assert "Tyskland först." in event.body
    assert event.data["channel"] == "email" and event.data["inbound"] == str(taken.message.public_id)
    assert event.data["message_id"] == taken.message.message_id
    owned.refresh_from_db()
    assert owned.status == AdviceRequest.Status.IN_PROGRESS  # it waited for the company
    assert Notification.objects.filter(recipient=advisor, kind="company_replied").exists()
    assert AdviceRequest.objects.count() == 1
    # No answer goes back by itself; the advisor's next email answers this one.
    services.message_company(request=owned, by=advisor, body="Bra.", expected_version=None)
    latest = OutboundEmail.objects.filter(key__startswith="request-message:").order_by("-pk").first()
    assert latest.headers["In-Reply-To"] == taken.message.message_id


def test_a_reply_naming_only_the_root_message_id_is_a_reply(owned, mailbox):
    raw = make_message(
        "Svar", sender="someone@else.example", headers={"References": threading.root_message_id(owned)}
    )
    taken = ingest.take(mailbox, raw)
    assert taken.message.request == owned and outcome(taken) == InboundMessage.Outcome.REPLY


def test_a_reply_to_the_signed_plus_address_is_a_reply_whoever_sends_it(owned, mailbox):
    address = threading.reply_address(owned)
    assert address.startswith("export+")
    taken = ingest.take(mailbox, make_message("Fråga", sender="kollega@konsult.example", to=address))
    assert taken.message.matched_by == InboundMessage.MatchedBy.PLUS_ADDRESS
    assert taken.message.request == owned


def test_a_forged_plus_address_becomes_a_new_request(owned, mailbox):
    address = threading.reply_address(owned)
    forged = address.split(".")[0] + "." + "a" * 20 + "@almi.example"
    taken = ingest.take(mailbox, make_message("Fråga", sender="x@attacker.example", to=forged))
    assert outcome(taken) == InboundMessage.Outcome.NEW_REQUEST
    assert taken.message.request != owned
    assert owned.events.filter(kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY).count() == 0


def test_the_reference_in_the_subject_counts_from_a_contact_of_the_company(owned, mailbox):
    colleague = ContactFactory(company=owned.company, email="nils@konsult.example")
    taken = ingest.take(mailbox, make_message(f"Angående {owned.reference}", sender=colleague.email))
    assert taken.message.matched_by == InboundMessage.MatchedBy.REFERENCE
    assert taken.message.request == owned


def test_a_forged_reference_from_another_address_becomes_a_new_request(owned, mailbox):
    taken = ingest.take(mailbox, make_message(f"Re: {owned.reference}", sender="mallory@attacker.example"))
    assert outcome(taken) == InboundMessage.Outcome.NEW_REQUEST
    assert taken.message.request != owned
    assert taken.message.request.company != owned.company
    assert not owned.events.filter(kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY).exists()


def test_a_made_up_in_reply_to_is_not_a_reply(owned, mailbox):
    sent = advisor_message(owned)
    guessed = sent.message_id.replace(sent.message_id[1:9], "00000000")
    taken = ingest.take(
        mailbox, make_message("Hej", sender="m@attacker.example", headers={"In-Reply-To": guessed})
    )
    assert outcome(taken) == InboundMessage.Outcome.NEW_REQUEST


def test_a_reply_on_a_closed_request_lands_on_it_and_reopens_nothing(owned, mailbox, advisor):
    AdviceRequest.objects.filter(pk=owned.pk).update(
        status=AdviceRequest.Status.CLOSED, outcome=AdviceRequest.Outcome.HELPED, closed_at=timezone.now()
    )
    sent = advisor_message(owned)
    taken = ingest.take(
        mailbox,
        make_message("Re: tack", sender="karin@konsult.example", headers={"In-Reply-To": sent.message_id}),
    )
    assert taken.message.request == owned
    assert taken.message.event.data["request_closed"] is True
    owned.refresh_from_db()
    assert owned.status == AdviceRequest.Status.CLOSED
    assert Notification.objects.filter(recipient=advisor, kind="company_replied").exists()
    assert AdviceRequest.objects.count() == 1


# --- Not requests -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "auto_reply"},
    ],
)
def test_auto_replies_never_create_requests_and_are_never_answered(mailbox, headers):
    before = OutboundEmail.objects.count()
    taken = ingest.take(mailbox, make_message("Frånvaro", headers=headers))
    assert outcome(taken) == InboundMessage.Outcome.AUTO_REPLY
    assert taken.message.request is None and AdviceRequest.objects.count() == 0
    assert OutboundEmail.objects.count() == before


def test_an_out_of_office_answering_our_email_is_linked_but_not_on_the_timeline(owned, mailbox):
    sent = advisor_message(owned)
    events = owned.events.count()
    taken = ingest.take(
        mailbox,
        make_message(
            "Automatiskt svar: " + sent.subject,
            sender="karin@konsult.example",
            headers={"In-Reply-To": sent.message_id, "Auto-Submitted": "auto-replied"},
        ),
    )
    assert outcome(taken) == InboundMessage.Outcome.AUTO_REPLY
    assert taken.message.request == owned and taken.message.event is None
    assert owned.events.count() == events


@pytest.mark.parametrize(
    "sender", ["no-reply@exportcenter.localhost", "export@almi.example", "EXPORT+x@almi.example"]
)
def test_mail_from_our_own_addresses_is_never_answered(mailbox, sender):
    taken = ingest.take(mailbox, make_message("Hej", sender=sender))
    assert outcome(taken) == InboundMessage.Outcome.AUTO_REPLY
    assert AdviceRequest.objects.count() == 0 and OutboundEmail.objects.count() == 0


def dsn(recipient: str, original_message_id: str) -> bytes:
    """A delivery-status report as Postfix writes it."""
    return f"""From: MAILER-DAEMON@mail.almi.example (Mail Delivery System)
To: no-reply@exportcenter.localhost
Subject: Undelivered Mail Returned to Sender
Message-ID: {make_msgid(domain="mail.almi.example")}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.almi.example.

I'm sorry to have to inform you that your message could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.almi.example

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

--B1
Content-Type: text/rfc822-headers

From: Exportcenter <no-reply@exportcenter.localhost>
To: {recipient}
Subject: Ett meddelande
Message-ID: {original_message_id}

--B1--
""".replace("\n", "\r\n").encode()


def test_a_bounce_marks_the_contact_and_the_requests_timeline(owned, mailbox):
    sent = advisor_message(owned)
    taken = ingest.take(mailbox, dsn("karin@konsult.example", sent.message_id))
    assert outcome(taken) == InboundMessage.Outcome.BOUNCE
    contact = Contact.objects.get(pk=owned.contact_id)
    assert contact.email_bouncing_since is not None
    assert contact.email_bounce_reason
    assert taken.message.request == owned
    event = taken.message.event
    assert event.kind == RequestEvent.Kind.EMAIL_BOUNCED and event.request == owned
    assert event.data["recipients"] == ["karin@konsult.example"]
    assert AdviceRequest.objects.count() == 1
    assert not OutboundEmail.objects.filter(to__icontains="mailer-daemon").exists()


def test_a_bounce_of_an_unknown_email_still_marks_the_contact(mailbox):
    contact = ContactFactory(email="gone@company.example")
    taken = ingest.take(mailbox, dsn("gone@company.example", "<unknown@elsewhere.example>"))
    assert outcome(taken) == InboundMessage.Outcome.BOUNCE and taken.message.request is None
    contact.refresh_from_db()
    assert contact.email_bouncing_since is not None


# --- Refused and failed -----------------------------------------------------------------------------


def test_an_oversized_message_is_refused_with_its_headers(mailbox):
    head = make_message("Stor fil", message_id="<big@bergsmide.example>").split(b"\n\n")[0] + b"\n\n"
    message = ingest.refuse(mailbox, uid=3, uidvalidity=1, size=50_000_000, reason="too large", head=head)
    again = ingest.refuse(mailbox, uid=3, uidvalidity=1, size=50_000_000, reason="too large", head=head)
    assert message.pk == again.pk
    assert message.outcome == InboundMessage.Outcome.REFUSED and message.subject == "Stor fil"
    assert message.message_id == "<big@bergsmide.example>" and message.size == 50_000_000
    assert ingest.already_taken(mailbox, uid=3, uidvalidity=1)
    assert AdviceRequest.objects.count() == 0


def test_a_message_that_breaks_the_parser_is_recorded_as_failed_not_retried(mailbox, monkeypatch):
    def broken(raw):
        raise ValueError("cannot read this")

    monkeypatch.setattr(ingest, "_parse", broken)
    taken = ingest.take(mailbox, b"garbage", uid=4, uidvalidity=1)
    assert outcome(taken) == InboundMessage.Outcome.FAILED and "cannot read this" in taken.message.error
    assert not ingest.take(mailbox, b"garbage", uid=4, uidvalidity=1).created
    assert ingest.already_taken(mailbox, uid=4, uidvalidity=1)


def test_an_error_while_acting_rolls_everything_back_and_records_failed(mailbox, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(ingest, "request_from_email", boom)
    taken = ingest.take(mailbox, make_message())
    assert outcome(taken) == InboundMessage.Outcome.FAILED
    assert Company.objects.count() == 0 and AdviceRequest.objects.count() == 0  # the matching rolled back


def test_garbage_never_raises(mailbox):
    for raw in [b"", b"\x00\xff\xfe", b"From: \r\n\r\n", b"Subject: =?x-unknown?q?=E5?=\n\nhej"]:
        taken = ingest.take(mailbox, raw)
        assert taken.message.outcome in {InboundMessage.Outcome.FAILED, InboundMessage.Outcome.NEW_REQUEST}
    assert mail.outbox == []


def test_a_follow_up_to_the_companys_own_email_joins_its_request_from_a_contact_only(mailbox):
    first = ingest.take(mailbox, make_message(message_id="<first@bergsmide.example>"))
    follow_up = make_message(
        "Re: Hjälp med export till Norge", headers={"In-Reply-To": "<first@bergsmide.example>"}
    )
    taken = ingest.take(mailbox, follow_up)
    assert taken.message.outcome == InboundMessage.Outcome.REPLY
    assert taken.message.request == first.message.request
    stranger = make_message(
        "Re: Hjälp", sender="mallory@attacker.example", headers={"In-Reply-To": "<first@bergsmide.example>"}
    )
    assert ingest.take(mailbox, stranger).message.outcome == InboundMessage.Outcome.NEW_REQUEST


def test_a_no_reply_sender_gets_no_confirmation(mailbox):
    taken = ingest.take(mailbox, make_message("Order", sender="no-reply@shop.example"))
    assert taken.message.outcome == InboundMessage.Outcome.NEW_REQUEST
    assert not OutboundEmail.objects.filter(key__startswith="request-confirmation:").exists()


def test_nul_bytes_and_huge_text_are_stored_safely(mailbox):
    raw = make_message(
        "Hej\x00du", sender="Karin\x00 Berg <karin@bergsmide.example>", body="a\x00b " * 300_000
    )
    taken = ingest.take(mailbox, raw)
    assert taken.message.outcome == InboundMessage.Outcome.NEW_REQUEST
    request = taken.message.request
    assert "\x00" not in request.description and len(request.description) <= 3000
    assert "\x00" not in taken.message.body_text and "\x00" not in request.contact.name
