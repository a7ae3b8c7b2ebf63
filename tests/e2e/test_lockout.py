"""A locked-out advisor is unlocked by regional staff and can then sign in."""

from playwright.sync_api import expect

from demo.partners import DEMO_PASSWORD

ANNA = "anna.advisor@almi.example"
RITA = "rita.staff@regionuppsala.example"


def submit_sign_in(page, email, password):
    form = page.get_by_role("main").locator("form")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(password)
    form.get_by_role("button").click()


def test_a_locked_out_advisor_is_unlocked_by_regional_staff(
    page, live_server, demo, settings, sign_in_as, assert_no_axe_violations
):
    settings.AXES_FAILURE_LIMIT = 5
    settings.TWO_FACTOR_REQUIRED = False  # two-factor sign-in has its own journeys
    page.goto("/en/login/")
    for _ in range(4):
        # From the second attempt on the previous attempt's error summary is on the page already.
        with page.expect_navigation():
            submit_sign_in(page, ANNA, "not-the-password")
        expect(page.locator("[data-error-summary]")).to_be_visible()
    submit_sign_in(page, ANNA, "not-the-password")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Sign-in paused")
    expect(main.get_by_role("alert")).to_contain_text("paused for 30 minutes")
    assert_no_axe_violations(page)

    main.get_by_role("link", name="Back to sign-in").click()
    submit_sign_in(page, ANNA, DEMO_PASSWORD)  # the right password does not help while locked out
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused")

    page.context.clear_cookies()
    sign_in_as(RITA)
    page.goto("/en/advisor/")
    page.get_by_role("link", name="Sign-in lockouts").click()
    expect(page).to_have_url(f"{live_server.url}/en/advisor/lockouts/")
    row = page.get_by_role("row").filter(has_text=ANNA)
    expect(row).to_contain_text("Almi Uppsala")
    assert_no_axe_violations(page)
    row.get_by_role("button", name="Unlock Anna Andersson").click()
    expect(page.locator(".messages")).to_contain_text("Anna Andersson can sign in again.")
    expect(page.get_by_role("main")).to_contain_text("Nobody is locked out.")
    assert_no_axe_violations(page)

    page.context.clear_cookies()
    page.goto("/en/login/")
    submit_sign_in(page, ANNA, DEMO_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/en/advisor/")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_contain_text("Anna")
