"""The national coordinator in a real browser: signs in and lands on the national figures, sees the region's
figures (small cells read "fewer than 5"), downloads the figures (aggregates, no company in them), and is
refused a company page. Zero axe-core violations."""

import csv
from datetime import datetime, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from advisors.models import Organisation, Region, User
from dashboards import facts
from exportcenter.workdays import STOCKHOLM, end_of_next_working_day
from referrals.models import AdviceRequest
from tests.factories import TEST_PASSWORD, CompanyFactory, OrganisationFactory, UserFactory

NATIONAL = "nora.national@tillvaxtverket.example"


def _requests(region: Region, owner: Organisation, n: int) -> list[AdviceRequest]:
    today = timezone.localdate()
    made = []
    for k in range(n):
        moment = datetime.combine(today.replace(day=1), datetime.min.time(), tzinfo=STOCKHOLM) + timedelta(
            hours=9 + k
        )
        request = AdviceRequest.objects.create(
            reference=f"NAT-{k:04d}",
            year=moment.year,
            number=9000 + k,
            region=region,
            company=CompanyFactory(name=f"Hemligt Företag {k} AB"),
            channel="web",
            owner_organisation=owner,
            owner_since=moment + timedelta(hours=1),
            first_response_at=moment + timedelta(hours=2),
            first_response_due_at=end_of_next_working_day(moment),
        )
        AdviceRequest.objects.filter(pk=request.pk).update(created_at=moment)
        made.append(request)
    facts.rebuild(region_ids=[region.pk])
    return made


def test_national_coordinator_sees_figures_and_is_refused_a_company(
    page, live_server, demo, assert_no_axe_violations, tmp_path
):
    region = Region.objects.get(slug="uppsala")
    requests = _requests(region, Organisation.objects.get(slug="almi"), 6)
    tillvaxtverket = OrganisationFactory(name="Tillväxtverket", slug="tillvaxtverket", kind="other")
    UserFactory(
        email=NATIONAL, full_name="Nora Nilsson", organisation=tillvaxtverket, role=User.Role.NATIONAL
    )

    # Signs in with the form and lands on the national figures.
    page.goto("/en/login/")
    form = page.locator("main form")
    form.locator("input[name='username']").fill(NATIONAL)
    form.locator("input[name='password']").fill(TEST_PASSWORD)
    form.locator("button[type='submit']").click()
    page.wait_for_url("**/en/national/")
    expect(page.get_by_role("heading", level=1)).to_have_text("National figures")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="National figures")).to_be_visible()
    expect(nav.get_by_role("link", name="Companies")).to_have_count(0)
    assert_no_axe_violations(page)

    # The region's figures: 6 requests this year; no outcomes yet (0), nothing under 5 shown as a number.
    figures = page.get_by_role("region", name="Figures per region")
    row = figures.get_by_role("row", name=region.name)
    expect(row).to_be_visible()
    header = [cell.strip() for cell in figures.locator("thead th").all_inner_texts()]
    cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
    assert cells[header.index("Requests") - 1] == "6"
    assert "Hemligt" not in page.content()

    # Downloads carry the same aggregates and nothing personal.
    with page.expect_download() as download_info:
        figures.get_by_role("link", name="Download “Figures per region” as CSV").click()
    path = tmp_path / "regions.csv"
    download_info.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert "Hemligt" not in text and "NAT-0000" not in text
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert rows[0][0] == "Region" and rows[1][0] == region.name

    # A company's page is refused.
    response = page.goto(f"/en/companies/{requests[0].company.public_id}/")
    assert response.status in (403, 404)
    assert "Hemligt" not in page.content()
    assert_no_axe_violations(page)
