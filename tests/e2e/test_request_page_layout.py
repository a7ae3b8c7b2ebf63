"""The request page is built around the conversation (issue 17 §2), measured with the demo data.

At 1366×860 the first screen shows the owner, the deadline, the latest message and the reply box, and the
page is at most two screens tall before the timeline. On a phone (375×812) the side column (status, owner,
deadline, company, actions) comes first. Routing suggestions list the matching partners only, the rest
behind "Show all partners". Less-used actions are disclosures that work from the keyboard and without
JavaScript. axe-core at both sizes.
"""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from demo import companies as companies_demo
from demo import requests as requests_demo
from referrals import routing, services
from referrals.models import AdviceRequest, NeedCategory
from tests.snapshots import rows_made_once

ANNA = "anna.advisor@almi.example"  # Almi's demo advisor: she owns the demo requests she referred
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 375, "height": 812}
LATEST = "Thank you! We can meet on Thursday at 9. Our CFO will join. /Karin"


def _seed():
    companies_demo.seed()
    requests_demo.seed(count=8)
    # The demo request about buyer credit risk: Anna took it and referred the need to EKN.
    credit_risk = NeedCategory.objects.get(slug="buyer-credit-risk")
    advice_request = AdviceRequest.objects.filter(needs=credit_risk, owner_advisor__email=ANNA).first()
    anna = advice_request.owner_advisor
    services.message_company(
        request=advice_request,
        by=anna,
        body="Hello! EKN looks at the credit risk. Can we meet this week to talk about the order?",
        expected_version=advice_request.version,
    )
    advice_request.refresh_from_db()
    services.reply_from_company(request=advice_request, body=LATEST)
    return str(advice_request.public_id)


@pytest.fixture
def demo_request(demo):
    cache.clear()
    return rows_made_once("request page layout", _seed)


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def top_in_page(page, locator) -> float:
    """The element's top from the top of the document (not of the viewport)."""
    return box(locator)["y"] + page.evaluate("() => window.scrollY")


def on_first_screen(page, locator) -> bool:
    found = box(locator)
    return found["y"] >= 0 and found["y"] + found["height"] <= DESKTOP["height"]


def open_page(page, sign_in_as, public_id, viewport):
    sign_in_as(ANNA)
    page.set_viewport_size(viewport)
    page.goto(f"/en/advisor/requests/{public_id}/")
    page.evaluate("() => window.scrollTo(0, 0)")


def test_the_first_screen_shows_owner_deadline_latest_message_and_reply_box(
    page, demo_request, sign_in_as, assert_no_axe_violations
):
    open_page(page, sign_in_as, demo_request, DESKTOP)
    state = page.get_by_role("region", name="Status and owner")
    owner = state.locator("[data-fact='owner']")
    deadline = state.locator("[data-fact='deadline']")
    expect(owner).to_contain_text("Anna")
    latest = page.locator("[data-conversation-latest] > li").last
    expect(latest).to_contain_text(LATEST)
    reply = page.get_by_role("textbox", name="Message to the company")
    send = page.get_by_role("button", name="Send to the company")
    for name, locator in [
        ("owner", owner),
        ("deadline", deadline),
        ("latest message", latest),
        ("reply box", reply),
        ("send button", send),
    ]:
        assert on_first_screen(page, locator), (name, box(locator))

    # Two columns: the conversation is the main column, to the right of the facts.
    conversation = page.get_by_role("region", name="Conversation with the company")
    assert box(conversation)["x"] > box(state)["x"] + box(state)["width"]
    assert box(conversation)["width"] > box(state)["width"]

    # At most two screens before the timeline, in both columns.
    timeline = page.get_by_role("heading", name="Timeline", exact=True)
    assert top_in_page(page, timeline) <= 2 * DESKTOP["height"], top_in_page(page, timeline)
    side = page.locator(".request-layout__side")
    side_bottom = top_in_page(page, side) + box(side)["height"]
    assert side_bottom <= 2 * DESKTOP["height"], side_bottom
    assert_no_axe_violations(page)


def test_on_a_phone_the_side_column_comes_first(page, demo_request, sign_in_as, assert_no_axe_violations):
    open_page(page, sign_in_as, demo_request, PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") == PHONE["width"]
    state = page.get_by_role("region", name="Status and owner")
    company = page.get_by_role("region", name="Company", exact=True)
    actions = page.get_by_role("region", name="Actions", exact=True)
    conversation = page.get_by_role("region", name="Conversation with the company")
    assert box(state)["y"] < box(company)["y"] < box(actions)["y"] < box(conversation)["y"]
    assert on_first_screen(page, state.locator("[data-fact='owner']"))
    # A link skips the side column.
    page.get_by_role("link", name="Go to the conversation").click()
    expect(page.get_by_role("heading", name="Conversation with the company")).to_be_focused()
    assert_no_axe_violations(page)


def test_routing_suggestions_list_the_matching_partners_and_the_rest_behind_a_disclosure(
    page, demo_request, sign_in_as, assert_no_axe_violations
):
    """A demo request nobody owns yet: routing is the first thing to do, so the suggestions are open, with
    the matching partners best first and the "no match" ones behind "Show all partners"."""
    advice_request = (
        AdviceRequest.objects.filter(owner_organisation__isnull=True).select_related("company").first()
    )
    matching, others = routing.split(routing.suggestions_for(advice_request))
    assert matching and others
    open_page(page, sign_in_as, advice_request.public_id, DESKTOP)
    suggestions = page.get_by_role("region", name="Routing suggestions")
    shown = suggestions.locator("ol.suggestions").first.locator(":scope > li")
    names = [shown.nth(i).get_by_role("heading").inner_text() for i in range(shown.count())]
    assert names == [suggestion.organisation.name for suggestion in matching]
    everyone = suggestions.locator("details.suggestions-all")
    expect(everyone).not_to_have_attribute("open", "")
    hidden = everyone.get_by_role("button", name=re.compile("^Route here"), include_hidden=True)
    assert hidden.count() == len(others)
    expect(hidden.first).to_be_hidden()

    # The disclosure opens from the keyboard, and shows the others with their workload.
    everyone.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(hidden.first).to_be_visible()
    expect(everyone).to_contain_text(others[0].organisation.name)
    assert_no_axe_violations(page)


def test_an_owners_routing_suggestions_are_folded(page, demo_request, sign_in_as):
    open_page(page, sign_in_as, demo_request, DESKTOP)
    suggestions = page.get_by_role("region", name="Routing suggestions")
    refer = suggestions.get_by_role("link", name=re.compile("^Refer"))
    expect(refer.first).to_be_hidden()
    suggestions.locator("summary").first.click()
    expect(refer.first).to_be_visible()


def test_less_used_actions_open_from_the_keyboard_and_keep_focus_after_htmx(
    page, demo_request, sign_in_as, assert_no_axe_violations
):
    open_page(page, sign_in_as, demo_request, DESKTOP)
    # Priority is a closed disclosure: Enter on its summary opens it, Tab reaches its select.
    summary = page.locator("details.request-action > summary", has_text="Priority")
    expect(page.get_by_role("button", name="Set priority")).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Set priority")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Priority", exact=True)).to_be_focused()
    page.get_by_label("Priority", exact=True).select_option(value="high")
    page.evaluate(
        "() => { window.__settled = false; document.addEventListener('htmx:afterSettle',"
        " () => { window.__settled = true; }, {once: true}); }"
    )
    page.get_by_role("button", name="Set priority").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__settled === true")
    # After the swap focus is on the section's heading, and the live region says what happened.
    assert page.evaluate("() => document.activeElement.id") == "actions-heading"
    expect(page.locator("#live-announcer")).to_have_text("The priority was changed.")
    expect(page.get_by_role("region", name="Status and owner")).to_contain_text("High")
    assert_no_axe_violations(page)


def test_the_disclosures_work_without_javascript(browser, live_server, page, demo_request, sign_in_as):
    sign_in_as(ANNA)
    cookies = page.context.cookies()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        context.add_cookies(cookies)
        nojs = context.new_page()
        nojs.set_viewport_size(DESKTOP)
        nojs.goto(f"/en/advisor/requests/{demo_request}/")
        nojs.locator("details.request-action > summary", has_text="Priority").click()
        nojs.get_by_label("Priority", exact=True).select_option(value="low")
        with nojs.expect_navigation():
            nojs.get_by_role("button", name="Set priority").click()
        expect(nojs.locator(".messages")).to_contain_text("The priority was changed.")
        expect(nojs.get_by_role("region", name="Status and owner")).to_contain_text("Low")
    finally:
        context.close()
