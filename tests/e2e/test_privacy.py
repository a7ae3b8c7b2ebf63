"""The GDPR tools in a real browser: regional staff find one person, export everything held about them,
erase them after typing their name, and the year dashboard's figures are the same before and after. Zero
axe-core violations on every page of the journey."""

import io
import json
import zipfile

from playwright.sync_api import expect

from advisors.models import User
from audit.models import Action as AuditAction
from audit.models import AuditEntry
from companies.models import Contact
from referrals import services as referral_services
from referrals.models import AdviceRequest
from tests.outreach.factories import ActivityFactory
from tests.referrals.conftest import build_submission

STAFF = "rita.staff@regionuppsala.example"


def karin_berg() -> Contact:
    """A request from Karin Berg with a message to her, closed as helped, and a meeting she took part in."""
    advisor = User.objects.filter(organisation__slug="almi").exclude(role=User.Role.REGIONAL_STAFF).first()
    request = referral_services.submit_request(submission=build_submission(contact_phone="+46701234567"))
    referral_services.claim(request=request, advisor=advisor)
    request.refresh_from_db()
    referral_services.message_company(
        request=request, by=advisor, body="Hej Karin, här är rapporten.", expected_version=request.version
    )
    request.refresh_from_db()
    referral_services.transition(
        request=request,
        to_status=AdviceRequest.Status.CLOSED,
        by=advisor,
        expected_version=request.version,
        outcome=AdviceRequest.Outcome.HELPED,
    )
    activity = ActivityFactory(company=request.company, created_by=advisor, notes="Möte med Karin Berg.")
    activity.contacts.add(request.contact)
    return request.contact


def report_figures(page) -> list[str]:
    page.goto("/en/advisor/dashboard/report/?period=year")
    tables = page.locator("article.dashboard-report table")
    expect(tables.first).to_be_visible()
    return tables.all_inner_texts()


def test_staff_export_and_erase_one_person_and_the_dashboard_stays_the_same(
    page, live_server, intake, sign_in_as, assert_no_axe_violations
):
    contact = karin_berg()
    sign_in_as(STAFF)
    before = report_figures(page)
    assert any("1" in text for text in before)

    page.goto("/en/advisor/")
    navigation = page.get_by_role("navigation", name="Main navigation")
    navigation.locator("summary", has_text="Region").click()
    navigation.get_by_role("link", name="Personal data (GDPR)").click()
    page.wait_for_url("**/en/advisor/privacy/")
    assert_no_axe_violations(page)

    page.get_by_role("textbox", name="Name or email address").fill("karin@konsult.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table")).to_contain_text("Knivsta Konsult AB")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Karin Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Karin Berg")
    expect(page.locator('[data-section="requests"]')).to_have_text("1")
    assert_no_axe_violations(page)

    # Export: the confirmation first (an error next to it), then the download.
    page.get_by_role("button", name="Download the export").click()
    expect(page.get_by_role("alert")).to_contain_text("Confirm why you export the data.")
    assert_no_axe_violations(page)
    page.get_by_role("checkbox", name="I export this person's data").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the export").click()
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    document = json.loads(archive.read("person.json"))
    assert document["sections"]["contacts"]["rows"][0]["email"] == "karin@konsult.example"
    assert "Hej Karin, här är rapporten." in archive.read("timeline.csv").decode()
    assert AuditEntry.objects.filter(action=AuditAction.GDPR_EXPORT).count() == 1

    # Erase: the name typed wrong is refused, typed right erases.
    page.get_by_role("textbox", name="Type the person's name to confirm").fill("Karin")
    page.get_by_role("button", name="Erase the person's data").click()
    expect(page.get_by_role("alert")).to_contain_text("The name does not match.")
    assert Contact.objects.get(pk=contact.pk).anonymised_at is None
    page.get_by_role("textbox", name="Type the person's name to confirm").fill("Karin Berg")
    with page.expect_navigation():
        page.get_by_role("button", name="Erase the person's data").click()
    expect(page.locator(".messages")).to_contain_text("The person's data was erased.")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Karin")
    assert_no_axe_violations(page)

    contact.refresh_from_db()
    assert contact.anonymised_at is not None and contact.email == "" and contact.phone == ""
    assert AdviceRequest.objects.get(contact=contact).description == ""
    assert report_figures(page) == before
