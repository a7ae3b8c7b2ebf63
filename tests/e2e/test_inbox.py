"""The shared inbox in a real browser: an SME submits, an advisor finds the request under "New" and takes
it (from the keyboard), writes to the company, the SME reads the message on its status page and replies,
and the reply lands on the timeline. The same work without JavaScript. axe-core on every page and state.
"""

import re

from playwright.sync_api import expect

from referrals import status_links
from referrals.models import AdviceRequest, RequestEvent
from tests.e2e.test_intake import fill_by_name, submit_button

ADVISOR = "anna.advisor@almi.example"  # Almi Uppsala runs the demo center: its advisors triage
MESSAGE = "Hello Karin! I am Anna at Almi. Can we call you on Tuesday at 10?"
REPLY = "Tuesday at 10 suits us well. /Karin"


def submit_as_sme(page) -> AdviceRequest:
    page.goto("/en/help-me-export/")
    fill_by_name(page, language="en")
    with page.expect_navigation():
        submit_button(page).click()
    expect(page.get_by_role("main")).to_contain_text("EC-")
    return AdviceRequest.objects.get()


def has_visible_focus(page) -> bool:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
    )


def test_triage_claim_write_and_the_sme_replies(
    page, browser, live_server, intake, sign_in_as, assert_no_axe_violations
):
    # 1. An SME submits.
    advice_request = submit_as_sme(page)
    reference = advice_request.reference

    # 2. An advisor signs in and finds the request under "New".
    sign_in_as(ADVISOR)
    page.goto("/en/advisor/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Inbox").click()
    page.wait_for_url("**/en/advisor/requests/")
    views = page.get_by_role("navigation", name="Inbox views")
    expect(views.get_by_role("link", name=re.compile(r"^New"))).to_have_attribute("aria-current", "page")
    expect(views.get_by_role("link", name=re.compile(r"^New"))).to_contain_text("1")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Uppsala Utsikt AB")
    expect(row).to_contain_text("Nobody yet")
    assert_no_axe_violations(page)

    # ... and takes it from the keyboard; htmx swaps the row, the page is not reloaded.
    page.evaluate("() => { window.__notReloaded = true; }")
    take = row.get_by_role("button", name=f"Take it {reference}")
    take.focus()
    assert has_visible_focus(page)
    page.keyboard.press("Enter")
    expect(row).to_contain_text("You have taken the request.")
    expect(row).to_contain_text("Anna")
    assert page.evaluate("() => window.__notReloaded === true")
    advice_request.refresh_from_db()
    assert advice_request.owner_advisor.email == ADVISOR
    assert advice_request.status == AdviceRequest.Status.TRIAGED
    assert_no_axe_violations(page)

    # 3. The advisor writes to the company on the request page (htmx: the workspace is swapped).
    row.get_by_role("link", name=reference).click()
    page.wait_for_url(f"**/en/advisor/requests/{advice_request.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    assert_no_axe_violations(page)
    page.evaluate("() => { window.__notReloaded = true; }")
    page.get_by_role("textbox", name="Message to the company").fill(MESSAGE)
    page.get_by_role("button", name="Send to the company").click()
    workspace = page.locator("#workspace")
    expect(workspace).to_contain_text("Your message was sent to the company.")
    expect(page.locator("#live-announcer")).to_have_text("Your message was sent to the company.")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text(MESSAGE)
    expect(page.get_by_role("textbox", name="Message to the company")).to_have_value("")
    assert page.evaluate("() => window.__notReloaded === true")
    assert_no_axe_violations(page)

    # A note only for Almi, and a stale action refused without losing what was typed.
    page.get_by_role("textbox", name="Internal note").fill("Call on Tuesday.")
    page.get_by_role("radio", name="My organisation only").check()
    page.get_by_role("button", name="Add note").click()
    expect(timeline).to_contain_text("Call on Tuesday.")
    expect(timeline).to_contain_text("Only Almi Uppsala")
    AdviceRequest.objects.filter(pk=advice_request.pk).update(version=99)  # someone else changed it
    page.get_by_role("textbox", name="Message to the company").fill("A second message")
    page.get_by_role("button", name="Send to the company").click()
    expect(workspace.get_by_role("alert")).to_contain_text("changed since you opened it")
    expect(page.get_by_role("textbox", name="Message to the company")).to_have_value("A second message")
    assert_no_axe_violations(page)
    assert RequestEvent.objects.filter(kind=RequestEvent.Kind.MESSAGE_TO_COMPANY).count() == 1
    page.reload()
    page.get_by_label("New status").select_option(value="closed")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("#id_status_outcome_error")).to_contain_text("Choose an outcome")
    assert_no_axe_violations(page)  # an error state

    # 4. The SME's status page shows the message (another browser, no session).
    sme = browser.new_context(base_url=live_server.url)
    try:
        sme_page = sme.new_page()
        sme_page.goto(status_links.status_url(advice_request, absolute=False))
        messages = sme_page.get_by_role("region", name="Messages")
        expect(messages).to_contain_text(MESSAGE)
        expect(sme_page.get_by_role("main")).not_to_contain_text("Call on Tuesday.")  # notes stay internal

        # 5. The SME replies ...
        sme_page.get_by_role("textbox", name="Your message").fill(REPLY)
        with sme_page.expect_navigation():
            sme_page.get_by_role("button", name="Send message").click()
        expect(messages).to_contain_text(REPLY)
    finally:
        sme.close()

    # ... and the reply appears on the timeline.
    page.reload()
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(REPLY)
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Message from the company")
    assert_no_axe_violations(page)


def test_the_inbox_works_without_javascript(browser, live_server, intake, page, sign_in_as):
    """axe-core needs JavaScript: the same pages are checked with it in the test above."""
    advice_request = submit_as_sme(page)
    sign_in_as(ADVISOR)
    cookies = page.context.cookies()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        context.add_cookies(cookies)
        nojs = context.new_page()
        nojs.goto("/en/advisor/requests/")
        row = nojs.get_by_role("row").filter(has_text=advice_request.reference)
        with nojs.expect_navigation():
            row.get_by_role("button", name=re.compile("^Take it")).click()
        expect(nojs.locator(".messages")).to_contain_text("You have taken the request.")

        # Filter (the search form posts, then redirects), then a bulk action with a summary.
        nojs.get_by_role("link", name=re.compile("^All open")).click()
        # The search is in the compact filter bar (issue 17), no disclosure to open first.
        nojs.get_by_role("textbox", name="Search").fill("garden furniture")
        with nojs.expect_navigation():
            nojs.get_by_role("button", name="Search", exact=True).click()
        row = nojs.get_by_role("row").filter(has_text=advice_request.reference)
        expect(row).to_be_visible()
        assert "garden" in nojs.url  # the filters are in the URL, so the view can be bookmarked
        row.get_by_role("checkbox").check()
        nojs.get_by_label("Action").select_option(value="status")
        nojs.get_by_label("New status").select_option(value="in_progress")
        with nojs.expect_navigation():
            nojs.get_by_role("button", name="Apply to selected").click()
        expect(nojs.locator(".messages")).to_contain_text(f"Done for 1 request: {advice_request.reference}.")

        nojs.get_by_role("link", name=advice_request.reference).click()
        nojs.get_by_label("New status").select_option(value="closed")
        with nojs.expect_navigation():
            nojs.get_by_role("button", name="Change status").click()
        expect(nojs.locator("#id_status_outcome_error")).to_contain_text("Choose an outcome")
    finally:
        context.close()
    advice_request.refresh_from_db()
    assert advice_request.status == AdviceRequest.Status.IN_PROGRESS
