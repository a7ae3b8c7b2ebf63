"""Read-side queries of advice requests."""

import copy
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.query import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors import access
from advisors.models import Organisation, Region, User
from exportcenter.panels import Panels
from exportcenter.unique import one_or_none

from .. import inbox_counts, routing, status_links
from ..filters import RequestFilter, deadline_state_q
from ..models import (
    AdviceRequest,
    CoHandling,
    InboxView,
    NeedCategory,
    Referral,
    RequestEvent,
    SavedView,
)

# The service catalogue and the canned replies have a module each; their names are importable from here.
from .catalogue import SERVICE_LIST_PREFETCH as SERVICE_LIST_PREFETCH
from .catalogue import SERVICE_LIST_RELATED as SERVICE_LIST_RELATED
from .catalogue import ServiceRow as ServiceRow
from .catalogue import service_rows as service_rows
from .catalogue import visible_services as visible_services

# The company page's requests panel (and a request's differences from the register) likewise.
from .company_panel import COMPANY_PANEL_FIELDS as COMPANY_PANEL_FIELDS
from .company_panel import Difference as Difference
from .company_panel import company_requests as company_requests
from .company_panel import company_requests_probes as company_requests_probes
from .company_panel import requests_for_company as requests_for_company
from .company_panel import submitted_differences as submitted_differences
from .replies import CANNED_REPLY_LIST_RELATED as CANNED_REPLY_LIST_RELATED
from .replies import FilledReply as FilledReply
from .replies import canned_replies as canned_replies
from .replies import canned_replies_for as canned_replies_for
from .replies import canned_reply_owners as canned_reply_owners
from .replies import reply_values as reply_values

# The related rows a request list shows: one query for the page, whatever its length.
REQUEST_LIST_RELATED = ["company__municipality", "region", "owner_organisation", "owner_advisor"]


def visible_requests(user, *, combinable: bool = False) -> QuerySet[AdviceRequest]:
    """`combinable`: for a count over many requests or a text search (access.visible)."""
    return access.visible(user, AdviceRequest.objects.all(), combinable=combinable)


def with_list_relations(queryset: QuerySet[AdviceRequest]) -> QuerySet[AdviceRequest]:
    return queryset.select_related(*REQUEST_LIST_RELATED).prefetch_related(
        Prefetch("needs", queryset=NeedCategory.objects.order_by("position"))
    )


# What an inbox row shows of a request and its relations (referrals/views/inbox_rows.py), and what taking
# it (`access.can(user, "claim", request)`) asks: the inbox reads these columns, not the 147 of the
# request, its company, municipality, region, owner and advisor whole (3 ms to compile, issue 16).
INBOX_ROW_FIELDS = (
    "public_id",
    "version",
    "reference",
    "status",
    "priority",
    "target_markets",
    "created_at",
    "first_response_at",
    "first_response_due_at",
    "region",
    "company__name",
    "company__municipality__short_name",
    "owner_organisation__name",
    "owner_advisor__full_name",
)


def for_inbox_rows(queryset: QuerySet[AdviceRequest], user) -> QuerySet[AdviceRequest]:
    """The requests as the inbox's rows show them, each with its last event the user may see."""
    rows = (
        queryset.select_related("company__municipality", "owner_organisation", "owner_advisor")
        .only(*INBOX_ROW_FIELDS)
        .prefetch_related(Prefetch("needs", queryset=NeedCategory.objects.order_by("position")))
    )
    return with_last_event(rows, user)


# What `/api/v1/requests/` shows of a request's relations (api/serializers.py's RequestSerializer): the
# company's id and name, the slugs, the advisor's name, the duplicated request's reference. Read whole, the
# company, its municipality and the duplicated request were most of a page's 50 rows (issue 16).
API_LIST_FIELDS = (
    *(field.name for field in AdviceRequest._meta.concrete_fields),
    "company__public_id",
    "company__name",
    "region__slug",
    "owner_organisation__slug",
    "owner_advisor__full_name",
    "duplicate_of__reference",
)


def with_api_list_relations(queryset: QuerySet[AdviceRequest]) -> QuerySet[AdviceRequest]:
    return (
        queryset.select_related("company", "region", "owner_organisation", "owner_advisor", "duplicate_of")
        .only(*API_LIST_FIELDS)
        .prefetch_related(Prefetch("needs", queryset=NeedCategory.objects.order_by("position").only("slug")))
    )


def unassigned_requests(user) -> QuerySet[AdviceRequest]:
    """The queue of requests from counties no export center serves."""
    return (
        with_list_relations(visible_requests(user).filter(region__isnull=True))
        .select_related("contact")
        .order_by("created_at")
    )


def _events(user, request: AdviceRequest) -> QuerySet[RequestEvent]:
    return (
        access.visible(user, RequestEvent.objects.filter(request=request))
        .select_related("actor", "organisation", "referral")
        .order_by("created_at", "pk")
    )


def timeline(user, request: AdviceRequest) -> QuerySet[RequestEvent]:
    """The request's events this user may see, oldest first (organisation-only notes of other partners
    are left out)."""
    return _events(user, request).prefetch_related(
        Prefetch("referral__needs", queryset=NeedCategory.objects.order_by("position"))
    )


# What the request page's timeline shows of an entry (partials/request_workspace.html): the entry, its
# actor's and organisation's names, and its referral only to show the needs referred; not the people and
# the referral whole (their columns cost more to compile and read than the entries').
PAGE_TIMELINE_FIELDS = (
    *(field.name for field in RequestEvent._meta.concrete_fields),
    "actor__full_name",
    "organisation__name",
    "referral__id",
)


def page_timeline(user, request: AdviceRequest, referrals: list[Referral]) -> list[RequestEvent]:
    """The timeline of the request page, whose referral events share the objects of the page's referral
    chain (`request_referrals`, their needs already read) instead of reading the needs again."""
    chain = {referral.pk: referral for referral in referrals}
    events = list(_events(user, request).only(*PAGE_TIMELINE_FIELDS))
    for event in events:
        if event.referral_id in chain:
            event.referral = chain[event.referral_id]
    rest = [event for event in events if event.referral_id is not None and event.referral_id not in chain]
    prefetch_related_objects(
        rest, Prefetch("referral__needs", queryset=NeedCategory.objects.order_by("position"))
    )
    return events


# The request page's conversation: the company's own words and the messages both ways, the latest few in
# view and the earlier ones behind a disclosure (issue 17: the page is built around the conversation).
CONVERSATION_KINDS = (RequestEvent.Kind.MESSAGE_FROM_COMPANY, RequestEvent.Kind.MESSAGE_TO_COMPANY)
LATEST_MESSAGES = 3


@dataclass(frozen=True)
class Message:
    at: datetime
    body: str
    from_company: bool
    author: str  # who wrote it: the advisor and organisation, or the company
    is_request: bool = False  # the description the company sent with its request
    # Its timeline entry (its files, and whether it came by email); for the request's description, the
    # CREATED entry. The view prefetches the timeline's attachments, so reading them is no query.
    event: RequestEvent | None = None


@dataclass(frozen=True)
class Conversation:
    earlier: list[Message]
    latest: list[Message]

    @property
    def count(self) -> int:
        return len(self.earlier) + len(self.latest)


def conversation(
    request: AdviceRequest, timeline: list[RequestEvent], latest: int = LATEST_MESSAGES
) -> Conversation:
    """The request's description, then the messages with the company among the page's timeline events (no
    query of its own), oldest first."""
    company = request.company.name
    messages = []
    if request.description:
        created = next((event for event in timeline if event.kind == RequestEvent.Kind.CREATED), None)
        messages.append(
            Message(request.created_at, request.description, True, company, is_request=True, event=created)
        )
    for event in timeline:
        if event.kind not in CONVERSATION_KINDS:
            continue
        if event.kind == RequestEvent.Kind.MESSAGE_FROM_COMPANY:
            messages.append(Message(event.created_at, event.body, True, company, event=event))
        else:
            author = event.actor.full_name if event.actor else ""
            if event.organisation:
                author = f"{author}, {event.organisation}" if author else str(event.organisation)
            messages.append(Message(event.created_at, event.body, False, author, event=event))
    cut = max(len(messages) - latest, 0)
    return Conversation(earlier=messages[:cut], latest=messages[cut:])


# --- The shared inbox ---------------------------------------------------------------------------------

# Never count a whole table per page view: a view's count stops at VIEW_COUNT_CAP ("500+"), the count of
# the filtered results at RESULT_COUNT_CAP ("more than 1000 requests").
VIEW_COUNT_CAP = 500
RESULT_COUNT_CAP = 1000


def view_filter(view: str, user, now=None) -> Q:
    """The standard inbox views as filters."""
    open_ = ~Q(status=AdviceRequest.Status.CLOSED)
    return {
        InboxView.NEW: Q(status=AdviceRequest.Status.NEW),
        InboxView.MINE: open_ & Q(owner_advisor_id=user.pk),
        InboxView.ORGANISATION: open_ & Q(owner_organisation_id=user.organisation_id),
        InboxView.OVERDUE: open_ & deadline_state_q("overdue", now),
        InboxView.OPEN: open_,
        InboxView.CLOSED: Q(status=AdviceRequest.Status.CLOSED),
    }[InboxView(view)]


def visible_to(user) -> Q:
    """Events the user may see: all but other organisations' organisation-only notes."""
    return ~Q(visibility=RequestEvent.Visibility.ORGANISATION) | Q(organisation_id=user.organisation_id)


def with_last_event(queryset: QuerySet[AdviceRequest], user) -> QuerySet[AdviceRequest]:
    """Annotate each request with the kind and time of its last event the user may see."""
    last = RequestEvent.objects.filter(visible_to(user), request=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    return queryset.annotate(
        last_event_kind=Subquery(last.values("kind")[:1]),
        last_event_at=Subquery(last.values("created_at")[:1]),
    )


@dataclass
class Inbox:
    view: str
    filter: RequestFilter
    requests: QuerySet[AdviceRequest]
    counted: QuerySet[AdviceRequest]  # the same requests, written for counting them (the result count)


def inbox_for(user, view: str, params, *, http_request=None) -> Inbox:
    """One view of the shared inbox with the user's filters; invalid filters give no rows (and errors)."""
    now = timezone.now()
    # A text search narrows by its own indexes, which the combinable rule joins; a page of a view is read
    # newest first (AdviceRequestPolicy._rule).
    searching = bool(params and params.get("q"))
    base = visible_requests(user, combinable=searching).filter(view_filter(view, user, now))
    filterset = RequestFilter(params or None, queryset=base, request=http_request)
    if filterset.is_bound and not filterset.is_valid():
        requests = counted = base.none()
    else:
        requests = filterset.qs
        counting = visible_requests(user, combinable=True).filter(view_filter(view, user, now))
        # The filters as validated once (an unbound filter set filters nothing).
        counted = filterset.filter_queryset(counting) if filterset.is_bound else counting
        if not (filterset.is_bound and filterset.form.cleaned_data.get("sort")):
            requests = requests.order_by(
                *(("created_at", "pk") if view == InboxView.OVERDUE else ("-created_at", "-pk"))
            )
    requests = for_inbox_rows(requests, user)
    return Inbox(view=view, filter=filterset, requests=requests, counted=counted)


def view_counts(user) -> dict[str, int]:
    """How many requests each standard view holds, shown up to VIEW_COUNT_CAP ("500+").

    One pass over the visible requests with a filtered count per view (issue 16: six capped counts cost
    ~75 ms each at national scale, as the rare views scan far to find their rows), cached until a request
    they count changes (referrals/inbox_counts.py).
    """
    return inbox_counts.counts(user, lambda: _view_counts(user))


def result_counting(user, inbox: Inbox) -> dict:
    """How the inbox's paginator counts a view's results (exportcenter.pagination): with the query written
    for counting, kept like the views' counts until a request they count changes (a filtered count over a
    region's requests costs about 0.1 s at national scale)."""
    return {
        "counted": inbox.counted,
        "cache_seconds": settings.INBOX_COUNT_CACHE_SECONDS,
        "stamps": inbox_counts.user_stamps(user),
    }


def _view_counts(user) -> dict[str, int]:
    now = timezone.now()
    counts = visible_requests(user, combinable=True).aggregate(
        **{view: Count("pk", filter=view_filter(view, user, now)) for view in InboxView.values}
    )
    return {view: min(counts[view], VIEW_COUNT_CAP + 1) for view in InboxView.values}


def saved_views_for(user) -> list[SavedView]:
    return list(access.visible(user, SavedView.objects.select_related("owner")))


def request_detail(user, public_id, *, answering: Panels | None = None) -> AdviceRequest | None:
    """One request the user sees, with what its page shows. `has_referrals` and `has_co_handlers` (two
    index probes) spare the page the queries of its referral panel when there is nothing to show;
    `answering`: the page's panels, whose probes the same query answers."""
    requests = visible_requests(user)
    return one_or_none(
        (answering.answered(requests) if answering else requests)
        .select_related(
            *REQUEST_LIST_RELATED, "contact", "region__operator", "duplicate_of", "company__sni_code__section"
        )
        # Ordered as the refer form lists them, so that the form and routing use this prefetch too.
        .prefetch_related(Prefetch("needs", queryset=NeedCategory.objects.order_by("position", "slug")))
        .annotate(
            has_referrals=Exists(Referral.objects.filter(request=OuterRef("pk"))),
            has_co_handlers=Exists(CoHandling.objects.filter(request=OuterRef("pk"))),
        )
        .filter(public_id=public_id)
    )


def status_page_requests():
    """Requests as the SME's status page shows them, in one query: `handed_over` (its owner took it over
    from another partner by an accepted referral, so the page says who handles it *now*) and
    `has_co_handlers` (which spares `co_handlers` its query when there are none) are two index probes."""
    return status_links.linked_requests().annotate(
        handed_over=Exists(
            Referral.objects.filter(
                request=OuterRef("pk"),
                status=Referral.Status.ACCEPTED,
                scope=Referral.Scope.WHOLE,
                to_organisation=OuterRef("owner_organisation"),
            )
        ),
        has_co_handlers=Exists(CoHandling.objects.filter(request=OuterRef("pk"))),
    )


def request_partners(request: AdviceRequest) -> list[Organisation]:
    """Every active organisation, by name, in one query, with what the request page's forms need to know:
    `serves_region` (it serves the request's region: the assign form's choices, the refer form's first
    group) and `first_region_name` (the first of its regions by name: the refer form's other groups; None
    without a region), and, for those that serve the region, `workload` (their open requests: the routing
    suggestions', `routing.suggestions_for(request, partners)`). It replaces four queries: the refer form's
    organisations and their regions, the assign form's organisations, and the routing's partners.

    The workload is counted only for the serving partners (a CASE evaluates its subquery only when its
    condition holds), from the partial index of open requests by owner.
    """
    if request.region_id is None:
        serves, workload = Value(False), Value(0)
    else:
        serves = Exists(
            Organisation.regions.through.objects.filter(
                organisation_id=OuterRef("pk"), region_id=request.region_id
            )
        )
        workload = Case(When(serves, then=routing.open_workload()), default=Value(0))
    first_region = (
        Region.objects.filter(organisations=OuterRef("pk")).order_by("name", "pk").values("name")[:1]
    )
    return list(
        Organisation.objects.active()
        .annotate(serves_region=serves, first_region_name=Subquery(first_region), workload=workload)
        .order_by("name", "pk")
    )


def assignable_among(request: AdviceRequest, partners: list[Organisation]) -> list[Organisation]:
    """`assignable_organisations`, picked from `request_partners` (no query)."""
    if request.region_id is None:
        return list(partners)
    return [o for o in partners if o.serves_region or o.pk == request.owner_organisation_id]


def assignable_organisations(request: AdviceRequest):
    """The active partners that serve the request's region (its queue can take the request), and its owner
    (after a referral, perhaps a cooperating region's partner)."""
    organisations = Organisation.objects.active()
    if request.region_id is not None:
        serving = Q(pk__in=Organisation.objects.filter(regions=request.region_id).values("pk"))
        organisations = organisations.filter(serving | Q(pk=request.owner_organisation_id))
    return organisations.order_by("name")


def assignable_advisors(request: AdviceRequest):
    return (
        User.objects.filter(is_active=True, organisation__in=assignable_organisations(request))
        .select_related("organisation")
        .order_by("organisation__name", "full_name")
    )


# --- Referrals ------------------------------------------------------------------------------------------

# The related rows a referral list shows: one query for the page (and one for the needs), whatever its length.
REFERRAL_LIST_RELATED = [
    "request__company",
    "from_organisation",
    "to_organisation",
    "created_by",
    "answered_by",
    "advisor",
]


class ReferralDirection(models.TextChoices):
    TO_US = "to_us", _("Referrals to us")
    FROM_US = "from_us", _("Referrals from us")
    REGION = "region", _("All in our regions")


def visible_referrals(user) -> QuerySet[Referral]:
    return access.visible(user, Referral.objects.all())


def with_referral_relations(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return queryset.select_related(*REFERRAL_LIST_RELATED).prefetch_related(
        Prefetch("needs", queryset=NeedCategory.objects.order_by("position", "slug"))
    )


def referral_directions(user) -> list[str]:
    """The lists the user has: to and from their organisation; regional staff also their regions' all."""
    directions = [ReferralDirection.TO_US, ReferralDirection.FROM_US]
    if user.is_regional_staff or user.is_superuser:
        directions.append(ReferralDirection.REGION)
    return directions


def direction_filter(user, direction: str) -> Q:
    if direction == ReferralDirection.TO_US:
        return Q(to_organisation_id=user.organisation_id)
    if direction == ReferralDirection.FROM_US:
        return Q(from_organisation_id=user.organisation_id)
    if user.is_superuser:
        return Q()
    return Q(request__region_id__in=access.region_ids(user))


def referrals_for(user, *, direction: str, status: str = "") -> QuerySet[Referral]:
    """One of the referral lists, newest first, with what a row shows."""
    referrals = visible_referrals(user).filter(direction_filter(user, direction))
    if status:
        referrals = referrals.filter(status=status)
    return with_referral_relations(referrals).order_by("-created_at", "-pk")


def pending_counts(user) -> dict[str, int]:
    """How many referrals wait for an answer in each of the user's lists (one query each)."""
    pending = visible_referrals(user).filter(status=Referral.Status.PENDING)
    return {
        direction: pending.filter(direction_filter(user, direction))[: VIEW_COUNT_CAP + 1].count()
        for direction in referral_directions(user)
    }


def waiting_for_organisation(user) -> int:
    """How many referrals to the user's organisation wait for an answer (the menu's count), up to
    VIEW_COUNT_CAP + 1. One query: the receiving organisation sees every referral sent to it
    (`ReferralPolicy`), so no visibility subquery is needed."""
    waiting = referrals_waiting(user)
    return 0 if waiting is None else waiting.count()


def referrals_waiting(user) -> QuerySet[Referral] | None:
    """The referrals behind the menu's count (up to VIEW_COUNT_CAP + 1); None without an organisation."""
    if user.organisation_id is None:
        return None
    pending = Referral.objects.filter(to_organisation_id=user.organisation_id, status=Referral.Status.PENDING)
    return pending.values("pk")[: VIEW_COUNT_CAP + 1]


def referral_detail(user, public_id) -> Referral | None:
    return one_or_none(with_referral_relations(visible_referrals(user)).filter(public_id=public_id))


def request_referrals(user, request: AdviceRequest) -> list[Referral]:
    """The referral chain of a request the user sees (`request_detail`), oldest first.

    Every referral of a request the user sees is visible to them (`ReferralPolicy`: "everyone who sees its
    request"), so the chain is read without the visibility rule, whose subquery over all visible requests
    cost ~100 ms at 200,000 requests (issue 16). None at all when `request_detail` found none. The needs
    are read for the referrals of selected needs only: a whole request's referral has none (and shows none).
    """
    if getattr(request, "has_referrals", True) is False:
        return []
    chain = list(
        Referral.objects.filter(request=request)
        .select_related(*REFERRAL_LIST_RELATED)
        .order_by("created_at", "pk")
    )
    prefetch_related_objects(
        [referral for referral in chain if referral.scope == Referral.Scope.NEEDS],
        Prefetch("needs", queryset=NeedCategory.objects.order_by("position", "slug")),
    )
    return chain


@dataclass(frozen=True)
class CoHandler:
    organisation: Organisation
    needs: list[NeedCategory]


def co_handlers(request: AdviceRequest) -> list[CoHandler]:
    """The partners that help with some of the request's needs, each with those needs (one query; none
    when `request_detail` found none)."""
    if getattr(request, "has_co_handlers", True) is False:
        return []
    rows = (
        CoHandling.objects.filter(request=request)
        .select_related("organisation", "need")
        .order_by("organisation__name", "need__position", "need__slug")
    )
    grouped: dict[int, CoHandler] = {}
    for row in rows:
        grouped.setdefault(row.organisation_id, CoHandler(row.organisation, [])).needs.append(row.need)
    return list(grouped.values())


def referral_receivers(
    request: AdviceRequest, *, exclude=None, partners: list[Organisation] | None = None
) -> list[tuple[str, list[Organisation]]]:
    """Whom a request may be referred to, in groups: the partners of its region first, then the partners of
    each other region (regions cooperate), then partners that serve no region. Each organisation once.

    `partners`: `request_partners(request)`, when the page has read them already."""
    if partners is None:
        partners = request_partners(request)
    own, groups, others = [], {}, []
    for organisation in partners:
        if exclude is not None and organisation.pk == exclude.pk:
            continue
        if organisation.serves_region:
            own.append(organisation)
        elif organisation.first_region_name is not None:
            groups.setdefault(organisation.first_region_name, []).append(organisation)
        else:
            others.append(organisation)
    result = []
    if own:
        result.append((_("Partners of %(region)s") % {"region": request.region.name}, own))
    result += [
        (_("Partners of %(region)s") % {"region": name}, members) for name, members in sorted(groups.items())
    ]
    if others:
        result.append((_("Other partners"), others))
    return result


def organisation_advisors(organisation_id) -> QuerySet[User]:
    """The active people of an organisation, e.g. to name the one who takes on a referral."""
    return User.objects.filter(is_active=True, organisation_id=organisation_id).order_by("full_name", "pk")


def lost_claim_owner(user, advice_request: AdviceRequest) -> User | None:
    """The advisor who took the request, when this user's "take it" was refused only because someone else
    got there first (a lost claim: a 409 with their name, not a 403).

    That is: the user sees the request, it is open and another advisor owns it now, and the user could
    have taken it had it still been free. A claim that was never the user's to make (another region's
    request, a closed one) gets None, and stays a plain refusal.
    """
    owner_id = advice_request.owner_advisor_id
    if owner_id is None or owner_id == user.pk or advice_request.is_closed:
        return None
    if not access.can(user, access.Action.VIEW, advice_request):
        return None
    free = copy.copy(advice_request)
    free.owner_organisation_id, free.owner_advisor_id = None, None
    if not access.can(user, access.Action.CLAIM, free):
        return None
    return advice_request.owner_advisor
