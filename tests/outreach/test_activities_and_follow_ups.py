"""Activities and follow-ups: logging and adding them, "My follow-ups", marking done (htmx and plain
posts), reassigning, the company page, and /api/v1/activities/ and /api/v1/follow-ups/."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from outreach import selectors, services
from outreach.models import Activity, CampaignMember, FollowUp
from tests.factories import ContactFactory
from tests.outreach.factories import ActivityFactory, CampaignFactory, FollowUpFactory, make_request

FOLLOW_UPS = "/en/advisor/follow-ups/"


# --- Activities -------------------------------------------------------------------------------------


def test_log_an_activity_on_a_campaign_member(
    client, advisor, partner_advisor, uppsala, organisation, company
):
    karin = ContactFactory(company=company, name="Karin Berg")
    campaign = CampaignFactory(region=uppsala, organisation=organisation, name="Exportlyft")
    member = CampaignMember.objects.create(campaign=campaign, company=company)
    client.force_login(advisor)
    url = f"/en/advisor/activities/new/?company={company.public_id}&member={member.pk}"
    page = client.get(url).content.decode()
    assert (
        "Log an activity with Enköping Verktyg AB" in page and "Karin Berg" in page and "Exportlyft" in page
    )

    response = client.post(
        "/en/advisor/activities/new/",
        {
            "company": company.public_id,
            "kind": "visit",
            "occurred_on": "2026-11-20",
            "participants": [advisor.pk, partner_advisor.pk],
            "contacts": [karin.pk],
            "campaign_member": member.pk,
            "notes": "Visade produktionen.",
            "outcome": "Vill veta mer om Tyskland.",
            "next": f"/en/advisor/campaigns/{campaign.public_id}/",
        },
    )

    assert (
        response.status_code == 302 and response["Location"] == f"/en/advisor/campaigns/{campaign.public_id}/"
    )
    activity = Activity.objects.get()
    assert (activity.kind, activity.occurred_on, activity.campaign_member) == (
        "visit",
        date(2026, 11, 20),
        member,
    )
    assert set(activity.participants.all()) == {advisor, partner_advisor}  # from two organisations
    assert list(activity.contacts.all()) == [karin]
    assert (activity.organisation, activity.created_by) == (organisation, advisor)
    member.refresh_from_db()
    assert member.status == CampaignMember.Status.CONTACTED  # a first contact moves the member along
    company_page = client.get(f"/en/companies/{company.public_id}/").content.decode()
    assert (
        "Visade produktionen." in company_page and "Exportlyft" in company_page and "Bo Berg" in company_page
    )


def test_an_activity_links_to_a_request_and_shows_on_its_outreach(advisor, uppsala, company):
    request = make_request(company=company, region=uppsala)
    services.log_activity(
        by=advisor,
        company=company,
        kind="call",
        occurred_on=date(2026, 11, 20),
        participants=[],
        request=request,
    )
    outreach = selectors.request_outreach(advisor, request)
    assert [a.kind for a in outreach.activities] == ["call"]
    assert list(outreach.activities[0].participants.all()) == [advisor]  # nobody chosen: the author


def test_an_activity_refuses_another_companys_contact_request_or_member(
    advisor, uppsala, organisation, company
):
    from tests.factories import CompanyFactory

    other = CompanyFactory()
    with pytest.raises(services.ValidationError) as error:
        services.log_activity(
            by=advisor,
            company=company,
            kind="call",
            occurred_on=date(2026, 11, 20),
            participants=[],
            contacts=[ContactFactory(company=other)],
            request=make_request(company=other, region=uppsala),
            campaign_member=CampaignMember.objects.create(
                campaign=CampaignFactory(region=uppsala, organisation=organisation), company=other
            ),
        )
    assert set(error.value.message_dict) == {"contacts", "request", "campaign_member"}


# --- Follow-ups -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("midday_today")  # the form and the assertion read the same day
def test_add_a_follow_up_due_tomorrow(client, advisor, company):
    client.force_login(advisor)
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = client.get(f"/en/advisor/follow-ups/new/?company={company.public_id}")
    assert page.status_code == 200 and tomorrow.isoformat() in page.content.decode()
    response = client.post(
        "/en/advisor/follow-ups/new/",
        {
            "company": company.public_id,
            "description": "Skicka offert",
            "due_on": tomorrow.isoformat(),
            "due_time": "10:00",
            "owner": advisor.pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/en/companies/{company.public_id}/"
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.organisation, follow_up.company) == (
        advisor,
        advisor.organisation,
        company,
    )
    assert follow_up.remind_on == services.remind_on(tomorrow)
    assert "Skicka offert" in client.get(f"/en/companies/{company.public_id}/").content.decode()


def test_a_follow_up_attaches_to_an_activity_request_or_member(advisor, uppsala, organisation, company):
    activity = ActivityFactory(company=company, created_by=advisor)
    on_activity = services.create_follow_up(
        by=advisor, owner=advisor, description="x", due_on=date(2026, 12, 1), activity=activity
    )
    assert on_activity.company == company
    with pytest.raises(services.ValidationError):
        services.create_follow_up(
            by=advisor,
            owner=advisor,
            description="x",
            due_on=date(2026, 12, 1),
            activity=activity,
            request=make_request(company=company, region=uppsala),
        )


def test_my_follow_ups_are_grouped_overdue_today_this_week(client, advisor, colleague, company, monkeypatch):
    today = date(2026, 11, 25)  # a Wednesday
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    for description, due_on in [
        ("Förfallen", date(2026, 11, 23)),
        ("Idag", today),
        ("Fredag", date(2026, 11, 27)),
        ("Söndag", date(2026, 11, 29)),
        ("Nästa vecka", date(2026, 12, 2)),
    ]:
        FollowUpFactory(owner=advisor, company=company, description=description, due_on=due_on)
    FollowUpFactory(owner=colleague, company=company, description="Kollegans", due_on=today)
    FollowUpFactory(
        owner=advisor,
        company=company,
        description="Klar",
        due_on=today,
        status="done",
        completed_at=timezone.now(),
    )

    mine = selectors.my_follow_ups(advisor, today=today)
    assert [f.description for f in mine.overdue] == ["Förfallen"]
    assert [f.description for f in mine.due_today] == ["Idag"]
    assert [f.description for f in mine.this_week] == ["Fredag", "Söndag"]
    assert [f.description for f in mine.later] == ["Nästa vecka"]
    client.force_login(advisor)
    html = client.get(FOLLOW_UPS).content.decode()
    assert html.index("Förfallen") < html.index("Idag") < html.index("Fredag") < html.index("Nästa vecka")
    assert "Kollegans" not in html and "Klar" not in html


def test_mark_done_with_htmx_swaps_the_row(client, advisor, company):
    follow_up = FollowUpFactory(owner=advisor, company=company)
    client.force_login(advisor)
    response = client.post(
        f"/en/advisor/follow-ups/{follow_up.public_id}/status/",
        {"status": "done", "version": follow_up.version},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith("<li") and "Marked as done." in html
    assert "Mark as done" not in html
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.completed_by) == ("done", advisor)


def test_mark_done_without_javascript_and_twice(client, advisor, company):
    follow_up = FollowUpFactory(owner=advisor, company=company)
    client.force_login(advisor)
    url = f"/en/advisor/follow-ups/{follow_up.public_id}/status/"
    response = client.post(url, {"status": "done", "version": follow_up.version, "next": FOLLOW_UPS})
    assert response.status_code == 302 and response["Location"] == FOLLOW_UPS
    # A second click (an old page) is no change and no error.
    again = client.post(
        url, {"status": "done", "version": follow_up.version, "next": FOLLOW_UPS}, follow=True
    )
    assert "Marked as done." in again.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.version == 2


def test_a_stale_page_changes_nothing(client, advisor, company):
    follow_up = FollowUpFactory(owner=advisor, company=company)
    services.update_follow_up(follow_up=follow_up, by=advisor, expected_version=1, description="Ändrad")
    client.force_login(advisor)
    response = client.post(
        f"/en/advisor/follow-ups/{follow_up.public_id}/status/",
        {"status": "cancelled", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert "changed since you opened it" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_only_owners_and_leads_reassign(client, advisor, colleague, lead, company):
    follow_up = FollowUpFactory(owner=advisor, company=company)
    url = f"/en/advisor/follow-ups/{follow_up.public_id}/"
    form = {"description": "Ring", "due_on": "2026-12-01", "owner": colleague.pk, "version": 1}
    client.force_login(colleague)  # sees it (same organisation), may not change it
    assert client.get(url).status_code == 403
    client.force_login(advisor)  # the owner: an advisor cannot pick a colleague (not a choice)
    assert client.post(url, form).status_code == 400
    client.force_login(lead)
    assert client.post(url, form).status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.owner, follow_up.version, follow_up.due_on) == (colleague, 2, date(2026, 12, 1))
    assert follow_up.remind_on == date(2026, 12, 1)


def test_a_follow_up_is_reassigned_within_its_organisation_by_the_service(lead, partner_advisor, company):
    """The rule lives in the service, so the page and the API share it (it was checked in the API only)."""
    from django.core.exceptions import ValidationError

    from tests.factories import UserFactory

    follow_up = FollowUpFactory(owner=lead, company=company)
    with pytest.raises(ValidationError) as refused:
        services.update_follow_up(follow_up=follow_up, by=lead, expected_version=1, owner=partner_advisor)
    assert list(refused.value.message_dict) == ["owner"]
    follow_up.refresh_from_db()
    assert (follow_up.owner, follow_up.version) == (lead, 1)
    root = UserFactory(email="root@example.org", organisation=None, is_superuser=True, is_staff=True)
    moved = services.update_follow_up(follow_up=follow_up, by=root, expected_version=1, owner=partner_advisor)
    assert (moved.owner, moved.organisation) == (partner_advisor, partner_advisor.organisation)


def test_the_api_refuses_a_reassignment_outside_the_organisation(client, lead, partner_advisor, company):
    follow_up = FollowUpFactory(owner=lead, company=company)
    client.force_login(lead)
    response = client.patch(
        f"/api/v1/follow-ups/{follow_up.public_id}/",
        {"owner": partner_advisor.pk, "version": 1},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["owner"] == [
        "A follow-up is reassigned within the owner's organisation."
    ]
    follow_up.refresh_from_db()
    assert (follow_up.owner, follow_up.version) == (lead, 1)


# --- API --------------------------------------------------------------------------------------------
# --- API --------------------------------------------------------------------------------------------


def test_api_logs_and_lists_activities(client, advisor, partner_advisor, uppsala, company):
    karin = ContactFactory(company=company)
    client.force_login(advisor)
    response = client.post(
        "/api/v1/activities/",
        {
            "kind": "meeting",
            "company": str(company.public_id),
            "occurred_on": "2026-11-20",
            "participants": [advisor.pk, partner_advisor.pk],
            "contacts": [str(karin.public_id)],
            "notes": "Bra möte",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["company"]["name"] == company.name and len(data["participants"]) == 2
    assert data["contacts"] == [str(karin.public_id)]
    listed = client.get("/api/v1/activities/", {"company": str(company.public_id), "kind": "meeting"}).json()
    assert [row["id"] for row in listed["results"]] == [data["id"]]


def test_api_follow_ups_create_update_with_version(client, advisor, lead, colleague, company):
    client.force_login(advisor)
    created = client.post(
        "/api/v1/follow-ups/",
        {"description": "Skicka offert", "due_on": "2026-11-28", "company": str(company.public_id)},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["remind_on"], data["owner"]["id"], created["ETag"]) == ("2026-11-27", advisor.pk, '"1"')
    url = f"/api/v1/follow-ups/{data['id']}/"
    assert client.patch(url, {"status": "done"}, content_type="application/json").status_code == 428
    assert (
        client.patch(url, {"status": "done", "version": 5}, content_type="application/json").status_code
        == 412
    )
    done = client.patch(url, {"status": "done"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert done.status_code == 200 and done.json()["status"] == "done" and done["ETag"] == '"2"'
    # Reassigning: not for the owner's colleague; the lead may.
    client.force_login(colleague)
    assert (
        client.patch(url, {"owner": colleague.pk, "version": 2}, content_type="application/json").status_code
        == 403
    )
    client.force_login(lead)
    moved = client.patch(url, {"owner": colleague.pk, "version": 2}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["owner"]["id"] == colleague.pk
    assert client.get("/api/v1/follow-ups/", {"owner": "me"}).json()["count"] == 0
    assert client.get("/api/v1/follow-ups/", {"owner": str(colleague.pk)}).json()["count"] == 1


def test_api_follow_ups_need_something_to_be_about(client, advisor):
    client.force_login(advisor)
    response = client.post(
        "/api/v1/follow-ups/", {"description": "x", "due_on": "2026-11-28"}, content_type="application/json"
    )
    assert response.status_code == 400


def test_api_an_advisor_cannot_give_a_follow_up_to_someone_else(client, advisor, colleague, company):
    client.force_login(advisor)
    response = client.post(
        "/api/v1/follow-ups/",
        {
            "description": "x",
            "due_on": "2026-11-28",
            "company": str(company.public_id),
            "owner": colleague.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "owner" in response.json()["errors"]
