"""The demo's email: the region's shared mailbox in local-folder mode, with a new request found by its
organisation number, one from a sender the portal does not know, a reply with a file on a demo request and an
out-of-office that is ignored. Idempotent; the demo emails nobody."""

import pytest

from demo import companies as companies_demo
from demo import mail as demo
from demo import partners as advisors_demo
from demo import requests as referrals_demo
from mailboxes.models import InboundMessage, Mailbox
from notifications.models import OutboundEmail
from referrals.models import AdviceRequest, Attachment, RequestEvent

Outcome = InboundMessage.Outcome


@pytest.mark.django_db
@pytest.mark.usefixtures("midday_today")
def test_demo_mail(reference_data):
    advisors_demo.seed()
    companies_demo.seed()
    referrals_demo.seed(count=4)
    emails_before = OutboundEmail.objects.count()

    assert demo.seed() == 4
    assert demo.seed() == 0

    mailbox = Mailbox.objects.get(address=demo.ADDRESS)
    assert (mailbox.kind, mailbox.organisation, mailbox.messages_taken) == (Mailbox.Kind.LOCAL, None, 4)
    messages = {message.message_id: message for message in mailbox.messages.select_related("request")}
    assert len(messages) == 4
    found = messages["<demo-new-request@demo-mail.example>"]
    assert found.outcome == Outcome.NEW_REQUEST
    assert found.request.channel == AdviceRequest.Channel.EMAIL
    assert found.request.company.org_number in found.body_text.replace("-", "")  # matched by its number
    assert messages["<demo-unknown-sender@demo-mail.example>"].outcome == Outcome.NEW_REQUEST
    reply = messages["<demo-reply@demo-mail.example>"]
    assert (reply.outcome, reply.matched_by) == (Outcome.REPLY, InboundMessage.MatchedBy.REFERENCE)
    event = RequestEvent.objects.get(request=reply.request, kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY)
    assert event.body.startswith("Hej!") and "> Kan ni skicka" not in event.body  # the quote is folded
    (attachment,) = Attachment.objects.filter(event=event)
    assert (attachment.name, attachment.content_type) == ("prislista-2027.pdf", "application/pdf")
    out_of_office = messages["<demo-out-of-office@demo-mail.example>"]
    assert (out_of_office.outcome, out_of_office.request) == (Outcome.AUTO_REPLY, None)
    assert OutboundEmail.objects.count() == emails_before  # the demo emails nobody
