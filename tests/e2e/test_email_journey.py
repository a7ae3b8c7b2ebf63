"""Email as a channel in a real browser, against a real IMAP server (issue 20): a company's email arrives in
Almi's mailbox (dovecot) and the real poller makes it a request; Almi's advisor takes it and answers from the
portal with the keyboard; the answer goes out threaded (Message-ID, In-Reply-To, a signed Reply-To); the
company's emailed reply, with a file, lands on the timeline "by email", the owner is told, and the file
downloads as an attachment. axe-core on every page."""

from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import pytest
from playwright.sync_api import expect

from advisors.models import Organisation, Region
from mailboxes import poller, secrets
from mailboxes.models import InboundMessage, Mailbox
from notifications.models import Notification, OutboundEmail
from referrals.models import AdviceRequest, Attachment, RequestEvent
from tests.dovecot import PASSWORD

ANNA = "anna.advisor@almi.example"
KARIN = ("Karin Berg", "karin.berg@knivsta-konsult.example")
OFFER = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

pytestmark = pytest.mark.usefixtures("midday_today")


@pytest.fixture
def almi_mailbox(demo, imap_server, imap_user, settings):
    settings.MAIL_IMAP_CA_FILE = imap_server.ca_file
    return Mailbox.objects.create(
        name="Almi Uppsala",
        address="uppsala@almi.example",
        region=Region.objects.get(slug="uppsala"),
        organisation=Organisation.objects.get(slug="almi"),
        kind=Mailbox.Kind.IMAP,
        host=imap_server.host,
        port=imap_server.port,
        security=Mailbox.Security.TLS,
        username=imap_user,
        password_encrypted=secrets.encrypt(PASSWORD),
        folder="INBOX",
        processed_folder="Processed",
    )


def _email(subject: str, body: str, **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr(KARIN)
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="knivsta-konsult.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def test_an_email_becomes_a_request_is_answered_and_the_reply_lands_with_its_file(
    page, live_server, almi_mailbox, imap_server, imap_user, sign_in_as, assert_no_axe_violations
):
    # 1. Karin writes to Almi; the poller takes her email from the IMAP server.
    first = _email(
        "Hjälp med export till Tyskland",
        "Hej!\n\nVi säljer konsulttjänster och har fått en förfrågan från München. "
        "Kan ni hjälpa oss?\n\nKarin",
        To="uppsala@almi.example",
    )
    imap_server.deliver(imap_user, bytes(first))
    assert poller.poll(almi_mailbox).taken == 1
    taken = InboundMessage.objects.get(mailbox=almi_mailbox)
    advice_request = taken.request
    assert (taken.outcome, advice_request.channel) == (InboundMessage.Outcome.NEW_REQUEST, "email")
    assert advice_request.owner_organisation.slug == "almi"

    # 2. Anna sees it in the inbox and opens it.
    sign_in_as(ANNA)
    page.goto("/en/advisor/requests/")
    main = page.get_by_role("main")
    expect(main).to_contain_text(advice_request.reference)
    assert_no_axe_violations(page)
    page.goto(f"/en/advisor/requests/{advice_request.public_id}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("konsulttjänster")
    expect(main.get_by_text("by email", exact=True).first).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Take it").click()
    expect(page.locator("#live-announcer")).to_have_text("You have taken the request.")

    # 3. She answers from the portal with the keyboard only.
    body = page.get_by_label("Message to the company")
    body.focus()
    page.keyboard.type("Hej Karin! Vi ringer dig i morgon om Tyskland. /Anna")
    page.get_by_role("button", name="Send to the company").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_contain_text("Vi ringer dig i morgon")
    assert_no_axe_violations(page)
    answer = RequestEvent.objects.get(request=advice_request, kind=RequestEvent.Kind.MESSAGE_TO_COMPANY)
    email = OutboundEmail.objects.get(key=f"request-message:{answer.pk}")
    assert email.to == KARIN[1] and advice_request.reference in email.subject
    # It answers the thread: Karin's email, then the confirmation the portal sent her.
    confirmation = OutboundEmail.objects.get(key__startswith="request-confirmation", to=KARIN[1])
    assert email.message_id and email.headers["In-Reply-To"] == confirmation.message_id
    references = email.headers["References"].split()
    assert references.index(first["Message-ID"]) < references.index(confirmation.message_id)
    assert email.headers["Reply-To"].startswith("uppsala+")  # a signed plus-address on Almi's mailbox

    # 4. Karin answers by email with her offer attached; the poller threads it onto the request.
    reply = _email(
        f"Sv: {email.subject}",
        "Tack! Här är offerten från München.\n\nKarin\n\n> Hej Karin! Vi ringer dig i morgon om Tyskland.",
        To=email.headers["Reply-To"],
        In_Reply_To=email.message_id,
        References=f"{first['Message-ID']} {email.message_id}",
    )
    reply.add_attachment(OFFER, maintype="application", subtype="pdf", filename="offert-munchen.pdf")
    imap_server.deliver(imap_user, bytes(reply))
    assert poller.poll(almi_mailbox).taken == 1
    landed = InboundMessage.objects.get(mailbox=almi_mailbox, message_id=reply["Message-ID"])
    assert (landed.outcome, landed.request_id) == (InboundMessage.Outcome.REPLY, advice_request.pk)
    assert Notification.objects.filter(recipient__email=ANNA, kind="company_replied").exists()

    # 5. On the request page: the reply, marked "by email", with its file, which downloads.
    page.goto(f"/en/advisor/requests/{advice_request.public_id}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Här är offerten från München")
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        main.get_by_role("link", name="offert-munchen.pdf").first.click()
    assert download.value.suggested_filename == "offert-munchen.pdf"
    assert Attachment.objects.get(request=advice_request).source == Attachment.Source.EMAIL
    advice_request.refresh_from_db()
    assert advice_request.status != AdviceRequest.Status.CLOSED
