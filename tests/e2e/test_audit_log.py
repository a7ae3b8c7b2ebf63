"""Regional staff search the audit log for a person and export what they find (axe-clean)."""

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from audit.models import AuditEntry
from audit.services import Action
from companies.models import Company
from demo import companies as companies_demo

STAFF = "rita.staff@regionuppsala.example"
ADVISOR = "anna.advisor@almi.example"


def test_regional_staff_search_the_log_for_a_person_and_export_it(
    page, demo, sign_in_as, assert_no_axe_violations
):
    companies_demo.seed()
    company = Company.objects.active().order_by("name").first()
    # Anna reads a company page: the log records it.
    sign_in_as(ADVISOR)
    page.goto(f"/en/companies/{company.public_id}/")
    page.get_by_role("heading", name=company.name, level=1).wait_for()
    page.context.clear_cookies()

    sign_in_as(STAFF)
    page.goto("/en/advisor/")
    page.get_by_role("navigation", name="Main navigation").get_by_text("Region", exact=True).click()
    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url("**/en/advisor/audit/")
    assert_no_axe_violations(page)

    # A period that ends before it starts: the error next to the field, nothing searched.
    page.get_by_label("From").fill("2026-05-02")
    page.get_by_label("Until").fill("2026-05-01")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#id_until_error")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("From").fill("")
    page.get_by_label("Until").fill("")
    page.get_by_label("Person").fill("anna")
    page.get_by_label("Action").select_option(label="Read")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/en/advisor/audit/?person=anna*action=read*")
    table = page.get_by_role("table", name="Audit log entries matching the search")
    row = table.get_by_role("row").filter(has_text=company.name)
    assert row.get_by_text("Read", exact=True).is_visible()
    assert "anna.advisor@almi.example" in row.inner_text()
    assert page.get_by_role("status").filter(has_text="entry").inner_text() == "1 entry"
    assert_no_axe_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["When", "Who", "Action"]
    assert [(r[1], r[2], r[5]) for r in rows[1:]] == [("anna.advisor@almi.example", "Read", company.name)]
    export = AuditEntry.objects.get(action=Action.EXPORT, actor__email=STAFF)
    assert export.details == {
        "export": "audit_log",
        "filter": {"person": "anna", "action": "read"},
        "rows": 1,
    }
