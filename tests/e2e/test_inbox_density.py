"""A denser inbox (issue 17 §3), measured with the demo data.

At 1366×860 at least ten rows of the default view are on the first screen. The bulk panel appears when a row
is selected and says how many are (a status region reads it out); without JavaScript it is always there.
The filters are a compact bar whose active values are removable chips, and no select offers "---------".
The overdue count is in view from every view. axe-core at 1366×860 and 375×812.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from demo import companies as companies_demo
from demo import requests as requests_demo
from referrals.models import AdviceRequest, InboxView
from tests.snapshots import rows_made_once

ANNA = "anna.advisor@almi.example"
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 375, "height": 812}
INBOX = "/en/advisor/requests/"
OVERDUE = 3


def _seed():
    companies_demo.seed()
    requests_demo.seed(count=24)
    # A few requests nobody answered in time.
    late = AdviceRequest.objects.filter(status=AdviceRequest.Status.NEW).order_by("pk")[:OVERDUE]
    AdviceRequest.objects.filter(pk__in=[r.pk for r in late]).update(
        first_response_due_at=timezone.now() - timedelta(hours=2)
    )
    return AdviceRequest.objects.filter(status=AdviceRequest.Status.NEW).count()


@pytest.fixture
def new_requests(demo):
    cache.clear()
    return rows_made_once("inbox density", _seed)


def open_inbox(page, sign_in_as, viewport, query=""):
    sign_in_as(ANNA)
    page.set_viewport_size(viewport)
    page.goto(f"{INBOX}{query}")


def rows(page):
    return page.locator("table.inbox-table > tbody > tr")


def fully_visible_rows(page, height) -> int:
    return page.evaluate(
        """(height) => [...document.querySelectorAll('table.inbox-table > tbody > tr')]
            .filter((row) => { const box = row.getBoundingClientRect();
                               return box.height > 0 && box.top >= 0 && box.bottom <= height; }).length""",
        height,
    )


def test_ten_rows_on_the_first_screen_and_no_dashes(page, new_requests, sign_in_as, assert_no_axe_violations):
    assert new_requests >= 12
    open_inbox(page, sign_in_as, DESKTOP)
    expect(rows(page).first).to_be_visible()
    assert fully_visible_rows(page, DESKTOP["height"]) >= 10, fully_visible_rows(page, DESKTOP["height"])
    expect(page.locator("form[data-bulk-panel]")).to_be_hidden()  # nothing selected yet
    # Every select of the page, the filters' and the bulk panel's, says what its empty choice means.
    options = page.evaluate("() => [...document.querySelectorAll('select option')].map((o) => o.textContent)")
    assert options and not [text for text in options if "---" in text]
    need = page.get_by_label("Need", exact=True)
    expect(need.locator("option").first).to_have_text("All")
    assert_no_axe_violations(page)


def test_the_overdue_count_is_in_view_from_every_view(page, new_requests, sign_in_as):
    open_inbox(page, sign_in_as, DESKTOP)
    for view in InboxView.values:
        page.goto(f"{INBOX}?view={view}")
        overdue = page.get_by_role("navigation", name="Inbox views").locator("[data-overdue-count]")
        expect(overdue).to_be_visible()
        expect(overdue).to_contain_text(str(OVERDUE))
        found = overdue.bounding_box()
        assert found["y"] >= 0 and found["y"] + found["height"] <= DESKTOP["height"], (view, found)


def test_the_bulk_panel_from_the_keyboard(page, new_requests, sign_in_as, assert_no_axe_violations):
    open_inbox(page, sign_in_as, DESKTOP)
    panel = page.locator("form[data-bulk-panel]")
    live = page.locator("#bulk-live")
    expect(live).to_have_attribute("role", "status")
    first, second = rows(page).nth(0), rows(page).nth(1)

    # Space on a row's checkbox selects it: the panel appears and the count is read out.
    first.get_by_role("checkbox").focus()
    page.keyboard.press("Space")
    expect(panel).to_be_visible()
    expect(live).to_have_text("1 request selected")
    expect(panel.locator("legend")).to_contain_text("1 request selected")
    # Tab to the next row's checkbox (past the reference link and the "Take it" button).
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name === 'selected'"):
            break
    assert page.evaluate("() => document.activeElement.closest('tr') !== null")
    second.get_by_role("checkbox").focus()
    page.keyboard.press("Space")
    expect(live).to_have_text("2 requests selected")

    # The action chosen shows the one field it needs.
    action = panel.get_by_label("Action")
    expect(panel.get_by_label("New status")).to_be_hidden()
    action.select_option(value="status")
    expect(panel.get_by_label("New status")).to_be_visible()
    expect(panel.get_by_label("Assign to organisation")).to_be_hidden()
    assert_no_axe_violations(page)

    # Unselecting both hides the panel again, and says so.
    second.get_by_role("checkbox").focus()
    page.keyboard.press("Space")
    first.get_by_role("checkbox").focus()
    page.keyboard.press("Space")
    expect(live).to_have_text("No request selected")
    expect(panel).to_be_hidden()


def test_active_filters_are_chips_that_remove_one_filter(
    page, new_requests, sign_in_as, assert_no_axe_violations
):
    open_inbox(page, sign_in_as, DESKTOP, "?view=open&deadline_state=overdue&channel=web")
    chips = page.locator(".filter-chips")
    expect(chips.get_by_role("link", name=re.compile("^Deadline: Overdue"))).to_be_visible()
    expect(chips.get_by_role("link", name=re.compile("^Channel: Web"))).to_be_visible()
    # "More filters" is open, as one of its filters is in use.
    expect(page.get_by_label("Channel", exact=True)).to_be_visible()
    expect(rows(page)).to_have_count(OVERDUE)
    assert_no_axe_violations(page)
    chips.get_by_role("link", name=re.compile("^Deadline: Overdue")).click()
    # The URL without the filter (the page's own URL has channel=web too).
    page.wait_for_url(lambda url: "channel=web" in url and "deadline_state" not in url)
    assert "deadline_state" not in page.url and "view=open" in page.url
    expect(page.locator(".filter-chips").get_by_role("link", name=re.compile("^Channel"))).to_be_visible()
    assert rows(page).count() > OVERDUE


def test_on_a_phone(page, new_requests, sign_in_as, assert_no_axe_violations):
    open_inbox(page, sign_in_as, PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") == PHONE["width"]
    expect(page.locator("form[data-bulk-panel]")).to_be_hidden()
    rows(page).first.get_by_role("checkbox").check()
    expect(page.locator("form[data-bulk-panel]")).to_be_visible()
    assert_no_axe_violations(page)


def test_without_javascript_the_bulk_panel_is_always_there(
    browser, live_server, page, new_requests, sign_in_as
):
    sign_in_as(ANNA)
    cookies = page.context.cookies()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        context.add_cookies(cookies)
        nojs = context.new_page()
        nojs.goto(INBOX)
        expect(nojs.locator("form[data-bulk-panel]")).to_be_visible()
        expect(nojs.get_by_label("New status")).to_be_visible()
        # A chip is a plain link.
        nojs.goto(f"{INBOX}?view=open&priority=normal")
        with nojs.expect_navigation():
            nojs.locator(".filter-chips").get_by_role("link", name=re.compile("^Priority")).click()
        assert "priority" not in nojs.url
    finally:
        context.close()
