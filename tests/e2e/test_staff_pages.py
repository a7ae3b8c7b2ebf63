"""Regional staff's pages: need categories and the unassigned queue; the requests on a company page."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from demo import companies as companies_demo
from demo import requests as requests_demo
from reference.models import Municipality
from referrals import services
from referrals.models import NeedCategory
from referrals.need_categories import seed_need_categories

STAFF = "rita.staff@regionuppsala.example"
ADVISOR = "anna.advisor@almi.example"


def open_region_menu(page):
    """The staff's pages are grouped under "Region" in the main menu (a <details> disclosure)."""
    page.get_by_role("navigation", name="Main navigation").get_by_text("Region", exact=True).click()


@pytest.fixture
def requests_seeded(demo):
    cache.clear()
    companies_demo.seed()
    return requests_demo.seed(count=6)


def test_regional_staff_edit_a_need_category(page, demo, sign_in_as, assert_no_axe_violations):
    seed_need_categories()
    sign_in_as(STAFF)
    page.goto("/en/advisor/")
    open_region_menu(page)
    page.get_by_role("link", name="Need categories").click()
    page.wait_for_url("**/en/advisor/needs/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Kreditrisk hos köparen, att få betalt").click()
    assert_no_axe_violations(page)
    page.get_by_label("Name (English)").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_name_en_error")).to_be_visible()
    assert_no_axe_violations(page)  # the error state
    page.get_by_label("Name (English)").fill("Getting paid by foreign buyers")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/en/advisor/needs/")
    assert NeedCategory.objects.get(slug="buyer-credit-risk").name_en == "Getting paid by foreign buyers"


def test_the_unassigned_queue_and_a_company_with_requests(
    page, requests_seeded, sign_in_as, assert_no_axe_violations
):
    request = services.submit_request(
        submission=services.Submission(
            org_number=None,
            legal_form="unregistered",
            company_name="Gävle Glas",
            municipality=Municipality.objects.get(code="2180"),
            website="",
            employee_band="1-4",
            sells="goods",
            export_experience="never",
            export_countries=[],
            needs=list(NeedCategory.objects.filter(slug="customs")),
            target_markets=["NO"],
            description="Vi vill sälja glas i Norge.",
            contact_name="Gun Glas",
            contact_email="gun@glas.example",
            contact_phone="",
            language="sv",
            preferred_contact_method="email",
        )
    )
    sign_in_as(STAFF)
    page.goto("/en/advisor/")
    open_region_menu(page)
    page.get_by_role("link", name="Unassigned requests").click()
    page.wait_for_url("**/en/advisor/requests/unassigned/")
    row = page.get_by_role("row").filter(has_text=request.reference)
    assert row.get_by_role("link", name="gun@glas.example").is_visible()  # staff can act on it at once
    assert_no_axe_violations(page)
    # A company page with requests (the demo requests are in Uppsala län): the requests section.
    demo_request = request.__class__.objects.filter(region__isnull=False).select_related("company").first()
    page.goto(f"/en/companies/{demo_request.company.public_id}/")
    assert page.get_by_text(demo_request.reference, exact=True).is_visible()
    assert_no_axe_violations(page)


def test_advisors_do_not_see_staff_pages(page, demo, sign_in_as):
    sign_in_as(ADVISOR)
    page.goto("/en/advisor/")
    assert page.locator(".site-nav a[href='/en/advisor/needs/']").count() == 0
    response = page.goto("/en/advisor/needs/")
    assert response.status == 403
