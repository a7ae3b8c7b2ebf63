"""The goal "newly international companies" in a real browser (issue 18): regional staff set the goal with
its official figure (a mistake first: the error is next to its field), see the progress and the official
figure apart on the dashboard; an advisor confirms a company's signs with a source, and the goal moves.
Zero axe-core violations on every page."""

import re
from datetime import date

from django.utils import timezone
from playwright.sync_api import expect

from companies.models import Company
from tests.factories import CompanyFactory

STAFF = "rita.staff@regionuppsala.example"
ANNA = "anna.advisor@almi.example"


def test_staff_set_the_goal_and_an_advisors_confirmation_moves_it(
    page, live_server, demo, sign_in_as, assert_no_axe_violations
):
    today = timezone.localdate()
    # Recorded without a source: international in the register, but not confirmed, so not counted.
    company = CompanyFactory(name="Knivsta Kugghjul AB", exports_goods=True, became_international_on=today)
    assert company.international_confirmed_on is None

    # Regional staff set the goal: 500 more over this year and next, the official figure beside it.
    sign_in_as(STAFF)
    page.goto("/en/advisor/goals/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Add a goal").click()
    page.wait_for_url("**/en/advisor/goals/new/")
    page.get_by_role("combobox", name="Region", exact=True).select_option(index=1)
    page.get_by_role("spinbutton", name="Year", exact=True).fill(str(today.year + 1))
    page.get_by_role("combobox", name="Kind", exact=True).select_option(label="Newly international companies")
    page.get_by_label("Period starts (optional)", exact=True).fill(f"{today.year}-01-01")
    page.get_by_label("Period ends (optional)", exact=True).fill(f"{today.year - 1}-12-31")  # a mistake
    page.get_by_role("spinbutton", name="Target", exact=True).fill("500")
    page.get_by_role("spinbutton", name="Official figure (optional)", exact=True).fill("1000")
    page.get_by_role("textbox", name="Official figure: source (optional)", exact=True).fill(
        "SCB/Tillväxtverket"
    )
    page.get_by_role("spinbutton", name="Official figure: year (optional)", exact=True).fill(
        str(today.year - 2)
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    ends = page.get_by_label("Period ends (optional)", exact=True)
    expect(ends).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_ends_on_error")).to_have_text("The period must end after it starts.")
    assert_no_axe_violations(page)
    ends.fill(f"{today.year + 1}-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/en/advisor/goals/")
    row = page.get_by_role("row", name=re.compile("Newly international companies"))
    expect(row).to_contain_text("+500")
    expect(row).to_contain_text("1,000")
    expect(row).to_contain_text("SCB/Tillväxtverket")

    # The dashboard: nothing confirmed yet; the official figure apart, not in the progress.
    page.goto("/en/advisor/dashboard/")
    summary = page.locator("#goal-summary")
    expect(summary).to_contain_text("0 newly international companies of the target 500 more")
    expect(summary).to_contain_text("Progress: 0.0 %")
    expect(page.locator("#goal-official")).to_contain_text(
        "Official figure, another population: 1,000 companies doing international business in the county "
        f"(SCB/Tillväxtverket, {today.year - 2}). It is not part of the progress."
    )
    figure = page.get_by_role("region", name="Goal: newly international companies")
    expect(figure.get_by_role("img", name="Chart: Goal: newly international companies")).to_be_visible()
    figure.get_by_role("button", name="Show the data table").click()
    table = figure.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Target path")).to_be_visible()
    assert_no_axe_violations(page)

    # An advisor confirms the company's signs with a source.
    sign_in_as(ANNA)
    page.goto(f"/en/companies/{company.public_id}/")
    expect(page.locator("#flag-source")).to_contain_text("Not confirmed")
    page.get_by_role("link", name="Edit").first.click()
    page.get_by_role("textbox", name="Source of the signs of international business (optional)").fill(
        "Årsredovisning 2025"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#flag-source")).to_contain_text("Confirmed by an advisor on")
    expect(page.locator("#flag-source")).to_contain_text("Source: Årsredovisning 2025")
    assert_no_axe_violations(page)
    company.refresh_from_db()
    assert (company.flags_source, company.international_confirmed_on) == ("advisor", today)
    assert Company.objects.filter(international_confirmed_on__gte=date(today.year, 1, 1)).count() == 1

    # The goal moved.
    sign_in_as(STAFF)
    page.goto("/en/advisor/dashboard/")
    expect(page.locator("#goal-summary")).to_contain_text(
        "1 newly international company of the target 500 more"
    )
    expect(page.locator("#goal-summary")).to_contain_text("Progress: 0.2 %")
    expect(page.locator("#goal-attribution")).to_contain_text("Of them, 0 were helped by the center")
    assert_no_axe_violations(page)
