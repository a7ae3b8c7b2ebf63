from datetime import timedelta

import pytest
from django.utils import timezone

from demo import companies as companies_demo
from demo import outreach as demo
from demo import partners as advisors_demo
from notifications.models import OutboundEmail
from outreach import selectors
from outreach.models import Activity, Campaign, CampaignMember, FollowUp


@pytest.mark.django_db
@pytest.mark.usefixtures("midday_today")  # the seed and the assertion read the same day
def test_demo_outreach_has_a_campaign_activities_and_follow_ups_due_around_today(reference_data):
    advisors_demo.seed()
    companies_demo.seed()
    first = demo.seed()
    again = demo.seed()
    assert first == again
    campaign = Campaign.objects.get()
    assert (campaign.name, campaign.organisation.slug, campaign.region.slug) == (
        demo.CAMPAIGN_NAME,
        "almi",
        "uppsala",
    )
    assert campaign.target_filter["sni_section"] == "C" and first.members == campaign.members.count() >= 4
    statuses = set(campaign.members.values_list("status", flat=True))
    assert {CampaignMember.Status.CONTACTED, CampaignMember.Status.MEETING_BOOKED} <= statuses
    assert first.activities == Activity.objects.count() == 2
    anna = campaign.created_by
    today = timezone.localdate()
    mine = selectors.my_follow_ups(anna, today=today)
    assert len(mine.overdue) == 1 and len(mine.due_today) == 1
    assert FollowUp.objects.filter(owner=anna, due_on=today + timedelta(days=1)).exists()
    assert first.follow_ups == FollowUp.objects.count() == 5
    assert not OutboundEmail.objects.exists()
