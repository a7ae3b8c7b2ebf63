"""The page header and the main menu: "Sign in" in the header of public pages; the menu on one row at 1280 px
for regional staff (who have the most items), its "Region" group by keyboard, and the count of referrals
waiting for the user's organisation."""

import pytest
from playwright.sync_api import expect

from advisors.models import Organisation, User
from referrals import services
from referrals.models import AdviceRequest
from tests.e2e.test_inbox import submit_as_sme

STAFF = "rita.staff@regionuppsala.example"
ANNA = "anna.advisor@almi.example"
EVA = "eva.advisor@ekn.example"

MENU_ROWS = """() => {
  const items = [...document.querySelectorAll('.site-nav .nav > li')];
  return new Set(items.map((item) => Math.round(item.getBoundingClientRect().top))).size;
}"""


@pytest.mark.parametrize("path", ["/", "/en/", "/help-me-export/", "/en/accessibility/", "/privacy/"])
def test_public_pages_have_sign_in_in_the_header(page, live_server, demo, path):
    page.goto(path)
    link = page.get_by_role("banner").get_by_role("link", name="Sign in for advisors")
    if "/en/" not in path:
        link = page.get_by_role("banner").locator("a[href='/login/']")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("main").locator("input[name='username']")).to_be_visible()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_menu_of_regional_staff_is_one_row_at_1280_px(page, demo, sign_in_as, language):
    sign_in_as(STAFF)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/advisor/" if language == "sv" else "/en/advisor/")
    assert page.evaluate(MENU_ROWS) == 1
    # ... and the items of the other roles are a subset of the staff's.
    assert page.locator(".site-nav .nav > li").count() >= 9


def test_the_region_group_opens_and_closes_from_the_keyboard(
    page, demo, sign_in_as, assert_no_axe_violations
):
    sign_in_as(STAFF)
    page.goto("/en/advisor/")
    menu = page.get_by_role("navigation", name="Main navigation")
    unassigned = menu.get_by_role("link", name="Unassigned requests")
    expect(unassigned).to_be_hidden()
    group = menu.locator("summary", has_text="Region")
    group.focus()
    page.keyboard.press("Enter")
    expect(unassigned).to_be_visible()
    assert_no_axe_violations(page)  # the open menu too
    page.keyboard.press("Tab")
    expect(unassigned).to_be_focused()
    page.keyboard.press("Escape")
    expect(unassigned).to_be_hidden()
    expect(group).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/advisor/requests/unassigned/")
    expect(page.get_by_role("navigation", name="Main navigation").locator("summary")).to_have_class(
        "nav-link nav-menu__summary--current"
    )


def test_the_menu_counts_referrals_waiting_for_my_organisation(page, intake, sign_in_as):
    advice_request = submit_as_sme(page)
    anna = User.objects.get(email=ANNA)
    services.claim(request=advice_request, advisor=anna)
    advice_request = AdviceRequest.objects.get(pk=advice_request.pk)
    services.refer_request(
        request=advice_request,
        to_organisation=Organisation.objects.get(slug="ekn"),
        by=anna,
        needs=[],
        note="Please help with the credit risk.",
        consent=services.Consent(method="phone", details="Karin, by phone"),
        expected_version=advice_request.version,
    )

    sign_in_as(EVA)
    page.goto("/en/advisor/")
    menu = page.get_by_role("navigation", name="Main navigation")
    link = menu.get_by_role("link", name="Referrals (1 waiting)", exact=True)
    expect(link).to_be_visible()
    expect(link.locator(".badge")).to_have_text("1")

    sign_in_as(ANNA)  # Almi sent it: nothing waits for Almi
    page.goto("/en/advisor/")
    expect(menu.get_by_role("link", name="Referrals", exact=True)).to_be_visible()
