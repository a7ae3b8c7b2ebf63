"""Demo outreach: a campaign built from a company filter, a few activities, and follow-ups due today,
tomorrow and overdue for the demo advisor, and her calendar feed. Idempotent: nothing is added once the
campaign exists (the feed: once she has one)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from advisors.models import Organisation, Region, User
from outreach import calendar_feed, selectors, services
from outreach.models import Activity, CalendarFeed, Campaign, CampaignMember, FollowUp

CAMPAIGN_NAME = "Exportlyft tillverkning 2026"
TARGETS = {
    "county": "03",
    "sni_section": "C",
    "employee_bands": ["10-19", "20-49"],
    "export_experience": "never",
}
ADVISOR = "anna.advisor@almi.example"
LEAD = "lars.lead@almi.example"
PARTNER = "bo.advisor@business-sweden.example"


@dataclass(frozen=True)
class DemoOutreach:
    members: int
    activities: int
    follow_ups: int


# The demo's activities and follow-ups, by what they say: the summary counts these, not what people add.
VISIT_NOTES = "Besök i produktionen. De har fått förfrågningar från Norge men vet inte hur de ska prissätta."
CALL_NOTES = "Kort samtal med vd. Vill ha ett möte efter semestern."
FOLLOW_UPS = [
    "Skicka offert på marknadsanalys Norge",
    "Ring vd om mötestid",
    "Förbered behovssamtal: ta med EKN:s broschyr",
    "Följ upp besöket med Business Sweden",
]
LEAD_FOLLOW_UP = "Gå igenom kampanjens resultat med Region Uppsala"


def _counts(campaign: Campaign) -> DemoOutreach:
    return DemoOutreach(
        members=campaign.members.count(),
        activities=Activity.objects.filter(
            campaign_member__campaign=campaign, created_by__email=ADVISOR, notes__in=[VISIT_NOTES, CALL_NOTES]
        ).count(),
        follow_ups=FollowUp.objects.filter(
            Q(created_by__email=ADVISOR, description__in=FOLLOW_UPS)
            | Q(created_by__email=LEAD, description=LEAD_FOLLOW_UP)
        ).count(),
    )


@transaction.atomic
def seed() -> DemoOutreach:
    region = Region.objects.filter(slug="uppsala").first()
    people = {user.email: user for user in User.objects.filter(email__in=[ADVISOR, LEAD, PARTNER])}
    almi = Organisation.objects.filter(slug="almi").first()
    if region is None or almi is None or len(people) < 3:
        return DemoOutreach(0, 0, 0)
    seed_calendar_feed(people[ADVISOR])
    existing = Campaign.objects.filter(region=region, name=CAMPAIGN_NAME).first()
    if existing is not None:
        return _counts(existing)
    anna, lars, bo = people[ADVISOR], people[LEAD], people[PARTNER]
    filters = dict(TARGETS)
    targets = selectors.target_filter(anna, selectors.filter_query(filters))
    if not targets.is_valid() or targets.qs.count() < 6:  # a small register: manufacturers of any size
        filters = {"county": "03", "sni_section": "C"}
        targets = selectors.target_filter(anna, selectors.filter_query(filters))
    if not targets.is_valid() or targets.qs.count() < 4:
        filters = {"county": "03"}
        targets = selectors.target_filter(anna, selectors.filter_query(filters))
    today = timezone.localdate()
    campaign = services.create_campaign(
        by=anna,
        region=region,
        organisation=almi,
        name=CAMPAIGN_NAME,
        goal=(
            "Behovssamtal med tillverkande småföretag som ännu inte exporterar, "
            "tillsammans med Business Sweden."
        ),
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=150),
        companies=targets.qs,
        target_filter=filters,
    )
    members = list(campaign.members.select_related("company").order_by("company__name")[:4])
    if len(members) < 4:
        return _counts(campaign)
    visited, called, booked, uninterested = members
    karin = visited.company.contacts.order_by("-is_primary", "pk").first()
    visit = services.log_activity(
        by=anna,
        company=visited.company,
        kind=Activity.Kind.VISIT,
        occurred_on=today - timedelta(days=7),
        participants=[anna, bo],
        contacts=[karin] if karin else [],
        notes=VISIT_NOTES,
        outcome="Intresserade av en marknadsanalys för Norge.",
        campaign_member=visited,
    )
    services.log_activity(
        by=anna,
        company=called.company,
        kind=Activity.Kind.CALL,
        occurred_on=today - timedelta(days=3),
        participants=[anna],
        notes=CALL_NOTES,
        campaign_member=called,
    )
    services.set_member_status(member=booked, status=CampaignMember.Status.MEETING_BOOKED, by=anna)
    services.set_member_status(member=uninterested, status=CampaignMember.Status.NOT_INTERESTED, by=anna)
    for description, due_on, attachment in zip(
        FOLLOW_UPS,
        [today - timedelta(days=4), today, today + timedelta(days=1), today + timedelta(days=8)],
        [{"activity": visit}, {"campaign_member": called}, {"campaign_member": booked}, {"activity": visit}],
        strict=True,
    ):
        services.create_follow_up(by=anna, owner=anna, description=description, due_on=due_on, **attachment)
    services.create_follow_up(
        by=lars,
        owner=lars,
        description=LEAD_FOLLOW_UP,
        due_on=today + timedelta(days=14),
        company=visited.company,
    )
    return _counts(campaign)


def seed_calendar_feed(advisor) -> CalendarFeed:
    """The demo advisor's calendar feed (its address is on /advisor/calendar/), made once."""
    feed = CalendarFeed.objects.filter(owner=advisor).first()
    return feed or calendar_feed.renew_feed(owner=advisor, by=advisor)
