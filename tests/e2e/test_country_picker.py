"""The country pickers (issue 17 §4) on a phone-sized screen: the public form's target markets with the
keyboard only, the same form without JavaScript (the native select still posts), and a filter on the
company list. Found by ids, roles and English names under /en/."""

import re

import pytest
from playwright.sync_api import expect

from referrals.models import AdviceRequest, NeedCategory

pytestmark = pytest.mark.usefixtures("midday_today")
PHONE = {"width": 375, "height": 812}
ANNA = "anna.advisor@almi.example"


def fill_the_rest(form) -> None:
    """Every required field of the public form but the countries, by name."""
    form.locator("input[name='org_number']").fill("556677-8899")
    form.locator("input[name='company_name']").fill("Uppsala Utsikt AB")
    form.locator("select[name='municipality']").select_option(label="Uppsala")
    form.locator("select[name='employee_band']").select_option(value="5-9")
    form.locator("input[name='sells'][value='goods']").check()
    form.locator("input[name='export_experience'][value='never']").check()
    need = NeedCategory.objects.get(slug="customers-partners").pk
    form.locator(f"input[name='needs'][value='{need}']").check()
    form.locator("textarea[name='description']").fill("We sell garden furniture and want distributors.")
    form.locator("input[name='contact_name']").fill("Karin Berg")
    form.locator("input[name='contact_email']").fill("karin@konsult.example")
    form.locator("input[name='language'][value='en']").check()
    form.locator("input[name='preferred_contact_method'][value='email']").check()
    form.locator("input[name='privacy_confirmed']").check()


def test_target_markets_with_the_keyboard_on_a_phone(page, live_server, intake, assert_no_axe_violations):
    page.set_viewport_size(PHONE)
    page.goto("/en/help-me-export/")
    form = page.get_by_role("main").locator("form.intake-form")
    fill_the_rest(form)
    select = form.locator("select[name='target_markets']")
    expect(select).to_be_hidden()  # enhanced: the select stays in the form and holds the choice
    search = form.get_by_role("combobox", name="Countries where you want to do business")
    expect(search).to_have_attribute("id", "id_target_markets-search")
    expect(form.locator("#id_target_markets_helptext")).to_contain_text("Type the name of a country")
    expect(form.locator("select[name='target_markets'] option[value='SE']")).to_have_count(0)
    assert_no_axe_violations(page)

    # Swedish name: "tys" finds Germany; the listbox says how many were found.
    search.focus()
    page.keyboard.type("tys")
    listbox = form.locator("#id_target_markets-search__listbox")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option").first).to_contain_text("Germany")
    status = form.locator("[id^='id_target_markets-search__status--']")
    expect(status.filter(has_text="1 country found")).to_have_count(1)
    assert_no_axe_violations(page)  # the open listbox
    page.keyboard.press("ArrowDown")
    expect(listbox.get_by_role("option").first).to_be_focused()
    page.keyboard.press("Enter")
    chips = form.locator("#id_target_markets-picker .country-picker__chips")
    expect(chips.get_by_role("button", name="Remove Germany")).to_be_visible()
    expect(search).to_be_focused()
    expect(search).to_have_value("")
    expect(select).to_have_values(["DE"])

    # The ISO code and the English name: "NO" finds Norway first, "denm" finds Denmark.
    page.keyboard.type("NO")
    expect(listbox.get_by_role("option").first).to_contain_text("Norway")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.type("denm")
    expect(listbox.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(chips.get_by_role("button")).to_have_text(
        [re.compile("Norway"), re.compile("Denmark"), re.compile("Germany")]  # the list's order
    )
    # A chosen country is not offered again; Sweden is never offered.
    page.keyboard.type("germ")
    expect(listbox.get_by_role("option")).to_have_text(["No country found"])
    page.keyboard.press("Control+a")
    page.keyboard.type("swe")
    expect(listbox.get_by_role("option")).to_have_text(["No country found"])
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")

    # Removed with the keyboard: Tab reaches the chips; Enter removes one and focus stays in the list.
    page.keyboard.press("Tab")
    expect(chips.get_by_role("button", name="Remove Norway")).to_be_focused()
    page.keyboard.press("Enter")
    expect(chips.get_by_role("button")).to_have_count(2)
    expect(chips.get_by_role("button", name="Remove Denmark")).to_be_focused()
    expect(form.locator("#id_target_markets-picker .country-picker__status")).to_have_text("Norway removed")
    expect(select).to_have_values(["DK", "DE"])
    page.keyboard.press("Delete")
    expect(chips.get_by_role("button", name="Remove Germany")).to_be_focused()
    expect(select).to_have_values(["DE"])

    # Nothing scrolls sideways at 375 px, and the page is still clean.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)

    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/en/help-me-export/sent/[^/]+/$"))
    advice_request = AdviceRequest.objects.get()
    assert [country.code for country in advice_request.target_markets] == ["DE"]


def test_without_javascript_the_native_select_posts(browser, live_server, intake):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/en/help-me-export/")
        form = page.get_by_role("main").locator("form.intake-form")
        fill_the_rest(form)
        select = form.get_by_label("Countries where you want to do business")
        expect(select).to_be_visible()
        # The common markets come first, in their own group; Sweden is not offered.
        groups = select.locator("optgroup")
        expect(groups).to_have_count(2)
        expect(groups.first).to_have_attribute("label", "Common markets")
        expect(groups.first.locator("option")).to_have_text(
            [
                "Norway",
                "Denmark",
                "Finland",
                "Iceland",
                "Germany",
                "United Kingdom",
                "United States of America",
                "China",
            ]
        )
        expect(select.locator("option[value='SE']")).to_have_count(0)
        expect(form.locator(".country-picker")).to_have_count(0)
        select.select_option(["CN", "FR"])
        with page.expect_navigation():
            form.locator("button[type='submit']").click()
        expect(page).to_have_url(re.compile(r"/en/help-me-export/sent/[^/]+/$"))
        advice_request = AdviceRequest.objects.get()
        assert sorted(country.code for country in advice_request.target_markets) == ["CN", "FR"]
    finally:
        context.close()


def test_a_filter_is_a_single_choice_picker(page, live_server, demo, sign_in_as, assert_no_axe_violations):
    sign_in_as(ANNA)
    page.set_viewport_size(PHONE)
    page.goto("/en/companies/")
    main = page.get_by_role("main")
    search = main.get_by_role("combobox", name="Target market")
    search.focus()
    page.keyboard.type("de")
    listbox = main.locator("#id_target_market-search__listbox")
    expect(listbox.get_by_role("option").first).to_contain_text("Germany")  # the code comes first
    assert_no_axe_violations(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(main.locator("select[name='target_market']")).to_have_value("DE")
    chip = main.locator(".country-picker__chips").get_by_role("button", name="Remove Germany")
    expect(chip).to_be_visible()
    # Another country replaces it: one choice.
    page.keyboard.type("fin")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(main.locator(".country-picker__chips").get_by_role("button")).to_have_count(1)
    expect(main.locator("select[name='target_market']")).to_have_value("FI")
    assert_no_axe_violations(page)


def test_the_company_form_shows_its_countries_as_chips(
    page, live_server, demo, sign_in_as, assert_no_axe_violations
):
    from tests.factories import CompanyFactory

    company = CompanyFactory(export_countries=["SE", "NO"], target_markets=["NO"], employee_band="5-9")
    sign_in_as(ANNA)
    page.set_viewport_size(PHONE)
    page.goto(f"/en/companies/{company.public_id}/edit/")
    main = page.get_by_role("main")
    exports = main.locator("#id_export_countries-picker .country-picker__chips")
    markets = main.locator("#id_target_markets-picker .country-picker__chips")
    # Sweden stays among the countries a company exports to (what the register holds is kept).
    expect(exports.get_by_role("button")).to_have_text([re.compile("Norway"), re.compile("Sweden")])
    expect(markets.get_by_role("button")).to_have_text([re.compile("Norway")])
    search = main.get_by_role("combobox", name="Target markets")
    search.focus()
    page.keyboard.type("tys")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(markets.get_by_role("button")).to_have_text([re.compile("Norway"), re.compile("Germany")])
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)
    with page.expect_navigation():
        main.get_by_role("button", name="Save changes").click()
    company.refresh_from_db()
    assert sorted(country.code for country in company.target_markets) == ["DE", "NO"]
    assert sorted(country.code for country in company.export_countries) == ["NO", "SE"]


def test_sweden_posted_anyway_is_an_error_that_leads_to_the_picker(
    page, live_server, intake, assert_no_axe_violations
):
    page.set_viewport_size(PHONE)
    page.goto("/en/help-me-export/")
    form = page.get_by_role("main").locator("form.intake-form")
    fill_the_rest(form)
    # A tampered form: Sweden is not among the options.
    page.evaluate(
        "() => document.querySelector('#id_target_markets').add(new Option('Sweden', 'SE', true, true))"
    )
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    error = form.locator("#id_target_markets_error")
    expect(error).to_have_text("Sweden is not a target market. Choose countries outside Sweden.")
    search = form.get_by_role("combobox", name="Countries where you want to do business")
    expect(search).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)
    page.locator("[data-error-summary] a[href='#id_target_markets']").click()
    expect(search).to_be_focused()
    assert not AdviceRequest.objects.exists()


def test_the_swedish_page_finds_countries_by_their_english_names_and_codes(page, live_server, intake):
    page.set_viewport_size(PHONE)
    page.goto("/help-me-export/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    search = page.locator("#id_target_markets-search")
    listbox = page.locator("#id_target_markets-search__listbox")
    search.focus()
    page.keyboard.type("germ")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option").first).to_contain_text("Tyskland")
    page.keyboard.press("Control+a")
    page.keyboard.type("us")
    expect(listbox.get_by_role("option").first).to_contain_text("Amerikas förenta stater")  # the code first
    page.keyboard.type("a")  # "usa": a name people use
    expect(listbox.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("select[name='target_markets']")).to_have_values(["US"])
