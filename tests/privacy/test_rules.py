"""What an export holds, and what erasure keeps and removes."""

import io
import json
import zipfile

import pytest

from audit.models import Action as AuditAction
from audit.models import AuditEntry
from companies.models import Company, CompanyEvent, Contact
from exportcenter import personal_data
from notifications.models import OutboundEmail
from outreach.models import Activity, FollowUp
from privacy import selectors, services
from referrals.models import AdviceRequest, RequestEvent

pytestmark = pytest.mark.django_db


def _statistics(company_id):
    """What the dashboards count about a company: rows, dates, needs, markets, outcomes, statuses."""
    requests = AdviceRequest.objects.filter(company_id=company_id).order_by("pk")
    return {
        "requests": [
            (
                r.pk,
                r.status,
                r.outcome,
                r.created_at,
                r.closed_at,
                r.region_id,
                r.channel,
                sorted(n.slug for n in r.needs.all()),
                [c.code for c in r.target_markets],
            )
            for r in requests
        ],
        "events": list(
            RequestEvent.objects.filter(request__company_id=company_id).values_list(
                "pk", "kind", "created_at"
            )
        ),
        "activities": list(
            Activity.objects.filter(company_id=company_id).values_list("pk", "kind", "occurred_on")
        ),
        "contacts": Contact.objects.filter(company_id=company_id).count(),
        "emails": OutboundEmail.objects.count(),
    }


def test_the_export_holds_everything_about_the_person(person, staff):
    document = services.export_person(person=person, by=staff)
    sections = document["sections"]
    assert sections["contacts"]["rows"][0]["email"] == "karin@konsult.example"
    assert sections["requests"]["rows"][0]["description"].startswith("Karin here")
    texts = [row["text"] for row in sections["timeline"]["rows"]]
    assert "Tack! /Karin Berg" in texts and "Hej Karin, vi ringer på måndag." in texts
    assert sections["activities"]["rows"][0]["notes"] == "Met Karin Berg at the fair."
    assert sections["follow_ups"]["rows"][0]["what_to_do"] == "Send Karin the report"
    assert {row["to"] for row in sections["emails"]["rows"]} == {"karin@konsult.example"}
    assert sections["status_page"]["rows"][0]["status"] == "closed"
    # Declared for apps that do not exist yet, or with nothing about the person: present and empty.
    assert sections["attachments"]["rows"] == [] and sections["survey_answers"]["rows"] == []
    entry = AuditEntry.objects.get(action=AuditAction.GDPR_EXPORT)
    assert entry.actor == staff and entry.details["rows"]["requests"] == 1


def test_the_zip_has_the_json_and_one_csv_per_section(person, staff):
    document = services.export_person(person=person, by=staff)
    archive = zipfile.ZipFile(io.BytesIO(services.export_zip(document)))
    names = set(archive.namelist())
    assert {"person.json", "contacts.csv", "requests.csv", "emails.csv", "attachments.csv"} <= names
    assert json.loads(archive.read("person.json"))["person"]["name"] == "Karin Berg"
    assert "karin@konsult.example" in archive.read("contacts.csv").decode()


def test_a_registered_part_of_another_app_is_exported_and_erased(person, staff):
    calls = []

    def collect(subject):
        return [{"answer": "Very good", "contacts": sorted(subject.contact_ids)}]

    def erase(subject):
        calls.append(subject.public_id)
        return 1

    personal_data.register(personal_data.Part("another_app", "Another app", collect, erase, order=990))
    try:
        document = services.export_person(person=person, by=staff)
        assert document["sections"]["another_app"]["rows"] == [
            {"answer": "Very good", "contacts": [person.pk]}
        ]
        services.erase_person(person=person, by=staff)
        assert calls == [str(person.public_id)]
    finally:
        personal_data._PARTS.pop("another_app")


def test_erasure_removes_what_identifies_the_person_and_keeps_the_statistics(person, staff):
    company_id = person.company_id
    before = _statistics(company_id)
    request = AdviceRequest.objects.get(contact=person)
    version = request.version

    services.erase_person(person=person, by=staff)

    assert _statistics(company_id) == before
    person.refresh_from_db()
    assert (person.email, person.phone, person.title) == ("", "", "")
    assert "Karin" not in person.name and person.anonymised_at is not None
    request.refresh_from_db()
    assert request.description == "" and request.outcome_comment == ""
    assert request.outcome == AdviceRequest.Outcome.HELPED and request.version == version + 1
    assert not RequestEvent.objects.filter(request=request).exclude(body="").exists()
    activity = Activity.objects.get(company_id=company_id)
    assert activity.notes == "" and activity.contacts.get() == person  # she still took part: counted
    assert "Karin" not in FollowUp.objects.get(activity=activity).description
    emails = OutboundEmail.objects.all()
    assert not emails.filter(to__icontains="karin").exists()
    assert not emails.filter(body_text__icontains="Karin").exists()
    events = CompanyEvent.objects.filter(company_id=company_id)
    assert not [e for e in events if "Karin" in e.summary or "karin" in json.dumps(e.data).lower()]
    entry = AuditEntry.objects.get(action=AuditAction.GDPR_ERASE)
    assert entry.actor == staff and "Karin" not in entry.object_label


def test_erasure_is_idempotent(person, staff):
    first = services.erase_person(person=person, by=staff)
    assert first["contacts"] == 1 and first["requests"] == 1
    request = AdviceRequest.objects.get(contact=person)
    version = request.version
    second = services.erase_person(person=person, by=staff)
    assert set(second.values()) == {0}
    request.refresh_from_db()
    assert request.version == version  # nothing changed, so no edit is told "changed meanwhile"


def test_a_sole_trader_loses_the_personal_identity_number_and_keeps_the_classification(sole_trader, staff):
    version, municipality, band = sole_trader.version, sole_trader.municipality_id, sole_trader.employee_band
    services.erase_person(person=sole_trader, by=staff)
    sole_trader.refresh_from_db()
    assert sole_trader.org_number is None and "Sven" not in sole_trader.name
    assert (sole_trader.municipality_id, sole_trader.employee_band) == (municipality, band)
    assert sole_trader.version == version + 1
    request = AdviceRequest.objects.get(company=sole_trader)
    assert "org_number" not in request.submitted and "name" not in request.submitted
    assert request.submitted["employee_band"] == band
    assert not Contact.objects.filter(company=sole_trader, name__icontains="Sven").exists()
    assert not CompanyEvent.objects.filter(company=sole_trader, summary__icontains="Sven").exists()


def test_nothing_is_erased_while_a_request_is_on_legal_hold(person, staff):
    AdviceRequest.objects.filter(contact=person).update(legal_hold=True)
    with pytest.raises(services.ErasureBlocked):
        services.erase_person(person=person, by=staff)
    person.refresh_from_db()
    assert person.email == "karin@konsult.example" and person.anonymised_at is None
    assert not AuditEntry.objects.filter(action=AuditAction.GDPR_ERASE).exists()


def test_nothing_is_erased_while_the_company_is_on_legal_hold(person, staff):
    Company.objects.filter(pk=person.company_id).update(legal_hold=True)
    with pytest.raises(services.ErasureBlocked):
        services.erase_person(person=person, by=staff)
    assert Contact.objects.get(pk=person.pk).anonymised_at is None


def test_the_search_finds_by_name_and_email_within_the_region(person, sole_trader, staff, other_staff):
    assert [m.name for m in selectors.search_people(staff, "konsult.example")] == ["Karin Berg"]
    assert {m.kind for m in selectors.search_people(staff, "Sven")} == {"contact", "sole_trader"}
    assert selectors.search_people(other_staff, "Karin") == []


def test_an_erased_contact_cannot_be_written_back(person, staff, triager):
    from django.core.exceptions import ValidationError

    from advisors import access
    from companies import services as company_services

    assert access.can(triager, "change", person)
    stale = Contact.objects.get(pk=person.pk)  # a form opened before the erasure
    services.erase_person(person=person, by=staff)
    with pytest.raises(ValidationError):
        company_services.update_contact(contact=stale, by=triager, data={"name": "Karin Berg"})
    assert "Karin" not in Contact.objects.get(pk=person.pk).name
    assert not access.can(triager, "change", Contact.objects.get(pk=person.pk))
