"""What the mailboxes app (issue 20) holds about one person: the emails they sent to a mailbox.

Found by the sender's address (any address of the person) or by the person's requests. The export gives
each message as the portal read it (who, when, subject, the text). Erasure clears what quotes the person
(the sender's name and address, subject, text, HTML, headers) and keeps the row, so that the mailbox's
count and the Message-ID (which stops the message being taken again from the mailbox) stay.
"""

from django.db.models import Q
from django.utils import timezone

from exportcenter.personal_data import Row, Subject, iso
from mailboxes.models import InboundMessage


def _messages(subject: Subject):
    query = Q(request_id__in=subject.request_ids) if subject.request_ids else Q(pk__in=[])
    for email in subject.emails:
        query |= Q(from_address__iexact=email)
    return InboundMessage.objects.filter(query)


def collect_inbound_messages(subject: Subject) -> list[Row]:
    messages = _messages(subject).select_related("mailbox", "request").order_by("taken_at", "pk")
    return [
        {
            "id": str(message.public_id),
            "mailbox": message.mailbox.address,
            "from": message.from_address,
            "from_name": message.from_name,
            "subject": message.subject,
            "sent_at": iso(message.sent_at),
            "taken_at": iso(message.taken_at),
            "outcome": message.outcome,
            "request": message.request.reference if message.request else "",
            "text": message.body_text,
        }
        for message in messages
        if message.anonymised_at is None
    ]


def erase_inbound_messages(subject: Subject) -> int:
    return (
        _messages(subject)
        .filter(anonymised_at__isnull=True)
        .update(
            from_address="",
            from_name="",
            to_addresses=[],
            subject="",
            body_text="",
            body_html="",
            headers={},
            in_reply_to="",
            references="",
            error="",
            anonymised_at=timezone.now(),
        )
    )
