"""The calendar feed in a real browser, with the keyboard only: from "My follow-ups" to the calendar page,
make an address, copy it, make a new one (the address changes and the old one stops working), fetch the
feed as a calendar would and parse it, then turn it off. axe-core at 1366×860 and 375×812 in each state.
The English pages (/en/…), so no assertion depends on the Swedish catalogue.
"""

import datetime
import re

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import CalendarFeed
from tests.factories import CompanyFactory, ContactFactory
from tests.outreach.factories import FollowUpFactory

ANNA = "anna.advisor@almi.example"
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 375, "height": 812}
FEED_ADDRESS = re.compile(r"^http://[^/]+/calendar/[A-Za-z0-9_-]{43}\.ics$")

pytestmark = pytest.mark.usefixtures("midday_today")  # the server and the test read the same day


def check_both_sizes(page, assert_no_axe_violations):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_no_axe_violations(page)


def press(page, locator, key="Enter"):
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press(key)


def test_make_copy_renew_fetch_and_turn_off_the_feed(
    page, live_server, demo, sign_in_as, assert_no_axe_violations
):
    anna = sign_in_as(ANNA)
    company = CompanyFactory(name="Enköping Svets AB")
    ContactFactory(company=company, name="Karin Berg", email="karin@svets.example")
    follow_up = FollowUpFactory(
        owner=anna,
        company=company,
        due_on=timezone.localdate(),
        due_time=datetime.time(10, 0),
        description="Ring Karin Berg om offerten",
    )
    page.set_viewport_size(DESKTOP)

    # 1. From "My follow-ups" to the calendar page.
    page.goto("/en/advisor/follow-ups/")
    press(page, page.get_by_role("link", name="Show my follow-ups in Outlook or Google Calendar"))
    page.wait_for_url("**/en/advisor/calendar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar feed")
    expect(page.get_by_role("heading", name="Google Calendar")).to_be_visible()
    check_both_sizes(page, assert_no_axe_violations)  # no address yet

    # 2. Make the address: both forms are shown, and shown again on the next visit.
    press(page, page.get_by_role("button", name="Make a calendar address"))
    page.wait_for_url("**/en/advisor/calendar/")
    https_field = page.get_by_label("Address for Google Calendar (https)")
    first = https_field.input_value()
    assert FEED_ADDRESS.match(first), first
    expect(page.get_by_label("Address for Outlook and Apple Calendar (webcal)")).to_have_value(
        re.sub(r"^http://", "webcal://", first)
    )
    expect(page.get_by_role("link", name="Open in my calendar app")).to_have_attribute(
        "href", re.sub(r"^http://", "webcal://", first)
    )
    check_both_sizes(page, assert_no_axe_violations)
    page.reload()
    expect(https_field).to_have_value(first)

    # 3. Copy it with the keyboard: the button says so to a screen reader.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    press(page, page.get_by_role("button", name="Copy https address"))
    expect(page.locator("#copy-status")).to_have_text("The https address is copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == first

    # 4. Make a new address: it changes, and the old one stops working.
    press(page, page.get_by_role("button", name="Make a new address"))
    page.wait_for_url("**/en/advisor/calendar/")
    expect(page.get_by_role("status").filter(has_text="new address")).to_be_visible()
    expect(https_field).not_to_have_value(first)
    second = https_field.input_value()
    assert FEED_ADDRESS.match(second) and second != first
    check_both_sizes(page, assert_no_axe_violations)
    assert page.request.get(first).status == 404

    # 5. A calendar fetches the new address: valid iCalendar, the follow-up at 10:00 Stockholm time, the
    # company's name and a link, and nothing of the contact or of what was written.
    response = page.request.get(second)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    body = response.body()
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(body)
    (event,) = [
        e for e in calendar.walk("VEVENT") if str(e["uid"]) == f"follow-up-{follow_up.public_id}@exportcenter"
    ]
    assert "Enköping Svets AB" in str(event["summary"])
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert event.decoded("dtstart").hour == 10
    assert str(event["url"]).endswith(f"/advisor/follow-ups/{follow_up.public_id}/")
    text = body.decode().replace("\r\n ", "")
    assert "Karin" not in text and "offerten" not in text and "svets.example" not in text
    again = page.request.get(second, headers={"If-None-Match": response.headers["etag"]})
    assert again.status == 304

    # 6. Turn it off: the address stops working, and a new one can be made.
    press(page, page.get_by_role("button", name="Turn off the feed"))
    page.wait_for_url("**/en/advisor/calendar/")
    expect(page.get_by_role("button", name="Make a calendar address")).to_be_visible()
    expect(page.get_by_label("Address for Google Calendar (https)")).to_have_count(0)
    check_both_sizes(page, assert_no_axe_violations)
    assert page.request.get(second).status == 404
    assert CalendarFeed.objects.get(owner=anna).revoked_at is not None
