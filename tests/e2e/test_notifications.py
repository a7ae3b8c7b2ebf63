"""After a handover the right door opens: Almi hands a request to EKN's queue, the SME replies on its status
page, and EKN's person on triage duty (not Almi) finds the reply under the bell, worded in English although
it was created during a Swedish page view, and follows its link to the request. Then she turns a kind off
with the keyboard only. axe-core on every page.
"""

import re

from django.utils import translation
from playwright.sync_api import expect

from advisors.models import Organisation, User
from notifications.models import Notification, NotificationPreference
from referrals import services, status_links
from referrals.services import Consent
from tests.e2e.test_inbox import submit_as_sme

ALMI = "anna.advisor@almi.example"
EKN_QUEUE = "eva.advisor@ekn.example"  # on triage duty in the demo data
REPLY = "Here is the buyer's name you asked for."


def test_after_a_handover_the_new_owner_hears_of_the_reply_and_can_turn_kinds_off(
    page, browser, live_server, intake, sign_in_as, assert_no_axe_violations
):
    advice_request = submit_as_sme(page)
    anna = User.objects.get(email=ALMI)
    advice_request = services.claim(request=advice_request, advisor=anna)
    referral = services.refer_request(
        request=advice_request,
        to_organisation=Organisation.objects.get(slug="ekn"),
        by=anna,
        needs=[],
        note="Buyer credit risk: yours.",
        consent=Consent(method="phone", details="Karin, by phone"),
        expected_version=advice_request.version,
    )
    services.accept_referral(referral=referral, by=User.objects.get(email="erik.lead@ekn.example"))
    Notification.objects.all().delete()

    # The SME replies in Swedish on its status page.
    sme = browser.new_context(base_url=live_server.url)
    try:
        sme_page = sme.new_page()
        with translation.override("sv"):
            sme_page.goto(status_links.status_url(advice_request, absolute=False))
        sme_page.get_by_role("textbox").first.fill(REPLY)
        with sme_page.expect_navigation():
            sme_page.locator("form button[type=submit]").last.click()
    finally:
        sme.close()
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {EKN_QUEUE}

    # EKN's person on triage duty sees it under the bell, in English, as a link to the request.
    sign_in_as(EKN_QUEUE)
    page.goto("/en/advisor/")
    page.get_by_role("link", name="Notifications 1 unread").click()
    page.wait_for_url("**/en/advisor/notifications/")
    link = page.get_by_role(
        "link", name=f"{advice_request.company.name} replied on {advice_request.reference}"
    )
    expect(link).to_be_visible()
    assert_no_axe_violations(page)
    link.click()
    page.wait_for_url(f"**/en/advisor/requests/{advice_request.public_id}/")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(REPLY)

    # Anna at Almi, who no longer owns it, was not told.
    sign_in_as(ALMI)
    page.goto("/en/advisor/notifications/")
    expect(page.get_by_role("main")).not_to_contain_text("replied on")

    # Eva turns "The company replied" off in the portal, with the keyboard only.
    sign_in_as(EKN_QUEUE)
    page.goto("/en/advisor/notifications/preferences/")
    assert_no_axe_violations(page)
    group = page.get_by_role("group", name="The company replied")
    box = group.get_by_role("checkbox", name="In the portal")
    expect(box).to_be_checked()
    box.focus()
    page.keyboard.press("Space")
    expect(box).not_to_be_checked()
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/advisor/notifications/preferences/$"))
    expect(page.get_by_role("main")).to_contain_text("Your notification settings were saved.")
    assert_no_axe_violations(page)
    preference = NotificationPreference.objects.get(user__email=EKN_QUEUE, kind="company_replied")
    assert (preference.in_app, preference.email) == (False, True)
