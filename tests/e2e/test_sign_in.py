"""Signing in and out in a real browser."""

from playwright.sync_api import expect

from advisors.models import Organisation
from demo.partners import DEMO_PASSWORD
from tests.e2e.conftest import SWEDISH_CATALOGUE
from tests.factories import TEST_PASSWORD, UserFactory

ANNA = "anna.advisor@almi.example"


def submit_sign_in(page, email, password):
    form = page.get_by_role("main").locator("form")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(password)
    form.get_by_role("button").click()


def test_sign_in_and_out(page, live_server, demo, assert_no_axe_violations):
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_no_axe_violations(page)

    submit_sign_in(page, ANNA, "not-the-password")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # static/js/site.js moves focus to the summary
    expect(summary.locator("li")).to_have_count(1)
    expect(page).to_have_url(f"{live_server.url}/login/")
    assert_no_axe_violations(page)

    submit_sign_in(page, ANNA, DEMO_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/advisor/")  # Anna prefers Swedish
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Anna")
    expect(main).to_contain_text("Almi Uppsala")
    expect(page.get_by_role("banner")).to_contain_text("Exportcenter Uppsala län")
    banner = page.get_by_role("banner")  # who is signed in, and "Sign out", are in the page header
    expect(banner).to_contain_text("Anna Andersson, Almi Uppsala")
    sign_out = banner.locator("form[action='/logout/']").get_by_role("button")
    expect(sign_out).to_be_visible()
    if SWEDISH_CATALOGUE.exists():
        expect(sign_out).to_have_text("Logga ut")

    sign_out.click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("navigation")).to_have_count(0)
    page.goto("/advisor/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/advisor/")


def test_sign_in_page_in_swedish(page, live_server, swedish_catalogue):
    page.goto("/login/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    expect(page.get_by_role("main").locator("form").get_by_role("button")).to_have_text("Logga in")


def test_english_preferring_user_lands_on_english_advisor_page(page, live_server, demo):
    UserFactory(
        email="emma.export@almi.example",
        full_name="Emma Export",
        organisation=Organisation.objects.get(slug="almi"),
        preferred_language="en",
    )

    page.goto("/login/")
    submit_sign_in(page, "emma.export@almi.example", TEST_PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/en/advisor/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Emma")
    banner = page.get_by_role("banner")
    expect(banner).to_contain_text("Emma Export, Almi Uppsala")
    expect(banner.locator("form[action='/en/logout/']").get_by_role("button")).to_have_text("Sign out")
