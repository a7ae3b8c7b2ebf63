"""Who is told about a request and its referrals, and in which words ("who is told" in the README).

One rule runs through all of it: **whoever owns the request now is told.** That is the owner advisor;
with no owner advisor, the owning organisation's queue (its people on triage duty); before anyone owns
the request, the queue of the organisation that runs the center. Co-handling organisations hear of the
company's replies. People are told in the portal unless they turned a kind off, and by email where their
preferences say so; an organisation's functional address gets the email when no person owns the request.

Every function here is called inside the transaction of the change it reports, after the change, so it
sees the current owner. Notifications and emails are keyed, so a retried call adds nothing.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisors.selectors import queue_people, queues, triage_recipients
from notifications import kinds
from notifications.services import email_address, queue_email, tell

from . import status_links, threading
from .models import AdviceRequest, Referral


class Kind(models.TextChoices):
    """What a request and its referrals tell people (registered with the notification centre)."""

    NEW_REQUEST = "new_request", gettext_lazy("New request")
    COMPANY_REPLIED = "company_replied", gettext_lazy("The company replied")
    STATUS_CHANGED = "status_changed", gettext_lazy("Status of my request changed")
    DEADLINE_MISSED = "deadline_missed", gettext_lazy("First-response deadline missed")
    REFERRAL_RECEIVED = "referral_received", gettext_lazy("New referral")
    REFERRAL_ACCEPTED = "referral_accepted", gettext_lazy("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", gettext_lazy("Referral declined")
    REFERRAL_WITHDRAWN = "referral_withdrawn", gettext_lazy("Referral withdrawn")


# --- Who owns the request now ---------------------------------------------------------------------


def owners_of(request: AdviceRequest) -> list:
    """The people who answer for the request now: the owner advisor, else the owning organisation's
    queue, else (nobody owns it yet) the queue of the organisation that runs the center."""
    advisor = request.owner_advisor
    if advisor is not None and advisor.is_active:
        return [advisor]
    if request.owner_organisation_id:
        return queue_people(request.owner_organisation_id)
    return triage_recipients(request.region)


def owner_address(request: AdviceRequest) -> str:
    """The functional address that hears of it when no person owns the request (else "")."""
    if request.owner_advisor_id and request.owner_advisor.is_active:
        return ""
    organisation = request.owner_organisation or (request.region.operator if request.region else None)
    return organisation.email if organisation is not None and organisation.is_active else ""


def co_handlers_of(request: AdviceRequest) -> list:
    """The queues of the organisations that co-handle some of the request's needs."""
    organisations = set(request.co_handlings.values_list("organisation_id", flat=True))
    organisations.discard(request.owner_organisation_id)
    if not organisations:
        return []
    people = queues(organisations)
    return [person for organisation_id in sorted(people) for person in people[organisation_id]]


def _without(people, *excluded) -> list:
    gone = {person.pk for person in excluded if person is not None}
    return [person for person in people if person.pk not in gone]


def _request_params(request: AdviceRequest, **extra) -> dict[str, Any]:
    return {
        "request": str(request.public_id),
        "reference": request.reference,
        "company": request.company.name,
        **extra,
    }


# --- Requests ---------------------------------------------------------------------------------------


def new_request(request: AdviceRequest, *, needs=None) -> None:
    """A new request: the operating organisation's queue, and its functional address. `needs`: the
    request's needs when the caller has them (the intake just wrote them), else they are read."""
    # A request that arrived in an organisation's own mailbox is in its queue already: its people hear too.
    tell(
        recipients=triage_recipients(request.region) + queue_people(request.owner_organisation_id),
        kind=Kind.NEW_REQUEST,
        params=_request_params(request),
        key=f"new-request:{request.pk}",
    )
    operator = request.region.operator if request.region else None
    if operator is not None and operator.email:
        context = {
            "request": request,
            "operator": operator,
            "needs": request.needs.all() if needs is None else needs,
        }
        with translation.override("sv"):  # a functional address of a Swedish organisation
            queue_email(
                key=f"request-triage:{request.pk}",
                to=operator.email,
                subject=render_to_string("referrals/email/triage_subject.txt", context),
                body_text=render_to_string("referrals/email/triage.txt", context),
            )


def company_replied(request: AdviceRequest, event) -> None:
    """The company wrote on its status page (or by email): the owner now, and the co-handlers."""
    key = f"company-replied:{event.pk}"
    params = _request_params(request)
    tell(
        recipients=owners_of(request) + co_handlers_of(request),
        kind=Kind.COMPANY_REPLIED,
        params=params,
        key=key,
    )
    email_address(to=owner_address(request), kind=Kind.COMPANY_REPLIED, params=params, key=f"{key}:address")


def status_changed(request: AdviceRequest, event, *, by) -> None:
    """Someone other than the owner changed the status of an owned request: the owner hears of it."""
    if not request.owner_organisation_id:
        return
    tell(
        recipients=_without(owners_of(request), by),
        kind=Kind.STATUS_CHANGED,
        params=_request_params(request, status=request.status),
        key=f"status-changed:{event.pk}",
    )


def deadline_missed(request: AdviceRequest) -> None:
    """Nobody answered the company within one working day: whoever owns the request now."""
    params = _request_params(request)
    key = f"deadline-missed:{request.pk}"
    tell(recipients=owners_of(request), kind=Kind.DEADLINE_MISSED, params=params, key=key)
    email_address(to=owner_address(request), kind=Kind.DEADLINE_MISSED, params=params, key=f"{key}:address")


# --- Referrals --------------------------------------------------------------------------------------


def _referral_params(referral: Referral, organisation) -> dict[str, Any]:
    return _request_params(referral.request, organisation=organisation.name, referral=referral.pk)


def _email_organisation(organisation, *, key: str, template: str, context: dict[str, Any]) -> None:
    if not organisation.email:
        return
    with translation.override("sv"):  # a functional address of a Swedish organisation
        context = {**context, "referrals_url": f"{settings.SITE_URL}{reverse('referrals:referrals')}"}
        queue_email(
            key=key,
            to=organisation.email,
            subject=render_to_string(f"referrals/email/{template}_subject.txt", context),
            body_text=render_to_string(f"referrals/email/{template}.txt", context),
        )


def _tell_receiver(referral: Referral, kind: str, *, template: str, **context) -> None:
    """The receiving organisation's queue, and its functional address."""
    key = f"{kind.replace('_', '-')}:{referral.pk}"
    tell(
        recipients=queue_people(referral.to_organisation_id),
        kind=kind,
        params=_referral_params(referral, referral.from_organisation),
        key=key,
    )
    _email_organisation(
        referral.to_organisation,
        key=key,
        template=template,
        context={"referral": referral, "request": referral.request, **context},
    )


def referral_received(referral: Referral) -> None:
    _tell_receiver(
        referral, Kind.REFERRAL_RECEIVED, template="referral_received", needs=list(referral.needs.all())
    )


def referral_answered(referral: Referral, *, by) -> None:
    """The sender hears of the answer (the person who referred, else the sending organisation's queue),
    and so does whoever owns the request now, if that is somebody else; the sending organisation's
    functional address gets the email. The receiver's own people are not told of their own answer."""
    request = referral.request
    sender = referral.created_by
    people = (
        [sender] if sender is not None and sender.is_active else queue_people(referral.from_organisation_id)
    )
    people += [
        person for person in owners_of(request) if person.organisation_id != referral.to_organisation_id
    ]
    key = f"referral-{referral.status}:{referral.pk}"
    tell(
        recipients=_without(people, by),
        kind=Kind.REFERRAL_ACCEPTED
        if referral.status == Referral.Status.ACCEPTED
        else Kind.REFERRAL_DECLINED,
        params=_referral_params(referral, referral.to_organisation),
        key=key,
    )
    _email_organisation(
        referral.from_organisation,
        key=key,
        template="referral_answered",
        context={"referral": referral, "request": request},
    )


def referral_withdrawn(referral: Referral) -> None:
    _tell_receiver(referral, Kind.REFERRAL_WITHDRAWN, template="referral_answered")


# --- The company -----------------------------------------------------------------------------------


def _attachments_of(event) -> list[dict[str, str]]:
    """The event's files that may go with the email: kept (not refused, not erased), at most
    ATTACHMENT_EMAIL_MAX_BYTES together; the rest are on the company's page."""
    if event is None:
        return []
    files, total = [], 0
    for attachment in event.attachments.order_by("created_at", "pk"):
        if not attachment.is_available or total + attachment.size > settings.ATTACHMENT_EMAIL_MAX_BYTES:
            continue
        total += attachment.size
        files.append(
            {"name": attachment.name, "path": attachment.file.name, "content_type": attachment.content_type}
        )
    return files


def _email_company(
    request: AdviceRequest,
    *,
    key: str,
    template: str,
    html: bool = False,
    event=None,
    replying_to_event=None,
    headers: dict[str, str] | None = None,
    first: bool = False,
    **context,
) -> None:
    """An email to the request's contact, in the request's language, with the status link.

    It threads (referrals.threading): a Message-ID kept on the outbox row, In-Reply-To and References, the
    reference in the subject (every subject template carries it), and a Reply-To that routes the company's
    answer back to this request when a mailbox receives replies.
    """
    if request.contact is None or not request.contact.email:
        return
    thread = threading.thread_headers(request, replying_to_event=replying_to_event, first=first)
    context = {
        "request": request,
        "status_url": status_links.status_url(request),
        "can_reply": bool(thread.get("Reply-To")),
        **context,
    }
    with translation.override(request.language):
        queue_email(
            key=key,
            to=request.contact.email,
            subject=render_to_string(f"referrals/email/{template}_subject.txt", context),
            body_text=render_to_string(f"referrals/email/{template}.txt", context),
            body_html=render_to_string(f"referrals/email/{template}.html", context) if html else "",
            thread=threading.thread_of(request),
            headers={**thread, **(headers or {})},
            attachments=_attachments_of(event),
        )


def confirmation_to_company(request: AdviceRequest) -> None:
    """The confirmation of a request made on the web form: the thread's first email."""
    _email_company(
        request, key=f"request-confirmation:{request.pk}", template="confirmation", html=True, first=True
    )


def confirmation_of_email(request: AdviceRequest, *, in_reply_to: str = "") -> None:
    """The confirmation of a request that came by email: an answer to that email (it threads with it, its
    subject is "Re: …" with the reference), marked automatic (`Auto-Submitted: auto-replied`, RFC 3834) so
    that the sender's auto-responder does not answer it."""
    headers = {"Auto-Submitted": "auto-replied"}
    if in_reply_to:
        root = threading.root_message_id(request)
        headers.update({"In-Reply-To": in_reply_to, "References": f"{in_reply_to} {root}"})
    subject = " ".join(((request.submitted or {}).get("email") or {}).get("subject", "").split())
    _email_company(
        request,
        key=f"request-confirmation:{request.pk}",
        template="confirmation_email",
        headers=headers,
        original_subject=subject[:200],
    )


def message_to_company(request: AdviceRequest, event) -> None:
    """The advisor's message: it answers the company's last email (In-Reply-To), with its files attached."""
    _email_company(request, key=f"request-message:{event.pk}", template="message", message=event, event=event)


# --- The words: registered with the notification centre (ReferralsConfig.ready) -----------------------


def request_link(params) -> str:
    """The request page a notification about a request links to, in the active language."""
    return kinds.link("referrals:request_detail", params["request"])


def _status_label(params) -> str:
    return str(AdviceRequest.Status(params["status"]).label)


def _about_a_request(kind, title, help_text, *, email_default: bool = True) -> kinds.NotificationKind:
    return kinds.NotificationKind(
        kind, kind.label, title=title, url=request_link, help_text=help_text, email_default=email_default
    )


KINDS = [
    _about_a_request(
        Kind.NEW_REQUEST,
        lambda p: _("New request %(reference)s from %(company)s") % p,
        gettext_lazy(
            "A request arrived for your organisation's queue (people on triage duty). Its shared address "
            "gets an email too."
        ),
        email_default=False,
    ),
    _about_a_request(
        Kind.COMPANY_REPLIED,
        lambda p: _("%(company)s replied on %(reference)s") % p,
        gettext_lazy("The company wrote on a request that you or your queue own, or co-handle."),
    ),
    _about_a_request(
        Kind.STATUS_CHANGED,
        lambda p: _("%(reference)s (%(company)s) is now: %(status)s") % {**p, "status": _status_label(p)},
        gettext_lazy("Somebody else changed the status of a request that you own."),
    ),
    _about_a_request(
        Kind.DEADLINE_MISSED,
        lambda p: _("%(reference)s (%(company)s) has had no first response within one working day") % p,
        gettext_lazy("A request you own was not answered within one working day."),
    ),
    _about_a_request(
        Kind.REFERRAL_RECEIVED,
        lambda p: _("%(organisation)s referred %(reference)s (%(company)s) to you") % p,
        gettext_lazy("Another partner referred a request to your organisation."),
    ),
    _about_a_request(
        Kind.REFERRAL_ACCEPTED,
        lambda p: _("%(organisation)s accepted your referral of %(reference)s") % p,
        gettext_lazy("A partner accepted a referral that you sent, or of a request you own."),
    ),
    _about_a_request(
        Kind.REFERRAL_DECLINED,
        lambda p: _("%(organisation)s declined your referral of %(reference)s") % p,
        gettext_lazy("A partner declined a referral that you sent, or of a request you own."),
    ),
    _about_a_request(
        Kind.REFERRAL_WITHDRAWN,
        lambda p: _("%(organisation)s withdrew its referral of %(reference)s") % p,
        gettext_lazy("A partner took back a referral to your organisation."),
    ),
]


def register_kinds() -> None:
    for kind in KINDS:
        kinds.register(kind)
