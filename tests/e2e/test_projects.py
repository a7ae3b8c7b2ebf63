"""EU-funded projects in a real browser (issue 19): regional staff create a project, enrol a company, record
its support and de minimis aid, see the ceiling's warning, record the aid with an override and its reason,
and download the indicator report with the company counted. axe-core on every page. English pages (/en/…);
the aid form is filled with the keyboard, apart from the date input."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditEntry
from projects.models import Currency, DeMinimisAid, Programme, Project
from tests.factories import CompanyFactory
from tests.projects.factories import DeMinimisAidFactory, ProgrammeFactory

RITA = "rita.staff@regionuppsala.example"

pytestmark = pytest.mark.usefixtures("midday_today")


def test_create_enrol_aid_warning_and_report(page, live_server, demo, sign_in_as, assert_no_axe_violations):
    today = timezone.localdate()
    ProgrammeFactory(
        code="interreg-europe",
        name_sv="Interreg Europe",
        name_en="Interreg Europe",
        fund=Programme.Fund.INTERREG,
    )
    company = CompanyFactory(name="Uppsala Glasbruk AB", employee_band="10-19")
    DeMinimisAidFactory(
        company=company,
        granted_on=today - timedelta(days=400),
        amount=Decimal("290000.00"),
        currency=Currency.EUR,
        granting_body="Vinnova",
        granted_outside_portal=True,
    )
    sign_in_as(RITA)

    # 1. A new project.
    page.goto("/en/advisor/projects/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("EU-funded projects")
    assert_no_axe_violations(page)
    main.get_by_role("link", name="New project").click()
    main = page.get_by_role("main")
    main.get_by_label("Name", exact=True).fill("Inside Out Uppsala")
    main.get_by_label("Acronym").fill("IOU")
    main.get_by_label("Programme").select_option(label="Interreg Europe")
    main.get_by_label("Starts").fill((today - timedelta(days=200)).isoformat())
    main.get_by_label("Ends").fill((today + timedelta(days=500)).isoformat())
    main.get_by_label("Status").select_option(value=Project.Status.ACTIVE)
    main.get_by_label("Total budget (EUR)").fill("1543427")
    main.get_by_label("EU co-financing (EUR)").fill("1200000")
    main.get_by_label("National or regional co-financing (EUR)").fill("343427")
    assert_no_axe_violations(page)
    main.get_by_role("button", name="Create the project").click()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Inside Out Uppsala")
    assert_no_axe_violations(page)

    # 2. Enrol the company: find it, choose it, from today.
    main.get_by_role("link", name="Enrol a company").click()
    main = page.get_by_role("main")
    main.get_by_role("textbox", name="Find the company").fill("Glasbruk")
    main.get_by_role("button", name="Search").click()
    main.get_by_label("Uppsala Glasbruk AB", exact=False).check()
    main.get_by_label("Takes part from").fill(today.isoformat())
    assert_no_axe_violations(page)
    main.get_by_role("button", name="Enrol the company").click()
    # The participation's page: the enrol page showed the company's name and size among the choices too.
    expect(page).to_have_url(re.compile(r"/en/advisor/participations/[0-9a-f-]{36}/$"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Uppsala Glasbruk AB")
    expect(main).to_contain_text("Small")

    # 3. Its support: a voucher.
    main.get_by_role("link", name="Record support").click()
    main = page.get_by_role("main")
    main.get_by_label("Voucher or grant").check()
    main.get_by_label("Date").fill(today.isoformat())
    main.get_by_label("Value (SEK)").fill("200000")
    assert_no_axe_violations(page)
    main.get_by_role("button", name="Record the support").click()
    main = page.get_by_role("main")
    expect(main.get_by_role("table")).to_contain_text("Voucher or grant")

    # 4. Its de minimis aid, with the keyboard: SEK 200,000 at 11 SEK per euro passes the ceiling.
    main.get_by_role("link", name="Record de minimis aid").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("290,000.00")
    main.get_by_label("Grant date").fill(today.isoformat())  # a date input: typing depends on the locale
    main.get_by_label("Amount", exact=True).focus()
    page.keyboard.type("200000")
    main.get_by_label("SEK per euro").focus()
    page.keyboard.type("11")
    main.get_by_label("Granting body").focus()
    page.keyboard.type("Region Uppsala")
    page.keyboard.press("Enter")
    main = page.get_by_role("main")
    warning = main.get_by_role("heading", name="This aid passes the de minimis ceiling")
    expect(warning).to_be_visible()
    expect(main).to_contain_text("8,181.82")  # over the ceiling by
    assert_no_axe_violations(page)
    assert not DeMinimisAid.objects.filter(granting_body="Region Uppsala").exists()

    # Without a reason the override is refused next to the field; with one it is recorded and logged.
    main.get_by_label("Record the aid even though it passes the ceiling").focus()
    page.keyboard.press("Space")
    with page.expect_navigation():  # the ceiling's warning is an alert too: wait for the answer's page
        page.keyboard.press("Enter")
    main = page.get_by_role("main")
    expect(main.get_by_role("alert").first).to_be_visible()
    main.get_by_label("Reason for passing the ceiling").focus()
    page.keyboard.type("The Commission approved a transition under the 2013 regulation.")
    page.get_by_role("button", name="Record the aid").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_contain_text("Region Uppsala")
    aid = DeMinimisAid.objects.get(granting_body="Region Uppsala")
    assert aid.amount_eur == Decimal("18181.82") and aid.override_reason.startswith("The Commission")
    assert AuditEntry.objects.filter(object_id=aid.public_id.hex).exists()

    # 5. The indicator report counts the company: RCO01 (small), RCO02 (grant).
    project = Project.objects.get(name="Inside Out Uppsala")
    page.goto(f"/en/advisor/projects/{project.public_id}/")
    page.get_by_role("link", name="All indicators, their definitions and the rows they count").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("RCO01")
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        main.get_by_role("link", name="Indicators as CSV").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    totals = {row[0]: row[3] for row in csv.reader(io.StringIO(text), delimiter=";") if row[2:3] == ["Total"]}
    assert (totals["RCO01"], totals["RCO02"], totals["RCO04"]) == ("1", "1", "0"), totals
