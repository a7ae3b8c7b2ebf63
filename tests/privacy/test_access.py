"""Who may use the GDPR tools: regional staff of the person's region, after a confirmation."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from advisors import access
from advisors.models import User
from audit.models import Action as AuditAction
from audit.models import AuditEntry
from companies.models import Contact
from referrals.models import AdviceRequest
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(operator):
    return UserFactory(email="lead@almi.example", organisation=operator, role=User.Role.ORGANISATION_LEAD)


def _page(person):
    return reverse("privacy:person", args=["contact", person.public_id])


def test_the_rule_is_regional_staff_of_the_persons_region(person, staff, other_staff, triager, lead):
    assert access.can(staff, "gdpr_export", person) and access.can(staff, "gdpr_erase", person)
    for user in (other_staff, triager, lead):
        assert not access.can(user, "gdpr_export", person) and not access.can(user, "gdpr_erase", person)


def test_a_limited_company_is_not_a_person(person, staff):
    assert not access.can(staff, "gdpr_erase", person.company)


def test_another_regions_person_is_not_found(client, person, other_staff):
    client.force_login(other_staff)
    assert client.get(_page(person)).status_code == 404
    response = client.post(
        reverse("privacy:erase", args=["contact", person.public_id]), {"confirm_name": "Karin Berg"}
    )
    assert response.status_code == 404
    assert Contact.objects.get(pk=person.pk).anonymised_at is None


@pytest.mark.parametrize("who", ["triager", "lead"])
def test_advisors_and_leads_are_forbidden(client, person, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("privacy:people")).status_code == 403
    assert client.get(_page(person)).status_code == 403
    url = reverse("privacy:export", args=["contact", person.public_id])
    assert client.post(url, {"confirm": "on", "file_format": "json"}).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.GDPR_EXPORT).exists()


def test_the_export_needs_the_confirmation(client, person, staff):
    client.force_login(staff)
    url = reverse("privacy:export", args=["contact", person.public_id])
    response = client.post(url, {"file_format": "zip"})
    assert response.status_code == 400
    assert "Bekräfta varför du exporterar uppgifterna." in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.GDPR_EXPORT).exists()


def test_regional_staff_download_the_zip(client, person, staff):
    client.force_login(staff)
    url = reverse("privacy:export", args=["contact", person.public_id])
    response = client.post(url, {"file_format": "zip", "confirm": "on"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert json.loads(archive.read("person.json"))["sections"]["contacts"]["rows"][0]["name"] == "Karin Berg"
    assert AuditEntry.objects.get(action=AuditAction.GDPR_EXPORT).actor == staff


def test_erasure_needs_the_name_typed(client, person, staff):
    client.force_login(staff)
    url = reverse("privacy:erase", args=["contact", person.public_id])
    response = client.post(url, {"confirm_name": "Karin"})
    assert response.status_code == 400
    assert Contact.objects.get(pk=person.pk).anonymised_at is None
    response = client.post(url, {"confirm_name": "  karin   berg "})
    assert response.status_code == 302
    assert Contact.objects.get(pk=person.pk).anonymised_at is not None


def test_erasure_on_legal_hold_says_so_and_writes_nothing(client, person, staff):
    AdviceRequest.objects.filter(contact=person).update(legal_hold=True)
    client.force_login(staff)
    response = client.post(
        reverse("privacy:erase", args=["contact", person.public_id]), {"confirm_name": "Karin Berg"}
    )
    assert response.status_code == 409
    assert AdviceRequest.objects.get(contact=person).reference in response.content.decode()
    assert Contact.objects.get(pk=person.pk).anonymised_at is None


def test_erasure_needs_csrf(person, staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(
        reverse("privacy:erase", args=["contact", person.public_id]), {"confirm_name": "Karin Berg"}
    )
    assert response.status_code == 403
    assert Contact.objects.get(pk=person.pk).anonymised_at is None


def test_an_unknown_kind_is_not_found(client, person, staff):
    client.force_login(staff)
    assert client.get(reverse("privacy:person", args=["company", person.public_id])).status_code == 404


def test_a_nul_byte_in_the_search_is_a_clear_error(client, staff):
    client.force_login(staff)
    response = client.get(reverse("privacy:people"), {"q": "Karin\x00"})
    assert response.status_code == 400


def test_the_search_list_has_a_query_budget(client, staff, django_assert_max_num_queries):
    for n in range(30):
        ContactFactory(name=f"Karin Nummer {n}", email=f"karin{n}@budget.example")
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("privacy:people"), {"q": "Karin"})
    assert response.status_code == 200
    assert response.content.decode().count("Karin Nummer") == 30


# --- Legal hold --------------------------------------------------------------------------------------


def test_regional_staff_put_a_request_on_legal_hold_and_advisors_cannot(client, person, staff, triager):
    request = AdviceRequest.objects.get(contact=person)
    url = reverse("privacy:legal_hold", args=["request", request.public_id])
    client.force_login(triager)
    assert client.post(url, {"on_hold": "on"}).status_code == 403
    client.force_login(staff)
    version = request.version
    assert client.post(url, {"on_hold": "on"}).status_code == 302
    request.refresh_from_db()
    assert request.legal_hold and request.version == version + 1
    assert AuditEntry.objects.get(action=AuditAction.LEGAL_HOLD).details == {"legal_hold": True}
    page = client.get(reverse("referrals:request_detail", args=[request.public_id])).content.decode()
    assert 'data-legal-hold="on"' in page
    client.post(url, {})
    request.refresh_from_db()
    assert not request.legal_hold


def test_the_company_page_shows_the_hold_and_the_tools_for_staff_only(client, person, staff, triager):
    company_url = reverse("companies:detail", args=[person.company.public_id])
    client.force_login(staff)
    client.post(reverse("privacy:legal_hold", args=["company", person.company.public_id]), {"on_hold": "on"})
    page = client.get(company_url).content.decode()
    assert 'data-legal-hold="on"' in page and _page(person) in page
    client.force_login(triager)
    page = client.get(company_url).content.decode()
    assert 'data-legal-hold="on"' in page and _page(person) not in page


# --- API ---------------------------------------------------------------------------------------------


def _api(person, action=""):
    return f"/api/v1/personal-data/contacts/{person.public_id}/{action + '/' if action else ''}"


def test_the_api_exports_and_erases_for_regional_staff(client, person, staff):
    client.force_login(staff)
    held = client.get(_api(person)).json()
    assert {s["key"]: s["rows"] for s in held["sections"]}["requests"] == 1
    assert client.post(_api(person, "export"), {}, content_type="application/json").status_code == 400
    document = client.post(_api(person, "export"), {"confirm": True}, content_type="application/json").json()
    assert document["sections"]["contacts"]["rows"][0]["email"] == "karin@konsult.example"
    wrong = client.post(_api(person, "erase"), {"confirm_name": "Someone"}, content_type="application/json")
    assert wrong.status_code == 400
    response = client.post(
        _api(person, "erase"), {"confirm_name": "Karin Berg"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["erased"]["contacts"] == 1
    assert Contact.objects.get(pk=person.pk).anonymised_at is not None
    found = client.get("/api/v1/personal-data/contacts/", {"q": "konsult"}).json()
    assert found["results"] == [] if isinstance(found, dict) else found == []


def test_the_api_is_404_for_another_region_and_403_for_advisors(client, person, other_staff, triager):
    client.force_login(other_staff)
    assert client.get(_api(person)).status_code == 404
    assert (
        client.post(
            _api(person, "erase"), {"confirm_name": "Karin Berg"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(triager)
    assert client.get(_api(person)).status_code == 403
    assert (
        client.post(_api(person, "export"), {"confirm": True}, content_type="application/json").status_code
        == 403
    )
    assert client.get("/api/v1/personal-data/contacts/", {"q": "Karin"}).status_code == 403


def test_the_api_erasure_on_legal_hold_is_a_conflict(client, person, staff):
    AdviceRequest.objects.filter(contact=person).update(legal_hold=True)
    client.force_login(staff)
    response = client.post(
        _api(person, "erase"), {"confirm_name": "Karin Berg"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert Contact.objects.get(pk=person.pk).anonymised_at is None


def test_another_regions_company_cannot_be_put_on_hold(client, person, other_staff):
    client.force_login(other_staff)
    url = reverse("privacy:legal_hold", args=["company", person.company.public_id])
    assert client.post(url, {"on_hold": "on"}).status_code == 404
    assert (
        client.post(reverse("privacy:legal_hold", args=["campaign", person.company.public_id])).status_code
        == 404
    )
    person.company.refresh_from_db()
    assert not person.company.legal_hold


def test_the_retention_page_is_a_dry_run_for_regional_staff(client, person, staff, triager):
    from privacy.models import RetentionRun

    client.force_login(triager)
    assert client.get(reverse("privacy:retention")).status_code == 403
    client.force_login(staff)
    response = client.get(reverse("privacy:retention"))
    assert response.status_code == 200 and 'data-count="requests">0<' in response.content.decode()
    assert not RetentionRun.objects.exists()


def test_the_privacy_notice_states_the_retention_period(client, settings):
    settings.RETENTION_MONTHS = 24
    page = client.get(reverse("referrals:privacy")).content.decode()
    assert "24 månader efter att ditt senaste ärende avslutats" in page
    assert "bevarandebeslut" in page
