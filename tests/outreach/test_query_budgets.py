"""Query budgets: every list page and API list costs the same number of queries with 3 rows as with 25+.

Each test loads the list with a few rows, adds many more (with the relations a row shows), and loads it
again: a per-row query would show as a difference.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from outreach import selectors
from outreach.models import CampaignMember
from tests.factories import CompanyFactory, ContactFactory, UserFactory
from tests.outreach.factories import ActivityFactory, CampaignFactory, FollowUpFactory, make_request


def count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


def assert_flat(client, url, grow, *, budget, **params):
    few = count(client, url, **params)
    grow()
    many = count(client, url, **params)
    assert many == few, f"{url}: {few} queries with a few rows, {many} with many"
    assert many <= budget, f"{url}: {many} queries, budget {budget}"


@pytest.fixture
def campaign(uppsala, organisation):
    return CampaignFactory(region=uppsala, organisation=organisation, name="Exportlyft")


def add_members(campaign, advisor, n):
    for _ in range(n):
        member = CampaignMember.objects.create(campaign=campaign, company=CompanyFactory())
        ActivityFactory(company=member.company, campaign_member=member, created_by=advisor)


def add_activities(company, people, n):
    contact = ContactFactory(company=company)
    for i in range(n):
        activity = ActivityFactory(company=company, created_by=people[i % len(people)], participants=people)
        activity.contacts.set([contact])


def add_follow_ups(owner, company, campaign, n, today=None):
    today = today or date.today()
    member, _ = CampaignMember.objects.get_or_create(campaign=campaign, company=company)
    activity = ActivityFactory(company=company, created_by=owner)
    request = make_request(company=company, region=campaign.region)
    attachments = [{"campaign_member": member}, {"activity": activity}, {"request": request}, {}]
    for i in range(n):
        FollowUpFactory(
            owner=owner, company=company, due_on=today + timedelta(days=i - 5), **attachments[i % 4]
        )


# --- Pages ------------------------------------------------------------------------------------------


def test_campaign_list(client, advisor, uppsala, organisation, campaign):
    add_members(campaign, advisor, 2)
    client.force_login(advisor)

    def grow():
        for _ in range(25):
            add_members(CampaignFactory(region=uppsala, organisation=organisation), advisor, 1)

    assert_flat(client, "/en/advisor/campaigns/", grow, budget=8)


def test_campaign_target_list(client, advisor, campaign):
    add_members(campaign, advisor, 3)
    client.force_login(advisor)
    url = f"/en/advisor/campaigns/{campaign.public_id}/"
    assert_flat(client, url, lambda: add_members(campaign, advisor, 30), budget=10)


def test_my_follow_ups(client, advisor, company, campaign):
    add_follow_ups(advisor, company, campaign, 3)
    client.force_login(advisor)
    assert_flat(
        client, "/en/advisor/follow-ups/", lambda: add_follow_ups(advisor, company, campaign, 30), budget=7
    )


def test_notifications(client, advisor):
    def notify(n, start=0):
        for i in range(start, start + n):
            Notification.objects.create(
                recipient=advisor, kind="follow_up_due", params={"title": f"t{i}"}, key=f"k{i}"
            )

    notify(3)
    client.force_login(advisor)
    assert_flat(client, "/en/advisor/notifications/", lambda: notify(30, 3), budget=7)


def test_company_page_with_activities_and_follow_ups(client, advisor, partner_advisor, company, campaign):
    people = [advisor, partner_advisor]
    add_activities(company, people, 2)
    add_follow_ups(advisor, company, campaign, 2)
    client.force_login(advisor)

    def grow():
        add_activities(company, [*people, UserFactory(organisation=advisor.organisation)], 20)
        add_follow_ups(
            advisor, company, CampaignFactory(region=campaign.region, organisation=campaign.organisation), 20
        )

    # 14 with every panel holding something (18 before one probe asked for all panels, 16 before the
    # activities carried their advisors' and contacts' names): one of them is the audit entry that records
    # who read the company (issue 14), one INSERT per page, and one the probe that tells the panels what
    # there is to read.
    assert_flat(client, f"/en/companies/{company.public_id}/", grow, budget=14)


def test_an_activity_names_its_advisors_and_contacts_from_its_own_row(
    in_english, django_assert_num_queries, advisor, partner_advisor, company
):
    """The panels read the names with the activities (`panel_activities`), sorted for the reader."""
    met = [ContactFactory(company=company, name=name) for name in ("Cecilia Dahl", "Anders Ek")]
    activity = ActivityFactory(company=company, created_by=advisor, participants=[partner_advisor, advisor])
    activity.contacts.set(met)
    ActivityFactory(company=company, created_by=partner_advisor)  # met nobody
    selectors.company_outreach(advisor, company)  # the access module caches the user's regions
    with django_assert_num_queries(2):  # the panel's probes, then the activities with the names
        outreach = selectors.company_outreach(advisor, company)
    html = render_to_string("outreach/includes/activities.html", {"activities": outreach.activities})
    assert (
        "Advisors: Anna Andersson (Almi Uppsala), Bo Berg (Business Sweden) · Met: Anders Ek, Cecilia Dahl"
        in html
    )
    assert html.count("Met:") == 1


def test_a_company_with_no_outreach_asks_once_for_its_panel(django_assert_num_queries, advisor, company):
    """The panel's three joined queries are asked only for what exists (issue 16)."""
    with django_assert_num_queries(1):
        outreach = selectors.company_outreach(advisor, company)
    assert (outreach.activities, outreach.follow_ups, outreach.memberships) == ([], [], [])
    FollowUpFactory(owner=advisor, company=company)
    with django_assert_num_queries(2):
        outreach = selectors.company_outreach(advisor, company)
    assert len(outreach.follow_ups) == 1 and outreach.activities == []


def test_the_request_include(in_english, rf, advisor, partner_advisor, uppsala, company, campaign):
    request = make_request(company=company, region=uppsala)

    def render() -> int:
        with CaptureQueriesContext(connection) as queries:
            outreach = selectors.request_outreach(advisor, request)
            http_request = rf.get("/")
            http_request.user = advisor
            html = render_to_string(
                "outreach/includes/request_activities.html",
                {"advice_request": request, "outreach": outreach, "user": advisor},
                request=http_request,
            )
        assert "Activities and follow-ups" in html
        return len(queries)

    # Nothing linked (most requests): one query of index probes, no joined queries.
    assert render() == 1
    ActivityFactory(company=company, request=request, created_by=advisor)
    FollowUpFactory(owner=advisor, company=company, request=request)
    render()  # the first time, the access module caches the user's regions
    few = render()
    for _ in range(15):
        ActivityFactory(
            company=company,
            request=request,
            created_by=partner_advisor,
            participants=[advisor, partner_advisor],
        )
        FollowUpFactory(owner=advisor, company=company, request=request)
    assert render() == few


# --- API --------------------------------------------------------------------------------------------


def test_api_campaigns(client, advisor, uppsala, organisation, campaign):
    add_members(campaign, advisor, 2)
    client.force_login(advisor)
    assert_flat(
        client,
        "/api/v1/campaigns/",
        lambda: [CampaignFactory(region=uppsala, organisation=organisation) for _ in range(25)],
        budget=6,
    )


def test_api_campaign_members(client, advisor, campaign):
    add_members(campaign, advisor, 3)
    client.force_login(advisor)
    assert_flat(
        client,
        f"/api/v1/campaigns/{campaign.public_id}/members/",
        lambda: add_members(campaign, advisor, 30),
        budget=7,
    )


def test_api_activities(client, advisor, partner_advisor, company):
    add_activities(company, [advisor, partner_advisor], 3)
    client.force_login(advisor)
    assert_flat(
        client,
        "/api/v1/activities/",
        lambda: add_activities(company, [advisor, partner_advisor], 30),
        budget=8,
    )


def test_api_follow_ups(client, advisor, company, campaign):
    add_follow_ups(advisor, company, campaign, 3)
    client.force_login(advisor)
    assert_flat(
        client, "/api/v1/follow-ups/", lambda: add_follow_ups(advisor, company, campaign, 30), budget=5
    )


def test_api_notifications(client, advisor):
    for i in range(3):
        Notification.objects.create(
            recipient=advisor, kind="follow_up_due", params={"title": f"t{i}"}, key=f"k{i}"
        )
    client.force_login(advisor)

    def grow():
        for i in range(3, 40):
            Notification.objects.create(
                recipient=advisor, kind="weekly_digest", params={"title": f"t{i}"}, key=f"k{i}"
            )

    assert_flat(client, "/api/v1/notifications/", grow, budget=5)
