"""Read-side queries of canned replies: the lists, and the replies the request page offers, filled in."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from advisors import access
from advisors.models import Organisation, Region

from ..models import AdviceRequest, CannedReply

CANNED_REPLY_LIST_RELATED = ["organisation", "region", "updated_by"]


def canned_replies(user) -> QuerySet[CannedReply]:
    """The canned replies the user may see (and so use), ready for a list: one query however many."""
    return access.visible(user, CannedReply.objects.select_related(*CANNED_REPLY_LIST_RELATED)).order_by(
        "scope", "language", Lower("title"), "pk"
    )


@dataclass(frozen=True)
class FilledReply:
    """A canned reply as the request page offers it: filled in for the request, as plain text."""

    pk: int
    title: str
    text: str
    shared: bool  # the region's, not the writer's organisation's own


def reply_values(user, request: AdviceRequest) -> dict[str, str]:
    """What a canned reply's placeholders stand for on this request, written by this user. The partner is
    the owning organisation, or (before anyone owns the request) the writer's."""
    partner = request.owner_organisation or user.organisation
    return {
        "company": request.company.name,
        "reference": request.reference,
        "advisor": user.get_full_name() or "",
        "partner": partner.name if partner is not None else "",
    }


def canned_replies_for(user, request: AdviceRequest) -> list[FilledReply]:
    """The active replies in the company's language that the user may use on this request, filled in for
    it: the user's organisation's own first, then the shared ones of the request's region. One query."""
    owners = [Q(organisation_id=user.organisation_id)] if user.organisation_id is not None else []
    if request.region_id is not None:
        owners.append(Q(region_id=request.region_id))
    if not owners:
        return []
    owner_filter = owners[0] if len(owners) == 1 else owners[0] | owners[1]
    replies = (
        access.visible(user, CannedReply.objects.active().in_language(request.language))
        .filter(owner_filter)
        .order_by("scope", Lower("title"), "pk")
        .only("pk", "title", "body", "scope")
    )
    values = reply_values(user, request)
    return [
        FilledReply(reply.pk, reply.title, reply.fill(values), reply.scope == CannedReply.Scope.REGION)
        for reply in replies
    ]


def canned_reply_owners(user) -> list:
    """Whose new canned replies a user may add: their organisation (a lead), their regions (regional
    staff), every active organisation and region (a superuser, who otherwise keeps them in the admin)."""
    if user.is_superuser:
        return [*Organisation.objects.active(), *Region.objects.filter(is_active=True)]
    candidates = [CannedReply(organisation=user.organisation)] if user.organisation_id is not None else []
    candidates += [CannedReply(region=region) for region in access.regions_of(user)]
    return [
        reply.organisation or reply.region
        for reply in candidates
        if access.can(user, access.Action.CREATE, reply)
    ]
