"""Keyboard focus after htmx actions (WCAG 2.4.3 focus order, 4.1.3 status messages), keyboard only.

htmx replaces the part of the page an action changed, and the button that was pressed goes with it. Focus
must not fall to <body> (the next Tab would go to the footer): after Enter it is on the error summary when
the action failed, else on the heading of the part that changed; the page's polite live region, outside
everything htmx swaps, says what happened.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import AdviceRequest
from tests.e2e.test_inbox import submit_as_sme
from tests.factories import CompanyFactory
from tests.outreach.factories import FollowUpFactory

ANNA = "anna.advisor@almi.example"

ACTIVE = """() => {
  const element = document.activeElement;
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    text: element.textContent.trim().replace(/\\s+/g, ' ').slice(0, 200),
    summary: element.hasAttribute('data-error-summary'),
    inMain: element.closest('main') !== null,
    inFooter: element.closest('footer') !== null,
  };
}"""


def press_enter_on(page, button):
    """Reach the button, press Enter, and wait until htmx has swapped and settled."""
    button.focus()
    page.evaluate(
        "() => { window.__settled = false; document.addEventListener('htmx:afterSettle',"
        " () => { window.__settled = true; }, {once: true}); }"
    )
    page.keyboard.press("Enter")
    # after-swap.js listens from page load, so it has run when this later listener hears the same event.
    page.wait_for_function("() => window.__settled === true")


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def assert_next_tab_stays_in_main(page) -> None:
    page.keyboard.press("Tab")
    after_tab = active(page)
    assert after_tab["inMain"] and not after_tab["inFooter"], after_tab


def announcer(page):
    return page.locator("#live-announcer")


@pytest.fixture
def request_page(page, intake, sign_in_as):
    advice_request = submit_as_sme(page)
    sign_in_as(ANNA)
    page.goto(f"/en/advisor/requests/{advice_request.public_id}/")
    return advice_request


def test_the_live_region_is_outside_what_htmx_swaps(page, request_page):
    region = announcer(page)
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_attribute("aria-live", "polite")
    assert (
        page.evaluate(
            "() => document.getElementById('live-announcer').closest('main, [hx-target], #workspace')"
        )
        is None
    )


def test_take_it_then_write_and_note_with_empty_text(page, request_page, assert_no_axe_violations):
    workspace = page.locator("#workspace")

    # "Take it": the section's heading takes focus and the live region says what happened.
    press_enter_on(page, workspace.get_by_role("button", name="Take it"))
    assert active(page)["id"] == "state-heading"
    expect(announcer(page)).to_have_text("You have taken the request.")
    assert_next_tab_stays_in_main(page)

    # "Send to the company" with no text: the error summary of that form takes focus.
    press_enter_on(page, page.get_by_role("button", name="Send to the company"))
    focused = active(page)
    assert focused["summary"] and "Message to the company" in focused["text"], focused
    assert_next_tab_stays_in_main(page)
    expect(page.locator(":focus")).to_have_attribute("href", "#id_message_body")  # the summary's link
    assert_no_axe_violations(page)

    # "Add note" with no text: the same.
    press_enter_on(page, page.get_by_role("button", name="Add note"))
    focused = active(page)
    assert focused["summary"] and "Internal note" in focused["text"], focused
    assert_next_tab_stays_in_main(page)

    # A note that is saved: back to the section's heading, and the live region says so.
    page.get_by_role("textbox", name="Internal note").fill("Call on Tuesday.")
    press_enter_on(page, page.get_by_role("button", name="Add note"))
    assert active(page)["id"] == "write-heading"
    expect(announcer(page)).to_have_text("The note was added.")
    assert_next_tab_stays_in_main(page)


def test_refer_with_an_empty_form_and_close_without_an_outcome(page, request_page):
    press_enter_on(page, page.get_by_role("button", name="Take it"))

    # "Refer to a partner" is a disclosure (issue 17): Enter on its summary opens it.
    page.locator("#refer-heading").focus()
    page.keyboard.press("Enter")
    press_enter_on(page, page.get_by_role("button", name="Send the referral"))
    focused = active(page)
    assert focused["summary"] and "Handover note" in focused["text"], focused
    assert_next_tab_stays_in_main(page)

    page.get_by_label("New status").select_option(value="closed")
    press_enter_on(page, page.get_by_role("button", name="Change status"))
    focused = active(page)
    assert focused["summary"] and "Choose an outcome" in focused["text"], focused
    assert_next_tab_stays_in_main(page)
    assert AdviceRequest.objects.get(pk=request_page.pk).status == AdviceRequest.Status.TRIAGED


def test_take_it_from_an_inbox_row(page, request_page):
    page.goto("/en/advisor/requests/")
    row = page.get_by_role("row").filter(has_text=request_page.reference)
    press_enter_on(page, row.get_by_role("button", name=re.compile("^Take it")))
    focused = active(page)
    assert focused["tag"] == "th" and request_page.reference in focused["text"], focused
    expect(announcer(page)).to_have_text("You have taken the request.")
    assert_next_tab_stays_in_main(page)


def test_mark_a_follow_up_as_done(page, demo, sign_in_as, assert_no_axe_violations):
    anna = sign_in_as(ANNA)
    FollowUpFactory(
        owner=anna, company=CompanyFactory(), description="Call about the fair", due_on=timezone.localdate()
    )
    page.goto("/en/advisor/follow-ups/")
    press_enter_on(page, page.get_by_role("button", name=re.compile("^Mark as done.*Call about the fair")))
    focused = active(page)
    assert focused["text"] == "Call about the fair", focused
    expect(announcer(page)).to_have_text("Marked as done.")
    assert_next_tab_stays_in_main(page)
    assert_no_axe_violations(page)
