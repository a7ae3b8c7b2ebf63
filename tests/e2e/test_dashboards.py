"""The dashboard in a real browser: regional staff open it, choose a month and an organisation, show a
chart's data table, download the CSV (its numbers equal the table's), with zero axe-core violations."""

import csv
from datetime import datetime, timedelta
from itertools import count

from playwright.sync_api import expect

from advisors.models import Organisation
from dashboards import facts
from exportcenter.workdays import STOCKHOLM, end_of_next_working_day
from referrals.models import AdviceRequest, NeedCategory
from referrals.need_categories import seed_need_categories
from tests.factories import CompanyFactory

STAFF = "rita.staff@regionuppsala.example"
_numbers = count(1)


def received(moment: datetime, *, owner, channel) -> AdviceRequest:
    number = next(_numbers)
    request = AdviceRequest.objects.create(
        reference=f"E2E-{number:04d}",
        year=moment.year,
        number=number,
        region=owner.regions.get(),
        company=CompanyFactory(),
        channel=channel,
        owner_organisation=owner,
        owner_since=moment + timedelta(hours=1),
        first_response_at=moment + timedelta(hours=2),
        first_response_due_at=end_of_next_working_day(moment),
    )
    request.needs.set(NeedCategory.objects.filter(slug="market-selection"))
    AdviceRequest.objects.filter(pk=request.pk).update(created_at=moment)
    facts.rebuild(region_ids=[request.region_id])  # the UPDATE went around the signals
    return request


def table_rows(table) -> dict[str, str]:
    rows = {}
    for row in table.locator("tbody tr").all():
        rows[row.locator("th").inner_text().strip()] = row.locator("td").first.inner_text().strip()
    return rows


def test_staff_choose_a_period_and_a_filter_and_download_the_csv(
    page, live_server, demo, sign_in_as, assert_no_axe_violations, tmp_path
):
    seed_need_categories()
    almi = Organisation.objects.get(slug="almi")
    ekn = Organisation.objects.get(slug="ekn")
    march = datetime(2026, 3, 3, 10, tzinfo=STOCKHOLM)
    received(march, owner=almi, channel="web")
    received(march + timedelta(days=1), owner=almi, channel="web")
    received(march + timedelta(days=2), owner=almi, channel="phone")
    received(march + timedelta(days=3), owner=ekn, channel="phone")
    received(datetime(2026, 2, 20, 10, tzinfo=STOCKHOLM), owner=almi, channel="email")  # February

    sign_in_as(STAFF)
    page.goto("/en/advisor/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/en/advisor/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert_no_axe_violations(page)

    # The period: March 2026. Then a filter: Almi's requests only.
    page.get_by_role("combobox", name="Period (optional)", exact=True).select_option("month")
    page.get_by_role("textbox", name="A day in the period (optional)").fill("2026-03-15")
    with page.expect_navigation():
        page.get_by_role("button", name="Show figures").click()
    expect(page.locator("#dashboard-scope")).to_contain_text("2026-03-01 – 2026-03-31")
    page.get_by_role("combobox", name="Organisation (optional)", exact=True).select_option(label=almi.name)
    with page.expect_navigation():
        page.get_by_role("button", name="Show figures").click()
    assert "organisation=almi" in page.url

    # With JavaScript the chart stands in for the table; the toggle shows the table.
    figure = page.get_by_role("region", name="Requests by channel")
    table = figure.get_by_role("table")
    expect(figure.get_by_role("img", name="Chart: Requests by channel")).to_be_visible()
    expect(table).to_be_hidden()
    toggle = figure.get_by_role("button", name="Show the data table")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(table).to_be_visible()
    expect(figure.get_by_role("button", name="Hide the data table")).to_have_attribute(
        "aria-expanded", "true"
    )
    shown = table_rows(table)
    assert shown == {"Web form": "2", "Phone": "1"}
    assert_no_axe_violations(page)

    # The CSV carries the table's numbers.
    with page.expect_download() as download_info:
        figure.get_by_role("link", name="Download “Requests by channel” as CSV").click()
    path = tmp_path / "requests_by_channel.csv"
    download_info.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))  # the default dialect, for Swedish Excel
    assert rows[0] == ["Channel", "Requests"]
    assert dict(rows[1:]) == shown
