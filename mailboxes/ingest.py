"""Taking one email from a mailbox (issue 20): once, in one transaction, and deciding what it is.

`take(mailbox, raw)` parses the message and, in one transaction:

1. **Once:** (mailbox, Message-ID) is unique. A message taken before (polled twice, or moved after a crash)
   returns the first row (`Taken.created` False). Concurrent calls for the same message queue on an
   advisory lock and the second finds the first's row; the unique constraint decides if anything slips by.
2. **A bounce** (a delivery-status report): every contact with a returned address is marked bouncing
   (`Contact.email_bouncing_since`, the reason), and the request whose email came back (found by the
   returned Message-ID) gets an "email bounced" entry on its timeline. Never answered.
3. **An auto-reply or out-of-office** (Auto-Submitted, X-Autoreply, Precedence, the subject): recorded,
   linked to its request when it answers one, and nothing else. Never a request, never an answer.
4. **Our own mail** (from DEFAULT_FROM_EMAIL, MAIL_REPLY_ADDRESS or any mailbox's address): recorded and
   ignored, so that no mail loop can start.
5. **A reply** lands on the request's timeline as a message from the company and the owner is told
   (`referrals.services.reply_from_company`). It is a reply when (in this order):
   - In-Reply-To or References names an email the portal sent about a request (its Message-ID is an HMAC of
     SECRET_KEY, kept on the outbox row; or the request's signed root Message-ID);
   - it was sent to a request's signed plus-address (the Reply-To the portal gave);
   - its subject carries a request's reference (EC-YYYY-NNNNNN) AND the sender is the request's contact or
     a contact of the request's company. A reference from anyone else is not trusted: the email becomes
     a new request (it names the reference in its text, so the advisor can link them).
   A reply to a closed request still lands on its timeline (the owner is told; nothing is reopened): the
   advisor decides whether it is a new matter.
6. **Otherwise a new request** (channel "email") in the mailbox's queue (`referrals.services.email_intake`),
   its company found by `mailboxes.matching`; the sender gets a confirmation that threads with their email.

The email's files go to `referrals.services.attachments.store` (virus scan and all). If the scanner is down,
`take` raises and nothing is written: the poller tries the message again later.
"""

import hashlib
import logging
import re
import uuid
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Contact
from exportcenter.clamav import ScannerUnavailable
from exportcenter.locks import wait_for_lock
from notifications.models import OutboundEmail
from referrals import services as referral_services
from referrals import threading
from referrals.models import AdviceRequest, Attachment, RequestEvent
from referrals.services import attachments as attachment_service
from referrals.services.email_intake import request_from_email

from . import matching
from .models import InboundMessage, Mailbox

logger = logging.getLogger(__name__)

MAX_EVENT_BODY = 5000  # RequestEvent.body's limit; the whole email stays on the inbound message
MAX_STORED_TEXT = 1_000_000  # an inbound message's text and HTML are kept up to this many characters


@dataclass
class Taken:
    message: InboundMessage
    created: bool


def _parse(raw: bytes):
    from . import parsing  # mailboxes.parsing (H1)

    return parsing.parse(raw)


def _store_attachments(*, request, event, files):
    """The email's files on the request, through the attachments service (scan, allow-list, storage)."""
    if not files:
        return []
    return attachment_service.store(
        request=request, event=event, files=list(files), source=Attachment.Source.EMAIL
    )


# Errors after which the message is tried again (nothing was written): the database, the virus scanner.
RETRY_LATER = (DatabaseError, ScannerUnavailable)


def _clip(text: str, limit: int) -> str:
    return (text or "").replace("\x00", "")[:limit]


def _message_id_of(raw: bytes) -> str:
    return f"<{hashlib.sha256(raw).hexdigest()}@exportcenter.invalid>"


# --- Taking a message -------------------------------------------------------------------------------


def take(mailbox: Mailbox, raw: bytes, *, uid: int | None = None, uidvalidity: int | None = None) -> Taken:
    """Take one message from the mailbox: recorded once, and acted on (see the module's doc).

    Raises only when the message should be tried again later (the database or the virus scanner is
    unavailable); a message that cannot be read is recorded as FAILED, with the error, and not retried.
    """
    try:
        parsed = _parse(raw)
    except Exception as exc:  # the parser promises not to raise; if it does, the message is not retried
        logger.exception("Message in mailbox %s could not be parsed.", mailbox.pk)
        return _failed(mailbox, raw, uid=uid, uidvalidity=uidvalidity, error=exc)
    message_id = _clip(parsed.message_id, 500) or _message_id_of(raw)
    if (existing := _existing(mailbox, message_id, uid, uidvalidity)) is not None:
        return Taken(existing, False)
    try:
        # Files written for a transaction that rolls back are deleted again.
        with attachment_service.removed_on_failure(), transaction.atomic():
            # Two workers taking the same message queue here; the second sees the first's row.
            wait_for_lock(f"inbound:{mailbox.pk}:{message_id}")
            if (existing := _existing(mailbox, message_id, uid, uidvalidity)) is not None:
                return Taken(existing, False)
            message = _act(mailbox, parsed, message_id, uid=uid, uidvalidity=uidvalidity)
            Mailbox.objects.filter(pk=mailbox.pk).update(messages_taken=F("messages_taken") + 1)
            return Taken(message, True)
    except IntegrityError:
        existing = InboundMessage.objects.filter(mailbox=mailbox, message_id=message_id).first()
        if existing is None:
            raise
        return Taken(existing, False)
    except RETRY_LATER:
        raise
    except Exception as exc:
        logger.exception("Message %s in mailbox %s could not be taken.", message_id, mailbox.pk)
        return _failed(mailbox, raw, uid=uid, uidvalidity=uidvalidity, error=exc, parsed=parsed)


def _existing(mailbox, message_id, uid, uidvalidity) -> InboundMessage | None:
    existing = InboundMessage.objects.filter(mailbox=mailbox, message_id=message_id).first()
    if (
        existing is not None
        and uid is not None
        and (existing.uid, existing.uidvalidity) != (uid, uidvalidity)
    ):
        # Taken before under another UID (copied back, or a new UIDVALIDITY): remember this one.
        InboundMessage.objects.filter(pk=existing.pk).update(uid=uid, uidvalidity=uidvalidity)
        existing.uid, existing.uidvalidity = uid, uidvalidity
    return existing


def _failed(mailbox, raw, *, uid, uidvalidity, error, parsed=None) -> Taken:
    message_id = _clip(getattr(parsed, "message_id", ""), 500) or _message_id_of(raw)
    defaults = {
        "outcome": InboundMessage.Outcome.FAILED,
        "uid": uid,
        "uidvalidity": uidvalidity,
        "size": len(raw),
        "error": f"{error.__class__.__name__}: {error}"[:500],
    }
    if parsed is not None:
        defaults.update(_fields(parsed))
    with transaction.atomic():
        message, created = InboundMessage.objects.get_or_create(
            mailbox=mailbox, message_id=message_id, defaults=defaults
        )
    return Taken(message, created)


def already_taken(mailbox: Mailbox, *, uid: int, uidvalidity: int | None) -> bool:
    """Whether the message with this UID (in this UIDVALIDITY) was taken already: the poller skips it."""
    return InboundMessage.objects.filter(mailbox=mailbox, uid=uid, uidvalidity=uidvalidity).exists()


def refuse(
    mailbox: Mailbox, *, uid: int | None, uidvalidity: int | None, size: int, reason: str, head: bytes
) -> InboundMessage:
    """Record a message that is not taken (too large): its headers only, from `head`. Idempotent."""
    fields: dict = {}
    message_id = ""
    try:
        parsed = _parse(head or b"")
        fields = _fields(parsed)
        fields.pop("body_text", None)
        fields.pop("body_html", None)
        message_id = _clip(parsed.message_id, 500) if parsed.has_message_id else ""
    except Exception:  # a head that cannot be read: the refusal is still recorded
        logger.warning("Head of refused message %s in mailbox %s could not be read.", uid, mailbox.pk)
    if not message_id:
        message_id = f"<refused.{uidvalidity or 0}.{uid or uuid.uuid4().hex}@exportcenter.invalid>"
    fields.update(
        outcome=InboundMessage.Outcome.REFUSED,
        uid=uid,
        uidvalidity=uidvalidity,
        size=size,
        error=reason[:500],
    )
    try:
        with transaction.atomic():
            message, _created = InboundMessage.objects.get_or_create(
                mailbox=mailbox, message_id=message_id, defaults=fields
            )
    except IntegrityError:
        message = InboundMessage.objects.get(mailbox=mailbox, message_id=message_id)
    return message


# --- What the message is ----------------------------------------------------------------------------


def _fields(parsed) -> dict:
    """The columns of an inbound message from the parsed email."""
    return {
        "from_address": _clip(parsed.from_address, 320),
        "from_name": _clip(parsed.from_name, 200),
        "to_addresses": [_clip(address, 320) for address in parsed.to][:100],
        "subject": _clip(parsed.subject, 500),
        "sent_at": parsed.sent_at,
        "in_reply_to": _clip(parsed.in_reply_to, 500),
        "references": _clip(" ".join(parsed.references), 20_000),
        "headers": {_clip(str(k), 100): _clip(str(v), 2000) for k, v in (parsed.headers or {}).items()},
        "body_text": _clip(parsed.text, MAX_STORED_TEXT),
        "body_html": _clip(parsed.html, MAX_STORED_TEXT),
        "size": parsed.size,
    }


def _act(mailbox, parsed, message_id, *, uid, uidvalidity) -> InboundMessage:
    message = InboundMessage(
        public_id=uuid.uuid4(),
        mailbox=mailbox,
        message_id=message_id,
        uid=uid,
        uidvalidity=uidvalidity,
        **_fields(parsed),
    )
    Outcome = InboundMessage.Outcome
    if parsed.bounce is not None:
        message.outcome = Outcome.BOUNCE
        message.request, message.event = _bounce(parsed, message)
    elif parsed.auto_reply:
        message.outcome = Outcome.AUTO_REPLY
        message.error = _clip(parsed.auto_reply, 500)
        # Linked to the request it answers, when it answers one (the advisor sees "out of office").
        found = _match_reply(parsed)
        message.request = found[0] if found else None
    elif is_our_address(parsed.from_address):
        message.outcome = Outcome.AUTO_REPLY
        message.error = _(
            "Sent from one of the portal's own addresses: ignored, so that no mail loop starts."
        )
    elif (found := _match_reply(parsed)) is not None:
        request, matched_by = found
        message.outcome = Outcome.REPLY
        message.matched_by = matched_by
        message.request = request
        message.event = _reply(request, parsed, message)
    elif not parsed.from_address:
        message.outcome = Outcome.FAILED
        message.error = _("The message has no sender address: no request was made.")
    else:
        message.outcome = Outcome.NEW_REQUEST
        message.request, message.event = _new_request(mailbox, parsed, message)
    message.save(force_insert=True)
    return message


# --- Loops ------------------------------------------------------------------------------------------


def _base(address: str) -> str:
    """The address without a plus part, lower case."""
    local, at, domain = (address or "").strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if at else ""


def is_our_address(address: str) -> bool:
    """Mail from the portal's own addresses is never answered (and never a request): no loops."""
    base = _base(address)
    if not base:
        return False
    ours = {
        _base(parseaddr(settings.DEFAULT_FROM_EMAIL)[1]),
        _base(parseaddr(getattr(settings, "SERVER_EMAIL", ""))[1]),
        _base(settings.MAIL_REPLY_ADDRESS),
    }
    if base in ours:
        return True
    return Mailbox.objects.filter(address__iexact=base).exists()


# --- Replies ----------------------------------------------------------------------------------------

_THREAD = re.compile(r"^referrals\.AdviceRequest:(\d+)$")


def _live(request: AdviceRequest | None) -> AdviceRequest | None:
    """A request merged into another leads to the one it was merged into."""
    seen = set()
    while request is not None and request.duplicate_of_id and request.pk not in seen:
        seen.add(request.pk)
        request = request.duplicate_of
    return request


def _by_message_ids(ids: list[str]) -> AdviceRequest | None:
    """The request of the most recent id (In-Reply-To first, then References from the end) that the portal
    sent, or that is a request's signed root Message-ID."""
    ids = [mid.strip() for mid in ids if mid and mid.strip()][:100]
    if not ids:
        return None
    threads = dict(
        OutboundEmail.objects.filter(message_id__in=ids)
        .exclude(thread="")
        .values_list("message_id", "thread")
    )
    for mid in ids:
        if (thread := threads.get(mid)) and (match := _THREAD.match(thread)):
            request = AdviceRequest.objects.filter(pk=int(match.group(1))).first()
            if request is not None:
                return request
        if (request := threading.request_for_message_id(mid)) is not None:
            return request
    return None


def _sender_is_contact(request: AdviceRequest, address: str) -> bool:
    if not address:
        return False
    if request.contact is not None and request.contact.email.lower() == address.lower():
        return True
    return Contact.objects.filter(company_id=request.company_id, email__iexact=address).exists()


def _match_reply(parsed) -> tuple[AdviceRequest, str] | None:
    MatchedBy = InboundMessage.MatchedBy
    ids = [parsed.in_reply_to, *reversed(parsed.references)]
    if (request := _by_message_ids(ids)) is not None:
        return _live(request), MatchedBy.IN_REPLY_TO
    for address in [*parsed.to, *parsed.delivered_to]:
        if (request := threading.request_for_address(address)) is not None:
            return _live(request), MatchedBy.PLUS_ADDRESS
    # The company answers its own earlier email (a second thought, a forgotten file): only from a contact
    # of that request's company, since the company's own Message-IDs may be guessable.
    earlier = (
        InboundMessage.objects.filter(message_id__in=[mid for mid in ids if mid][:100], request__isnull=False)
        .select_related("request__contact")
        .order_by("-taken_at")
    )
    for message in earlier:
        if _sender_is_contact(message.request, parsed.from_address):
            return _live(message.request), MatchedBy.IN_REPLY_TO
    references = threading.references_in(parsed.subject)
    if references:
        for request in AdviceRequest.objects.filter(reference__in=references).select_related("contact"):
            if _sender_is_contact(request, parsed.from_address):
                return _live(request), MatchedBy.REFERENCE
    return None


def _reply(request: AdviceRequest, parsed, message: InboundMessage) -> RequestEvent:
    body = (parsed.reply_text or parsed.text or "").strip() or parsed.subject
    event = referral_services.reply_from_company(request=request, body=_event_body(body))
    event.data = {
        **(event.data or {}),
        "channel": "email",
        "message_id": message.message_id,
        "inbound": str(message.public_id),
        **({"request_closed": True} if request.status == AdviceRequest.Status.CLOSED else {}),
    }
    event.save(update_fields=["data"])
    _store_attachments(request=request, event=event, files=parsed.attachments)
    return event


def _event_body(text: str) -> str:
    text = (text or "").replace("\x00", "")
    if len(text) > MAX_EVENT_BODY:
        text = text[: MAX_EVENT_BODY - 1].rstrip() + "…"
    return text


# --- Bounces ----------------------------------------------------------------------------------------


def _bounce(parsed, message: InboundMessage) -> tuple[AdviceRequest | None, RequestEvent | None]:
    bounce = parsed.bounce
    recipients = sorted(
        {address.strip().lower() for address in bounce.recipients if address and "@" in address}
    )
    reason = _clip(bounce.reason, 300)
    now = timezone.now()
    if recipients:
        matching_addresses = Q()
        for address in recipients:
            matching_addresses |= Q(email__iexact=address)
        contacts = Contact.objects.filter(matching_addresses)
        contacts.filter(email_bouncing_since__isnull=True).update(email_bouncing_since=now)
        contacts.update(email_bounce_reason=reason)
    ids = [bounce.original_message_id, parsed.in_reply_to, *reversed(parsed.references)]
    request = _live(_by_message_ids(ids))
    if request is None:
        return None, None
    event = RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.EMAIL_BOUNCED,
        body=reason,
        data={
            "channel": "email",
            "recipients": recipients,
            "message_id": _clip(bounce.original_message_id, 500),
            "inbound": str(message.public_id),
        },
    )
    return request, event


# --- New requests -----------------------------------------------------------------------------------


def _municipality(mailbox: Mailbox):
    """Where a company made from an email is placed until the advisor knows better: the first municipality
    (by code) of the mailbox's region."""
    from reference.models import Municipality

    municipality = (
        Municipality.objects.filter(county__regions=mailbox.region_id).order_by("code").first()
        if mailbox.region_id
        else None
    )
    return municipality or Municipality.objects.order_by("code").first()


def _new_request(mailbox: Mailbox, parsed, message: InboundMessage):
    text = _clip(parsed.reply_text or parsed.text or "", MAX_STORED_TEXT)
    subject = _clip(parsed.subject, 500)
    sender = matching.match_sender(
        address=_clip(parsed.from_address, 254),
        name=_clip(parsed.from_name, 200),
        text=f"{subject}\n{_clip(parsed.text, MAX_STORED_TEXT)}",
        municipality=_municipality(mailbox),
    )
    request = request_from_email(
        region=mailbox.region,
        owner_organisation=mailbox.organisation,
        company=sender.company,
        contact=sender.contact,
        subject=subject,
        body=text,
        language=sender.contact.preferred_language or "sv",
        email={
            "from": message.from_address,
            "from_name": message.from_name,
            "subject": subject,
            "message_id": message.message_id,
            "inbound": str(message.public_id),
            "mailbox": str(mailbox.public_id),
            "company_matched_by": sender.matched_by,
        },
        event_data={"message_id": message.message_id, "inbound": str(message.public_id)},
        confirm=not is_unanswerable(parsed.from_address),
    )
    event = request.events.get(kind=RequestEvent.Kind.CREATED)
    _store_attachments(request=request, event=event, files=parsed.attachments)
    return request, event


_UNANSWERABLE = re.compile(
    r"^(?:no-?reply|do-?not-?reply|noreply|bounces?|mailer-daemon|postmaster)[+.@-]", re.I
)


def is_unanswerable(address: str) -> bool:
    """A no-reply or system address: a request from it is made, but no confirmation goes back."""
    return bool(_UNANSWERABLE.match((address or "").strip()))
