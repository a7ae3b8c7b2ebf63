"""Reads for the mailbox pages, the API and the request page's email panel. Every read goes through
advisors.access (visible / can)."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from advisors import access
from advisors.access import Action, region_ids
from advisors.models import Organisation, Region

from . import matching
from .models import InboundMessage, Mailbox

# The message list never reads the bodies or the headers (they can be large): only the message page does.
LIST_DEFERRED = ("body_text", "body_html", "headers", "references")
PANEL_LIMIT = 20


def visible_mailboxes(user) -> QuerySet:
    return access.visible(user, Mailbox.objects.select_related("region", "organisation"))


def mailbox_list(user) -> QuerySet:
    """The mailboxes the user sees, active ones first."""
    return visible_mailboxes(user).order_by("-is_active", "name", "pk")


def mailbox_or_none(user, public_id) -> Mailbox | None:
    return visible_mailboxes(user).filter(public_id=public_id).first()


def messages_of(user, mailbox: Mailbox) -> QuerySet:
    """The messages taken from a mailbox that the user sees, newest first, without their bodies."""
    return (
        access.visible(user, InboundMessage.objects.filter(mailbox=mailbox))
        .select_related("request")
        .defer(*LIST_DEFERRED)
        .order_by("-taken_at", "-pk")
    )


def visible_messages(user) -> QuerySet:
    return access.visible(user, InboundMessage.objects.select_related("mailbox", "request"))


def message_or_none(user, public_id) -> InboundMessage | None:
    return (
        visible_messages(user)
        .select_related("mailbox__region", "mailbox__organisation", "request__company")
        .filter(public_id=public_id)
        .first()
    )


def attachments_of(user, message: InboundMessage) -> list:
    """The files that came with a message (stored on its timeline entry, or on the request it made)."""
    from referrals.models import Attachment

    if message.request_id is None:
        return []
    files = Attachment.objects.filter(request=message.request_id)
    if message.event_id is not None:
        files = files.filter(event=message.event_id)
    elif message.outcome == InboundMessage.Outcome.NEW_REQUEST:
        files = files.filter(source=Attachment.Source.EMAIL)
    else:
        return []
    return list(access.visible(user, files).order_by("pk"))


def region_choices(user) -> QuerySet:
    """The regions a mailbox may be connected in: the user's own."""
    regions = Region.objects.filter(is_active=True).order_by("name")
    return regions if user.is_superuser else regions.filter(pk__in=region_ids(user))


def organisation_choices(user) -> QuerySet:
    """The organisations a mailbox may belong to: those serving the user's regions (regional staff), or
    the lead's own."""
    organisations = Organisation.objects.active().order_by("name")
    if user.is_superuser:
        return organisations
    if user.is_regional_staff:
        return organisations.filter(regions__in=region_ids(user)).distinct()
    return organisations.filter(pk=user.organisation_id)


# --- The request page's email panel ------------------------------------------------------------------------


@dataclass
class EmailPanel:
    messages: list = field(default_factory=list)
    bouncing_contact: object = None  # the request's contact, when mail to them bounces
    suggestions: list = field(default_factory=list)  # "did you mean": companies, for a guessed company
    may_move: bool = False  # may use a suggestion (advisors.access: assign)

    @property
    def shown(self) -> bool:
        return bool(self.messages or self.bouncing_contact or self.suggestions)


def request_email(user, advice_request) -> EmailPanel:
    """For the request page (`templates/mailboxes/includes/request_email.html`): the messages that came by
    email on the request, the contact's bounce, and "did you mean" when the company was made from the
    sender. A fixed number of queries, whatever the number of messages."""
    # Whoever sees the request sees the messages that landed on it (InboundMessagePolicy), and the request
    # page has checked that: filtering by the request alone spares the policy's subquery over all requests.
    messages = list(
        InboundMessage.objects.filter(request=advice_request)
        .only("public_id", "from_address", "from_name", "subject", "sent_at", "taken_at", "outcome")
        .order_by("-taken_at", "-pk")[:PANEL_LIMIT]
    )
    contact = advice_request.contact
    bouncing = contact if contact is not None and contact.email_bouncing_since else None
    suggestions: list = []
    may_move = False
    email = (advice_request.submitted or {}).get("email") or {}
    if email.get("company_matched_by") == matching.MatchedBy.NEW:
        may_move = access.can(user, Action.ASSIGN, advice_request)
        if may_move:
            suggestions = [
                company
                for company in matching.suggestions(advice_request)
                if access.can(user, Action.VIEW, company)
            ]
    return EmailPanel(
        messages=messages, bouncing_contact=bouncing, suggestions=suggestions, may_move=may_move
    )
