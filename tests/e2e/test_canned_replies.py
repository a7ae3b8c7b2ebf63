"""Canned replies in a real browser: Almi's lead adds a reply with a misspelt placeholder, sees the error next
to the text, fixes it; Almi's advisor, on a request in English, inserts it into the message with the keyboard,
edits it and sends it. axe-core at 1366×860 and 375×812. Then the same insertion without JavaScript.
"""

from playwright.sync_api import expect

from referrals import services
from referrals.models import CannedReply, RequestEvent
from tests.referrals.conftest import build_submission

LEAD = "lars.lead@almi.example"
ADVISOR = "anna.advisor@almi.example"
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 375, "height": 812}
TYPO = "Hello {company},\n\nThank you for your request {reference}. I am {advisor} at {partnr}."
FIXED = "Hello {company},\n\nThank you for your request {reference}. I am {advisor} at {partner}."


def demo_request(language="en"):
    """A request from Knivsta Konsult AB to the demo region, taken by Almi's advisor."""
    from advisors.models import User

    request = services.submit_request(submission=build_submission(language=language))
    services.claim(request=request, advisor=User.objects.get(email=ADVISOR))
    request.refresh_from_db()
    return request


def check_both_sizes(page, assert_no_axe_violations):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_no_axe_violations(page)


def test_a_lead_keeps_a_reply_and_an_advisor_inserts_edits_and_sends_it(
    page, live_server, intake, sign_in_as, assert_no_axe_violations
):
    advice_request = demo_request()
    page.set_viewport_size(DESKTOP)

    # 1. The lead opens the replies from the service catalogue and adds one with a misspelt placeholder.
    sign_in_as(LEAD)
    page.goto("/en/advisor/organisations/almi/services/")
    page.get_by_role("link", name="Your organisation's canned replies for writing to companies").click()
    page.wait_for_url("**/en/advisor/replies/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Canned replies")
    check_both_sizes(page, assert_no_axe_violations)
    page.get_by_role("link", name="Add a reply").click()
    page.get_by_label("Title").fill("First answer")
    page.get_by_role("radio", name="English").check()
    page.get_by_label("Text").fill(TYPO)
    page.get_by_role("button", name="Save").click()
    error = page.locator("#id_body_error")
    expect(error).to_contain_text("Unknown placeholder: {partnr}.")
    expect(page.get_by_label("Text")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Text")).to_have_value(TYPO)  # what was typed is kept
    expect(page.get_by_role("alert")).to_contain_text("Unknown placeholder")  # the error summary
    check_both_sizes(page, assert_no_axe_violations)
    assert not CannedReply.objects.exists()

    # 2. The lead fixes it.
    page.get_by_label("Text").fill(FIXED)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/en/advisor/replies/")
    expect(page.get_by_role("row").filter(has_text="First answer")).to_contain_text("English")
    reply = CannedReply.objects.get()
    assert (reply.organisation.slug, reply.language, reply.body) == ("almi", "en", FIXED)

    # 3. The advisor opens the request and, with the keyboard only, inserts the reply.
    sign_in_as(ADVISOR)
    page.goto(f"/en/advisor/requests/{advice_request.public_id}/")
    page.evaluate("() => { window.__notReloaded = true; }")
    picker = page.locator("summary").filter(has_text="Insert a canned reply")
    picker.focus()
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name="First answer")
    expect(link).to_be_visible()
    check_both_sizes(page, assert_no_axe_violations)  # the picker open
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    body = page.locator("#id_message_body")
    filled = (
        "Hello Knivsta Konsult AB,\n\nThank you for your request "
        f"{advice_request.reference}. I am Anna Andersson at Almi Uppsala."
    )
    expect(body).to_have_value(filled)
    expect(body).to_be_focused()
    expect(page.locator("#live-announcer")).to_contain_text("Inserted “First answer” into the message.")
    assert page.evaluate("() => window.__notReloaded === true")  # filled in place

    # 4. The text stays editable: the advisor adds a line and sends it.
    page.keyboard.press("Control+End")
    page.keyboard.type("\nWe will call you on Monday.")
    page.get_by_role("button", name="Send to the company").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#live-announcer")).to_have_text("Your message was sent to the company.")
    message = RequestEvent.objects.get(request=advice_request, kind=RequestEvent.Kind.MESSAGE_TO_COMPANY)
    assert message.body == filled + "\nWe will call you on Monday."
    # After the swap the picker is offered again and the box is empty for the next message.
    expect(page.locator("#id_message_body")).to_have_value("")
    expect(page.locator("summary").filter(has_text="Insert a canned reply")).to_be_visible()
    check_both_sizes(page, assert_no_axe_violations)


def test_without_javascript_a_reply_fills_the_message_box(browser, live_server, intake, page, sign_in_as):
    """axe-core needs JavaScript: the same page is checked with it in the test above."""
    advice_request = demo_request(language="sv")
    almi = advice_request.owner_organisation
    CannedReply.objects.create(
        scope="organisation", organisation=almi, language="sv", title="Första svar", body="Hej {company}!"
    )
    CannedReply.objects.create(
        scope="organisation", organisation=almi, language="en", title="In English", body="x"
    )
    sign_in_as(ADVISOR)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    try:
        context.add_cookies(page.context.cookies())
        nojs = context.new_page()
        nojs.goto(f"/en/advisor/requests/{advice_request.public_id}/")
        nojs.locator("summary").filter(has_text="Insert a canned reply").click()
        expect(nojs.get_by_role("link", name="In English")).to_have_count(0)  # the company writes Swedish
        with nojs.expect_navigation():
            nojs.get_by_role("link", name="Första svar").click()
        expect(nojs.locator("#id_message_body")).to_have_value("Hej Knivsta Konsult AB!")
        expect(nojs.get_by_role("status").filter(has_text="is in the message box")).to_be_visible()
        nojs.locator("#id_message_body").fill("Hej Knivsta Konsult AB! Vi hörs.")
        with nojs.expect_navigation():
            nojs.get_by_role("button", name="Send to the company").click()
        expect(nojs.locator(".messages")).to_contain_text("Your message was sent to the company.")
    finally:
        context.close()
    message = RequestEvent.objects.get(request=advice_request, kind=RequestEvent.Kind.MESSAGE_TO_COMPANY)
    assert message.body == "Hej Knivsta Konsult AB! Vi hörs."
