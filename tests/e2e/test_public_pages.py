"""Public pages in a real browser: landing page, language switcher, skip link, accessibility statement."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from demo.partners import PARTNERS

REGION_NAME = "Exportcenter Uppsala län"
PARTNER_NAMES = [name for _slug, name, *_rest in PARTNERS]


def test_landing_page_in_swedish(page, live_server, demo, assert_no_axe_violations):
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("banner")).to_contain_text(REGION_NAME)
    cta = page.get_by_role("main").locator("a[href='/help-me-export/']")
    expect(cta).to_be_visible()
    partners = page.locator("section[aria-labelledby='partners-title'] .partner-list > li")
    expect(partners).to_have_count(len(PARTNER_NAMES))
    for name in PARTNER_NAMES:
        expect(partners.get_by_role("heading", name=name, exact=True)).to_be_visible()
    assert_no_axe_violations(page)


def test_landing_page_texts_in_swedish(page, live_server, demo, swedish_catalogue):
    page.goto("/")

    cta = page.get_by_role("link", name="Få hjälp att exportera", exact=True)
    expect(cta).to_be_visible()
    expect(cta).to_have_attribute("href", "/help-me-export/")
    expect(page.locator("a.skip-link")).to_have_text("Hoppa till huvudinnehållet")
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name="Tillgänglighetsredogörelse")).to_have_attribute(
        "href", "/accessibility/"
    )
    expect(footer.get_by_role("link", name="Logga in")).to_have_attribute("href", "/login/")


def test_landing_page_in_english(page, live_server, demo, assert_no_axe_violations):
    page.goto("/en/")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    cta = page.get_by_role("link", name="Get help to export", exact=True)
    expect(cta).to_be_visible()
    expect(cta).to_have_attribute("href", "/en/help-me-export/")
    expect(page.get_by_role("banner")).to_contain_text(REGION_NAME)
    expect(page.locator(".partner-list > li")).to_have_count(len(PARTNER_NAMES))
    assert_no_axe_violations(page)


def test_language_switcher_to_english_keeps_the_page(page, live_server):
    page.goto("/accessibility/")
    expect(page.get_by_role("button", name="Svenska")).to_have_attribute("aria-current", "true")

    page.get_by_role("button", name="English").click()

    expect(page).to_have_url(f"{live_server.url}/en/accessibility/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")


def test_language_switcher_back_to_swedish_keeps_the_page(page, live_server):
    page.goto("/en/accessibility/")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")

    page.get_by_role("button", name="Svenska").click()

    expect(page).to_have_url(f"{live_server.url}/accessibility/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("button", name="Svenska")).to_have_attribute("aria-current", "true")


def test_skip_link_is_first_focusable_and_moves_focus_to_main(page, live_server):
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_attribute("href", "#main")
    expect(skip_link).to_be_in_viewport()  # hidden off-screen until it has focus

    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/#main")
    main = page.locator("main#main")
    expect(main).to_be_focused()
    expect(main).to_be_in_viewport()
    # Keyboard navigation continues inside the main content, past the header.
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").locator("a[href='/help-me-export/']")).to_be_focused()


@pytest.mark.parametrize(
    ("path", "language"),
    [("/accessibility/", "sv"), ("/en/accessibility/", "en")],
)
def test_accessibility_statement(page, live_server, path, language, assert_no_axe_violations):
    page.goto(path)

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if language == "en":
        expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    expect(page.locator("h2#report")).to_be_visible()
    email = settings.ACCESSIBILITY_CONTACT_EMAIL
    report = page.get_by_role("main").locator("a[href^='mailto:']")
    expect(report).to_have_attribute("href", f"mailto:{email}")
    expect(report).to_have_text(email)
    assert_no_axe_violations(page)


def test_accessibility_statement_heading_in_swedish(page, live_server, swedish_catalogue):
    page.goto("/accessibility/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse")
