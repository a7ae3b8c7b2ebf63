"""Read-side queries of outreach. Every list names its related rows, so a page costs the same few queries
whatever its length."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.http import QueryDict
from django.utils import timezone

from advisors import access
from advisors.models import Organisation, User
from companies.filters import CompanyFilter
from companies.models import Company, Contact
from exportcenter.aggregates import JSONList
from exportcenter.panels import probe

from .models import Activity, Campaign, CampaignMember, FollowUp

CAMPAIGN_LIST_RELATED = ["region", "organisation"]
MEMBER_LIST_RELATED = ["company__municipality", "company__sni_code"]
ACTIVITY_LIST_RELATED = ["company", "organisation", "created_by", "campaign_member__campaign", "request"]
ACTIVITY_LIST_PREFETCH = [
    Prefetch("participants", queryset=User.objects.select_related("organisation").order_by("full_name")),
    Prefetch("contacts", queryset=Contact.objects.order_by("name")),
]
FOLLOW_UP_LIST_RELATED = [
    "owner",
    "organisation",
    "company",
    "request",
    "activity",
    "campaign_member__campaign",
]

# The company filter's fields a campaign's target list may use (not free-text search or sorting).
TARGET_FILTER_FIELDS = [
    "county",
    "municipality",
    "sni_section",
    "employee_bands",
    "export_experience",
    "target_market",
    "responsible_organisation",
]


# --- Campaigns ----------------------------------------------------------------------------------------


def visible_campaigns(user) -> QuerySet[Campaign]:
    """The campaigns of the user's regions, with their target list's size and how many were reached."""
    active = Q(members__removed_at__isnull=True)
    return (
        access.visible(user, Campaign.objects.all())
        .select_related(*CAMPAIGN_LIST_RELATED)
        .annotate(
            member_count=Count("members", filter=active),
            reached_count=Count(
                "members", filter=active & ~Q(members__status=CampaignMember.Status.TO_CONTACT)
            ),
        )
        .order_by("-starts_on", "name", "pk")
    )


def campaign_detail(user, public_id) -> Campaign | None:
    return visible_campaigns(user).filter(public_id=public_id).first()


def status_counts(campaign: Campaign) -> list[tuple[str, str, int]]:
    """(status, label, count) of the campaign's target list, every status listed."""
    counts = dict(
        campaign.members.filter(removed_at__isnull=True)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return [(value, label, counts.get(value, 0)) for value, label in CampaignMember.Status.choices]


def campaign_members(campaign: Campaign, *, status: str = "") -> QuerySet[CampaignMember]:
    members = (
        campaign.members.filter(removed_at__isnull=True)
        .select_related(*MEMBER_LIST_RELATED)
        .annotate(activity_count=Count("activities"))
        .order_by("company__name", "pk")
    )
    if status in CampaignMember.Status.values:
        members = members.filter(status=status)
    return members


def filter_query(filters: dict) -> QueryDict:
    """A target filter given as a dict (lists for several values) as the query the filter reads."""
    query = QueryDict(mutable=True)
    for name, value in filters.items():
        if isinstance(value, list | tuple):
            query.setlist(name, [str(item) for item in value])
        else:
            query[name] = str(value)
    return query


def target_filter(user, data) -> CompanyFilter:
    """The company filter of a campaign's target list, over the companies the user may see."""
    filterset = CompanyFilter(data, queryset=access.visible(user, Company.objects.active()))
    for name in list(filterset.filters):
        if name not in TARGET_FILTER_FIELDS:
            del filterset.filters[name]
    return filterset


def campaign_organisations(user, region) -> QuerySet[Organisation]:
    """The organisations a user may let own a campaign in `region`: their own, or (regional staff) any
    active one serving the region."""
    organisations = Organisation.objects.active().filter(regions=region)
    if user.is_regional_staff or user.is_superuser:
        return organisations.order_by("name")
    return organisations.filter(pk=user.organisation_id)


def member_for(user, campaign: Campaign, member_id: int) -> CampaignMember | None:
    return (
        access.visible(user, CampaignMember.objects.filter(campaign=campaign))
        .select_related("campaign", "company")
        .filter(pk=member_id)
        .first()
    )


def memberships_for_company(user, company: Company) -> QuerySet[CampaignMember]:
    """The campaigns the company is on, that the user may see."""
    return (
        access.visible(user, CampaignMember.objects.filter(company=company, removed_at__isnull=True))
        .select_related("campaign")
        .order_by("-campaign__starts_on", "pk")
    )


# --- Activities ---------------------------------------------------------------------------------------


def visible_activities(user) -> QuerySet[Activity]:
    return (
        access.visible(user, Activity.objects.all())
        .select_related(*ACTIVITY_LIST_RELATED)
        .prefetch_related(*ACTIVITY_LIST_PREFETCH)
        .order_by("-occurred_on", "-pk")
    )


def _names_of(relation: str, **names: str) -> Subquery:
    """The names an activity's panel shows of one of its many-to-many relations, as a JSON list of objects
    read with the activity (`exportcenter.aggregates.JSONList`)."""
    through = getattr(Activity, relation).through
    return Subquery(
        through.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(names=JSONList(JSONObject(**names)))
        .values("names")
    )


def panel_activities(user) -> QuerySet[Activity]:
    """`visible_activities` for the company's and the request's panels: the advisors taking part (name and
    organisation) and the contacts met come with each activity as `participant_names` and `contact_names`,
    lists of {"name", …} (`templates/outreach/includes/activities.html`), not as two prefetch queries."""
    return (
        visible_activities(user)
        .prefetch_related(None)
        .annotate(
            participant_names=_names_of(
                "participants", name="user__full_name", organisation="user__organisation__name"
            ),
            contact_names=_names_of("contacts", name="contact__name"),
        )
    )


def participant_choices(user) -> QuerySet[User]:
    """Advisors who may take part in an activity: active people of every partner in the user's regions."""
    if user is None:
        return User.objects.none()
    return (
        access.visible(user, User.objects.filter(is_active=True, organisation__isnull=False))
        .select_related("organisation")
        .order_by("organisation__name", "full_name")
    )


# --- Follow-ups ---------------------------------------------------------------------------------------


def visible_follow_ups(user) -> QuerySet[FollowUp]:
    return access.visible(user, FollowUp.objects.all()).select_related(*FOLLOW_UP_LIST_RELATED)


def follow_up_detail(user, public_id) -> FollowUp | None:
    return visible_follow_ups(user).filter(public_id=public_id).first()


@dataclass
class MyFollowUps:
    """The "My follow-ups" page: open follow-ups by when they are due."""

    today: date
    overdue: list[FollowUp] = field(default_factory=list)
    due_today: list[FollowUp] = field(default_factory=list)
    this_week: list[FollowUp] = field(default_factory=list)
    later: list[FollowUp] = field(default_factory=list)
    later_more: int = 0


LATER_LISTED = 20


def my_follow_ups(user, *, today: date | None = None) -> MyFollowUps:
    """The user's open follow-ups: overdue, due today, due later this week (to Sunday), and the next few
    after that. Two queries however many there are."""
    today = today or timezone.localdate()
    end_of_week = today + timedelta(days=6 - today.weekday())
    mine = FollowUp.objects.open().filter(owner=user).select_related(*FOLLOW_UP_LIST_RELATED)
    result = MyFollowUps(today=today)
    for follow_up in mine.filter(due_on__lte=end_of_week).order_by("due_on", "due_time", "pk"):
        if follow_up.due_on < today:
            result.overdue.append(follow_up)
        elif follow_up.due_on == today:
            result.due_today.append(follow_up)
        else:
            result.this_week.append(follow_up)
    later = list(mine.filter(due_on__gt=end_of_week).order_by("due_on", "due_time", "pk")[: LATER_LISTED + 1])
    result.later, result.later_more = later[:LATER_LISTED], max(0, len(later) - LATER_LISTED)
    return result


def assignable_owners(user) -> QuerySet[User]:
    """Whom the user may give a follow-up to: themselves, or (a lead) any active colleague."""
    people = User.objects.filter(is_active=True).select_related("organisation").order_by("full_name")
    if user is None or not user.is_authenticated:
        return people.none()
    if user.is_organisation_lead and user.organisation_id:
        return people.filter(organisation_id=user.organisation_id)
    return people.filter(pk=user.pk)


# --- On the company page and the request page --------------------------------------------------------


@dataclass
class Outreach:
    """Activities, open follow-ups and campaigns shown beside a company or a request."""

    activities: list[Activity]
    follow_ups: list[FollowUp]
    memberships: list[CampaignMember] = field(default_factory=list)


def company_outreach_probes() -> dict[str, Exists]:
    """What the company page asks first (exportcenter.panels): most companies have no activities,
    follow-ups or campaigns, and their panel then skips the joined, access-filtered queries (about 5 ms
    each at national scale)."""
    company = OuterRef("pk")
    return {
        "activities": Exists(Activity.objects.filter(company=company)),
        "follow_ups": Exists(FollowUp.objects.open().filter(company=company)),
        "memberships": Exists(CampaignMember.objects.filter(company=company, removed_at__isnull=True)),
    }


def company_outreach(user, company: Company, found: dict | None = None, *, limit: int = 50) -> Outreach:
    """The company page's outreach panel; `found`: the answers to company_outreach_probes (asked here
    when not given)."""
    found = probe(company, company_outreach_probes()) if found is None else found
    return Outreach(
        activities=list(panel_activities(user).filter(company=company)[:limit])
        if found["activities"]
        else [],
        follow_ups=list(
            visible_follow_ups(user)
            .filter(company=company)
            .open()
            .order_by("due_on", "due_time", "pk")[:limit]
        )
        if found["follow_ups"]
        else [],
        memberships=list(memberships_for_company(user, company)) if found["memberships"] else [],
    )


def request_outreach_probes() -> dict[str, Exists]:
    """What the request page asks first (exportcenter.panels): whether any activity or open follow-up is
    linked to the request."""
    return {
        "activities": Exists(Activity.objects.filter(request=OuterRef("pk"))),
        "follow_ups": Exists(FollowUp.objects.open().filter(request=OuterRef("pk"))),
    }


def request_outreach(user, advice_request, found: dict | None = None, *, limit: int = 50) -> Outreach:
    """For the request page (`templates/outreach/includes/request_activities.html`): the activities and
    open follow-ups linked to the request; `found`: the answers to request_outreach_probes (asked here
    when not given)."""
    found = probe(advice_request, request_outreach_probes()) if found is None else found
    has_activities, has_follow_ups = found["activities"], found["follow_ups"]
    return Outreach(
        activities=list(panel_activities(user).filter(request=advice_request)[:limit])
        if has_activities
        else [],
        follow_ups=list(
            visible_follow_ups(user)
            .filter(request=advice_request)
            .open()
            .order_by("due_on", "due_time", "pk")[:limit]
        )
        if has_follow_ups
        else [],
    )
