"""Outreach in a real browser: create a campaign from a company filter, log an activity, add a follow-up due
the next working day, run the reminder sweep for that day, and find the email in the outbox and the reminder
under the bell. axe-core on every page. The English pages (/en/…), so no assertion depends on the Swedish
catalogue.
"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from advisors.models import User
from exportcenter.workdays import next_working_day
from notifications import reminders
from notifications.models import Notification, OutboundEmail
from outreach.models import Activity, Campaign, CampaignMember, FollowUp
from reference.models import Municipality, SNICode
from tests.factories import CompanyFactory, ContactFactory
from tests.outreach.factories import FollowUpFactory

ANNA = "anna.advisor@almi.example"

# The server and the assertions read the same day ("tomorrow", "due today").
pytestmark = pytest.mark.usefixtures("midday_today")


def manufacturers():
    """Two Enköping manufacturers with 10–49 employees that never exported, and two that do not fit."""
    enkoping = Municipality.objects.get(code="0381")
    industry = SNICode.objects.filter(section_id="C").order_by("code").first()
    fitting = [
        CompanyFactory(
            name=name, municipality=enkoping, sni_code=industry, employee_band=band, export_experience="never"
        )
        for name, band in (("Enköping Svets AB", "10-19"), ("Enköping Plåt AB", "20-49"))
    ]
    CompanyFactory(name="Enköping Mikro AB", municipality=enkoping, sni_code=industry, employee_band="1-4")
    CompanyFactory(
        name="Enköping Export AB",
        municipality=enkoping,
        sni_code=industry,
        employee_band="10-19",
        export_experience="regularly_many",
    )
    ContactFactory(company=fitting[0], name="Karin Berg", is_primary=True)
    return fitting


def test_campaign_activity_follow_up_and_its_reminder(
    page, live_server, demo, sign_in_as, assert_no_axe_violations
):
    svets, _plat = manufacturers()
    anna = sign_in_as(ANNA)

    # 1. A campaign from a company filter.
    page.goto("/en/advisor/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Campaigns").click()
    page.wait_for_url("**/en/advisor/campaigns/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="New campaign").click()
    main = page.get_by_role("main")
    main.get_by_role("textbox", name="Name").fill("Exportlyft Enköping")
    main.get_by_role("textbox", name="Goal").fill("Ten needs meetings with manufacturers.")
    main.get_by_label("Municipality").select_option(value="0381")
    main.get_by_label("Industry (SNI section)").select_option(value="C")
    main.get_by_role("checkbox", name="10–19 employees").check()
    main.get_by_role("checkbox", name="20–49 employees").check()
    main.get_by_label("Export experience").select_option(value="never")
    assert_no_axe_violations(page)
    main.get_by_role("button", name="Show matching companies").click()
    expect(main.get_by_role("status")).to_have_text("2 companies match")
    expect(main).to_contain_text("Enköping Svets AB")
    expect(main).not_to_contain_text("Enköping Mikro AB")
    assert_no_axe_violations(page)
    main.get_by_role("button", name="Create the campaign").click()
    # The campaign's own page (not /campaigns/new/, where the form was): the answer is there.
    page.wait_for_url(re.compile(r"/en/advisor/campaigns/[0-9a-f-]{36}/$"))
    campaign = Campaign.objects.get()
    page.wait_for_url(f"**/en/advisor/campaigns/{campaign.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Exportlyft Enköping")
    expect(page.get_by_role("main")).to_contain_text("The campaign was created with 2 companies")
    assert set(campaign.members.values_list("company__name", flat=True)) == {
        "Enköping Svets AB",
        "Enköping Plåt AB",
    }
    assert_no_axe_violations(page)

    # 2. Log an activity with one of them.
    row = page.get_by_role("row").filter(has_text="Enköping Svets AB")
    row.get_by_role("link", name="Log activity Enköping Svets AB").click()
    page.wait_for_url("**/en/advisor/activities/new/**")
    form = page.get_by_role("main")
    form.get_by_role("radio", name="Visit", exact=True).check()
    form.get_by_role("checkbox", name="Karin Berg").check()
    form.get_by_role("textbox", name="Notes").fill("Showed us the production line; orders from Norway.")
    assert_no_axe_violations(page)
    form.get_by_role("button", name="Save the activity").click()
    page.wait_for_url(f"**/en/advisor/campaigns/{campaign.public_id}/")
    expect(page.get_by_role("main")).to_contain_text("The activity was logged.")
    activity = Activity.objects.get()
    assert (activity.kind, activity.campaign_member.company) == ("visit", svets)
    status = page.get_by_role("combobox", name="Status of Enköping Svets AB")
    expect(status).to_have_value(CampaignMember.Status.CONTACTED)

    # 3. A follow-up due on the next working day (so that it reminds on its own day, whatever today is).
    due = next_working_day(timezone.localdate())
    row = page.get_by_role("row").filter(has_text="Enköping Svets AB")
    row.get_by_role("link", name="Add follow-up Enköping Svets AB").click()
    page.wait_for_url("**/en/advisor/follow-ups/new/**")
    form = page.get_by_role("main")
    form.get_by_role("textbox", name="What to do").fill("Send the offer for a market analysis of Norway")
    form.get_by_label("Due date").fill(due.isoformat())
    assert_no_axe_violations(page)
    form.get_by_role("button", name="Add the follow-up").click()
    page.wait_for_url(f"**/en/advisor/campaigns/{campaign.public_id}/")
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.due_on, follow_up.campaign_member.company) == (anna, due, svets)

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My follow-ups").click()
    page.wait_for_url("**/en/advisor/follow-ups/")
    expect(page.get_by_role("main")).to_contain_text("Send the offer for a market analysis of Norway")
    assert_no_axe_violations(page)

    # 4. The reminder sweep on its due date, a working day: the day the follow-up reminds on.
    assert follow_up.remind_on == due
    result = reminders.sweep("follow_up_due", due)
    assert result.targets == 1

    # 5. The email is in the outbox (and was sent), and the bell shows the reminder.
    email = OutboundEmail.objects.get(to=ANNA)
    assert email.status == OutboundEmail.Status.SENT
    assert "Send the offer for a market analysis of Norway" in email.subject
    assert [m.to for m in mail.outbox] == [[ANNA]]
    page.reload()
    bell = page.get_by_role("link", name="Notifications 1 unread")
    expect(bell).to_be_visible()
    bell.click()
    page.wait_for_url("**/en/advisor/notifications/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Send the offer for a market analysis of Norway")
    assert_no_axe_violations(page)
    main.get_by_role("button", name="Mark as read").click()
    expect(main.get_by_role("status")).to_have_text("Marked as read.")
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert Notification.objects.get().read_at is not None
    assert_no_axe_violations(page)


def test_mark_a_follow_up_done_without_javascript(browser, live_server, demo):
    """The list works as plain forms too (axe needs JavaScript, so it runs in the journey above)."""
    anna = User.objects.get(email=ANNA)
    FollowUpFactory(
        owner=anna,
        company=CompanyFactory(),
        description="Call about the trade fair",
        due_on=timezone.localdate(),
    )
    client = Client()
    client.force_login(anna)
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.goto("/en/advisor/follow-ups/")
    today = page.get_by_role("region", name=re.compile("^Today"))
    today.get_by_role("button", name=re.compile("Mark as done.*Call about the trade fair")).click()
    page.wait_for_url("**/en/advisor/follow-ups/")
    expect(page.get_by_role("main")).to_contain_text("Marked as done.")
    expect(page.get_by_role("main")).not_to_contain_text("Call about the trade fair")
    assert FollowUp.objects.get().status == FollowUp.Status.DONE
    context.close()
