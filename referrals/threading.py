"""Email threads of a request (issue 20): what makes the portal's emails to a company thread in its mail
client, and what lets a reply find its way back to the request.

Every email to the company about a request belongs to the thread "referrals.AdviceRequest:<pk>"
(`OutboundEmail.thread`). It carries:

- a Message-ID made with an HMAC of SECRET_KEY (notifications.services), stored on the outbox row, so a
  reply's In-Reply-To or References names an email the portal really sent and cannot be guessed;
- References starting with the request's root Message-ID (also signed: `request_for_message_id` recognises it
  without a database row), then the thread's earlier emails; In-Reply-To the company's last email (when the
  advisor answers it) or the thread's last email;
- the reference (EC-YYYY-NNNNNN) in the subject;
- a Reply-To that routes back: a signed plus-address on the mailbox address (`reply_address`), e.g.
  ``exportcenter+ec-2026-000123.5f1c…@partner.se``. Only the portal can make the signature.

referrals never imports mailboxes (a higher layer): mailboxes registers the function that gives a request's
mailbox address (`register_reply_mailbox`).
"""

import hashlib
import hmac
import re
from collections.abc import Callable
from email.utils import parseaddr

from django.conf import settings

from notifications.services import mail_domain

from .models import AdviceRequest, RequestEvent

# The reference in a subject, e.g. "Re: Din förfrågan EC-2026-000123".
REFERENCE_PATTERN = re.compile(r"(?<![\w-])EC-(\d{4})-(\d{6})(?![\w-])", re.IGNORECASE)

_SIGNATURE_LENGTH = 20  # hex digits of the HMAC: 80 bits
_reply_mailbox: list[Callable[[AdviceRequest], str]] = []


def thread_of(request: AdviceRequest) -> str:
    """The outbox thread of the request's emails."""
    return f"referrals.AdviceRequest:{request.pk}"


def register_reply_mailbox(fn: Callable[[AdviceRequest], str]) -> None:
    """mailboxes registers fn(request) -> the address replies should go to ("" if none)."""
    _reply_mailbox[:] = [fn]


def _sign(purpose: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:_SIGNATURE_LENGTH]


def _base_address(request: AdviceRequest) -> str:
    for fn in _reply_mailbox:
        address = fn(request)
        if address:
            return address
    return settings.MAIL_REPLY_ADDRESS


def reply_address(request: AdviceRequest) -> str:
    """The signed plus-address on the request's mailbox address, or "" when there is no mailbox address."""
    base = parseaddr(_base_address(request) or "")[1]
    local, at, domain = base.rpartition("@")
    if not at or not local or not domain:
        return ""
    local = local.split("+", 1)[0]
    token = request.reference.lower()
    return f"{local}+{token}.{_sign('reply', token)}@{domain}"


def _reference_request(reference: str) -> AdviceRequest | None:
    return AdviceRequest.objects.filter(reference=reference.upper()).select_related("company").first()


_PLUS = re.compile(rf"\+(ec-\d{{4}}-\d{{6}})\.([0-9a-f]{{{_SIGNATURE_LENGTH}}})@", re.IGNORECASE)


def request_for_address(address: str) -> AdviceRequest | None:
    """The request whose signed plus-address this is; None when it is not one, forged or unknown."""
    match = _PLUS.search(address or "")
    if match is None:
        return None
    token, signature = match.group(1).lower(), match.group(2).lower()
    if not hmac.compare_digest(signature, _sign("reply", token)):
        return None
    return _reference_request(token)


def root_message_id(request: AdviceRequest) -> str:
    """The thread's root Message-ID, first in every References: signed, so it cannot be made up."""
    token = request.reference.lower()
    return f"<{token}.{_sign('thread', token)}@{mail_domain()}>"


_ROOT = re.compile(rf"^<(ec-\d{{4}}-\d{{6}})\.([0-9a-f]{{{_SIGNATURE_LENGTH}}})@", re.IGNORECASE)


def request_for_message_id(message_id: str) -> AdviceRequest | None:
    """The request whose root Message-ID this is (a reply whose client kept only the first References)."""
    match = _ROOT.match((message_id or "").strip())
    if match is None:
        return None
    token, signature = match.group(1).lower(), match.group(2).lower()
    if not hmac.compare_digest(signature, _sign("thread", token)):
        return None
    return _reference_request(token)


def references_in(subject: str) -> list[str]:
    """The references (upper case) found in a subject, in order."""
    return [f"EC-{year}-{number}" for year, number in REFERENCE_PATTERN.findall(subject or "")]


MAX_REFERENCES = 10


def thread_headers(
    request: AdviceRequest, *, replying_to_event: RequestEvent | None = None, first: bool = False
) -> dict[str, str]:
    """In-Reply-To, References and Reply-To for the next email to the company about the request.

    In-Reply-To: the company's email that is being answered (`replying_to_event`), else the thread's latest
    email (the portal's or the company's), else the root. References: the root, then the
    thread's recent emails and the company's, oldest first (at most MAX_REFERENCES). `first`: the thread's
    first email (the confirmation of a request made on the web form): there is nothing to look up.
    """
    root = root_message_id(request)
    ids: list[tuple] = [] if first else _thread_history(request)
    ids.sort(key=lambda item: item[0])
    chain = [root] + [mid for _created, mid in ids if mid != root]
    chain = list(dict.fromkeys(chain))
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    parent = ""
    if replying_to_event is not None:
        parent = (replying_to_event.data or {}).get("message_id", "")
    if not parent:
        parent = chain[-1]
    if parent not in chain:
        chain.append(parent)
    headers = {"In-Reply-To": parent, "References": " ".join(chain)}
    if address := reply_address(request):
        headers["Reply-To"] = address
    return headers


def _thread_history(request: AdviceRequest) -> list[tuple]:
    """(sent at, Message-ID) of the thread's recent emails, the portal's and the company's."""
    from notifications.models import OutboundEmail  # a lower layer; imported late to keep this module light

    ids: list[tuple] = []
    sent = (
        OutboundEmail.objects.filter(thread=thread_of(request))
        .exclude(message_id="")
        .order_by("-created_at", "-pk")
        .values_list("created_at", "message_id")[:MAX_REFERENCES]
    )
    ids += [(created, mid) for created, mid in sent]
    # The company's emails: its replies, and the email that made the request (its "received" entry).
    company_kinds = (RequestEvent.Kind.MESSAGE_FROM_COMPANY, RequestEvent.Kind.CREATED)
    inbound = (
        RequestEvent.objects.filter(request=request, kind__in=company_kinds)
        .filter(data__has_key="message_id")
        .order_by("-created_at", "-pk")
        .values_list("created_at", "data")[:MAX_REFERENCES]
    )
    ids += [(created, data.get("message_id", "")) for created, data in inbound if data.get("message_id")]
    return ids
