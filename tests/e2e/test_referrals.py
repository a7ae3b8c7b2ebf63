"""Referrals in a real browser: an Almi advisor refers a request about buyer credit risk to EKN from the
routing suggestions, an EKN advisor accepts it under "Referrals to us", and the SME's status page now
names EKN. axe-core on every page and state. Then the same answers without JavaScript.
"""

import re

from playwright.sync_api import expect

from advisors.models import Organisation
from notifications.models import Notification, OutboundEmail
from referrals import status_links
from referrals.models import AdviceRequest, Referral
from tests.e2e.test_inbox import submit_as_sme

ALMI_ADVISOR = "anna.advisor@almi.example"
EKN_ADVISOR = "eva.advisor@ekn.example"
EKN_NAME = "EKN – Exportkreditnämnden"
HANDOVER = (
    "The buyer in Germany asks for 90 days' credit. Karin wants to know how to make sure she gets paid."
)


def test_almi_refers_to_ekn_ekn_accepts_and_the_sme_sees_it(
    page, browser, live_server, intake, sign_in_as, assert_no_axe_violations
):
    advice_request = submit_as_sme(page)
    reference = advice_request.reference

    # 1. Almi's advisor opens the request and takes it.
    sign_in_as(ALMI_ADVISOR)
    page.goto(f"/en/advisor/requests/{advice_request.public_id}/")
    page.get_by_role("button", name="Take it").click()
    workspace = page.locator("#workspace")
    expect(page.locator("#live-announcer")).to_have_text("You have taken the request.")

    # 2. The routing suggestions point to EKN for buyer credit risk, with the reasons in words (an owner's
    # suggestions are a disclosure, issue 17).
    suggestions = page.get_by_role("region", name="Routing suggestions")
    suggestions.locator("summary").first.click()
    ekn = suggestions.get_by_role("listitem").filter(has=page.get_by_role("heading", name=EKN_NAME))
    expect(ekn).to_contain_text("Covers 'Buyer credit risk, getting paid' through")
    expect(ekn).to_contain_text("Primary partner for 'Buyer credit risk, getting paid'.")
    expect(ekn).to_contain_text("0 open requests now")
    assert_no_axe_violations(page)

    # 3. "Refer" prefills the form with EKN; the advisor writes the handover and records the consent.
    ekn.get_by_role("link", name=re.compile("^Refer")).click()
    page.wait_for_url(re.compile(r"refer_to=ekn"))
    form = page.get_by_role("region", name="Refer to a partner")
    expect(form.get_by_label("Refer to", exact=True)).to_have_value(
        str(Organisation.objects.get(slug="ekn").pk)
    )
    expect(form.get_by_role("radio", name="The whole request")).to_be_checked()
    page.evaluate("() => { window.__notReloaded = true; }")
    form.get_by_role("button", name="Send the referral").click()  # empty: errors next to the fields
    expect(page.locator("#id_refer_note_error")).to_contain_text("Write a handover note")
    expect(page.locator("#id_refer_consent_confirmed_error")).to_contain_text(
        "Confirm that the company has agreed"
    )
    assert_no_axe_violations(page)  # an error state
    form = page.get_by_role("region", name="Refer to a partner")
    form.get_by_label("Handover note").fill(HANDOVER)
    form.get_by_label("The company has agreed that its information is shared with this organisation.").check()
    form.get_by_label("How did the company agree?").select_option(value="phone")
    form.get_by_label("Who agreed, and when").fill("Karin Berg, by phone today")
    form.get_by_role("button", name="Send the referral").click()
    expect(workspace).to_contain_text(f"The request was referred to {EKN_NAME}.")
    expect(page.locator("#live-announcer")).to_contain_text(f"The request was referred to {EKN_NAME}.")
    assert page.evaluate("() => window.__notReloaded === true")  # htmx swapped the workspace
    referrals = page.get_by_role("region", name="Referrals")
    expect(referrals).to_contain_text(f"Almi Uppsala → {EKN_NAME}")
    expect(referrals).to_contain_text("Waiting for an answer")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("referred the whole request to")
    assert_no_axe_violations(page)
    referral = Referral.objects.get()
    assert (referral.status, referral.note, referral.consent_method) == ("pending", HANDOVER, "phone")
    assert OutboundEmail.objects.filter(
        key=f"referral-received:{referral.pk}", to="info@ekn.example"
    ).exists()

    # 4. EKN's advisor finds it under "Referrals to us" and accepts it.
    sign_in_as(EKN_ADVISOR)
    page.goto("/en/advisor/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Referrals").click()
    page.wait_for_url("**/en/advisor/referrals/")
    tabs = page.get_by_role("navigation", name="Referral lists")
    expect(tabs.get_by_role("link", name=re.compile("^Referrals to us"))).to_have_attribute(
        "aria-current", "page"
    )
    expect(tabs.get_by_role("link", name=re.compile("^Referrals to us"))).to_contain_text("1 waiting")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text(f"Almi Uppsala → {EKN_NAME}")
    expect(row).to_contain_text("Answer by")
    assert Notification.objects.filter(recipient__email=EKN_ADVISOR, kind="referral_received").exists()
    assert_no_axe_violations(page)
    row.get_by_label("Advisor").select_option(label="Eva Ek")
    row.get_by_role("button", name=f"Accept {reference}").click()
    expect(row).to_contain_text(f"You accepted {reference}: it is now your organisation's request.")
    expect(row).to_contain_text("Accepted")
    assert_no_axe_violations(page)
    advice_request.refresh_from_db()
    assert (
        advice_request.owner_organisation.slug == "ekn" and advice_request.owner_advisor.email == EKN_ADVISOR
    )
    assert Notification.objects.filter(recipient__email=ALMI_ADVISOR, kind="referral_accepted").exists()

    # The request page now shows EKN as the owner, and the whole chain.
    row.get_by_role("link", name=reference).click()
    expect(page.get_by_role("region", name="Status and owner")).to_contain_text(f"Eva Ek, {EKN_NAME}")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(f"{EKN_NAME} took the request over.")
    assert_no_axe_violations(page)

    # 5. The SME's status page says who handles the request now (another browser, no session).
    sme = browser.new_context(base_url=live_server.url)
    try:
        sme_page = sme.new_page()
        sme_page.goto(status_links.status_url(advice_request, absolute=False))
        expect(sme_page.get_by_role("main")).to_contain_text(f"Your request is now handled by {EKN_NAME}.")
        expect(sme_page.get_by_role("main")).not_to_contain_text(HANDOVER)  # the handover stays internal
        assert_no_axe_violations(sme_page)
    finally:
        sme.close()


def test_answering_without_javascript(browser, live_server, intake, page, sign_in_as):
    """axe-core needs JavaScript: the same pages are checked with it in the test above."""
    advice_request = submit_as_sme(page)
    sign_in_as(ALMI_ADVISOR)
    cookies = page.context.cookies()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        context.add_cookies(cookies)
        nojs = context.new_page()
        nojs.goto(f"/en/advisor/requests/{advice_request.public_id}/")
        form = nojs.get_by_role("region", name="Refer to a partner")
        form.locator("summary").first.click()  # the <details> opens without JavaScript
        form.get_by_label("Refer to", exact=True).select_option(label=EKN_NAME)
        form.get_by_role("radio", name="Selected needs").check()
        form.get_by_role("checkbox", name="Buyer credit risk, getting paid").check()
        form.get_by_label("Handover note").fill(HANDOVER)
        form.get_by_label(
            "The company has agreed that its information is shared with this organisation."
        ).check()
        form.get_by_label("How did the company agree?").select_option(value="in_request")
        with nojs.expect_navigation():
            form.get_by_role("button", name="Send the referral").click()
        expect(nojs.locator(".messages")).to_contain_text(f"The request was referred to {EKN_NAME}.")

        # EKN declines: first without a reason (an error next to the field), then with one.
        sign_in_as(EKN_ADVISOR)
        context.clear_cookies()
        context.add_cookies(page.context.cookies())
        nojs.goto("/en/advisor/referrals/")
        row = nojs.get_by_role("row").filter(has_text=advice_request.reference)
        row.get_by_text("Decline").first.click()  # the <details> opens without JavaScript
        with nojs.expect_navigation():
            row.get_by_role("button", name=re.compile("^Decline the referral")).click()
        expect(nojs.locator("[id$='_reason_error']")).to_contain_text("Give a reason")
        row = nojs.get_by_role("row").filter(has_text=advice_request.reference)
        row.get_by_label("Reason for declining").fill(
            "EKN guarantees need a bank: talk to the company's bank first."
        )
        with nojs.expect_navigation():
            row.get_by_role("button", name=re.compile("^Decline the referral")).click()
        expect(nojs.locator(".messages")).to_contain_text("You declined the referral")
    finally:
        context.close()
    referral = Referral.objects.get()
    assert referral.status == "declined" and referral.scope == "needs"
    assert AdviceRequest.objects.get(pk=advice_request.pk).owner_organisation is None  # still with triage
