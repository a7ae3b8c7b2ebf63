"""A request that arrived by email (issue 20): mailboxes.ingest finds the sender's company and contact and
calls `request_from_email` inside its transaction. referrals knows nothing of mailboxes: it gets plain values.
"""

from typing import Any

from django.utils import timezone

from exportcenter.workdays import end_of_next_working_day, local_date

from .. import notices
from ..models import AdviceRequest, RequestEvent
from .intake import next_reference

__all__ = ["request_from_email"]

MAX_DESCRIPTION = 3000  # AdviceRequest.description's limit; the whole email stays on the inbound message


def _description(subject: str, body: str) -> str:
    subject = " ".join((subject or "").split())
    text = (body or "").strip()
    description = f"{subject}\n\n{text}" if subject and text else subject or text
    if len(description) > MAX_DESCRIPTION:
        description = description[: MAX_DESCRIPTION - 1].rstrip() + "…"
    return description


def request_from_email(
    *,
    region,
    owner_organisation,
    company,
    contact,
    subject: str,
    body: str,
    language: str = "sv",
    email: dict[str, Any] | None = None,
    event_data: dict[str, Any] | None = None,
    confirm: bool = True,
) -> AdviceRequest:
    """A new request with channel "email": in the owning organisation's queue (the mailbox's organisation),
    else the region's inbox for triage. The first-response deadline is as for the form. The sender gets a
    confirmation that threads with their email (and says it is automatic: `Auto-Submitted: auto-replied`),
    and the triage queue is told. Call inside a transaction.

    `email`: what is kept about the email on the request (``submitted["email"]``: from, subject, message_id,
    company_matched_by). `event_data`: added to the "received" entry on the timeline (message_id, inbound).
    `confirm` False: no confirmation (a no-reply sender).
    """
    now = timezone.now()
    year = local_date(now).year
    number, reference = next_reference(year)
    request = AdviceRequest.objects.create(
        reference=reference,
        year=year,
        number=number,
        channel=AdviceRequest.Channel.EMAIL,
        region=region,
        company=company,
        contact=contact,
        description=_description(subject, body),
        language=language,
        preferred_contact_method=AdviceRequest.ContactMethod.EMAIL,
        submitted={"email": dict(email or {})},
        owner_organisation=owner_organisation,
        owner_since=now if owner_organisation is not None else None,
        first_response_due_at=end_of_next_working_day(now),
    )
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.CREATED,
        data={**(event_data or {}), "channel": request.channel},
    )
    if confirm:
        notices.confirmation_of_email(request, in_reply_to=(email or {}).get("message_id", ""))
    notices.new_request(request)
    return request
