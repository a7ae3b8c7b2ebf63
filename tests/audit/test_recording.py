"""What the log records: reads of request, company and contact pages and of their API endpoints, exports
with their filter and row count, merges, and changes of a person's role or organisation."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from advisors.models import Organisation, User
from audit.models import AuditEntry, Channel
from audit.services import Action
from referrals import services as request_services
from referrals.need_categories import seed_need_categories
from tests.factories import CompanyFactory, OrganisationFactory, UserFactory
from tests.referrals.conftest import build_submission

pytestmark = pytest.mark.django_db


def only_entry(**filters) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]


@pytest.fixture
def advice_request(uppsala):
    seed_need_categories()
    return request_services.submit_request(submission=build_submission())


@pytest.fixture
def api(advisor):
    client = APIClient(REMOTE_ADDR="192.0.2.7")
    client.force_authenticate(advisor)
    return client


def test_reading_a_company_page_is_recorded_with_who_what_when_where_and_how(client, advisor, company):
    client.force_login(advisor)
    assert (
        client.get(reverse("companies:detail", args=[company.public_id]), REMOTE_ADDR="192.0.2.1").status_code
        == 200
    )
    entry = only_entry(action=Action.READ)
    assert (entry.actor, entry.actor_label) == (advisor, "advisor@almi.example")
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "companies.company",
        company.public_id.hex,
        "Uppsala Precision AB",
    )
    assert (entry.ip_address, entry.channel) == ("192.0.2.1", Channel.PAGE)
    assert entry.path == f"/advisor/companies/{company.public_id}/" or entry.path.endswith(
        f"{company.public_id}/"
    )
    assert entry.at is not None


def test_a_page_that_is_refused_records_no_read(client, company, other_region):
    outsider = UserFactory(organisation=OrganisationFactory(regions=[other_region]))
    client.force_login(outsider)
    assert client.get(reverse("companies:detail", args=[company.public_id])).status_code in (403, 404)
    assert not AuditEntry.objects.filter(action=Action.READ).exists()


def test_reading_a_contact_is_recorded(client, advisor, contact):
    client.force_login(advisor)
    url = reverse("companies:contact_edit", args=[contact.company.public_id, contact.public_id])
    assert client.get(url).status_code == 200
    entry = only_entry(action=Action.READ)
    assert (entry.object_type, entry.object_id) == ("companies.contact", contact.public_id.hex)


def test_reading_a_request_page_is_recorded(client, advisor, advice_request):
    client.force_login(advisor)
    assert client.get(reverse("referrals:request_detail", args=[advice_request.public_id])).status_code == 200
    entry = only_entry(action=Action.READ)
    assert (entry.object_type, entry.object_id) == ("referrals.advicerequest", advice_request.reference)


def test_api_reads_of_requests_companies_and_contacts_are_recorded(api, advice_request, company, contact):
    for url in (
        f"/api/v1/requests/{advice_request.public_id}/",
        f"/api/v1/companies/{company.public_id}/",
        f"/api/v1/contacts/{contact.public_id}/",
    ):
        assert api.get(url).status_code == 200, url
    entries = AuditEntry.objects.filter(action=Action.READ).order_by("id")
    assert [(e.object_type, e.channel, e.ip_address) for e in entries] == [
        ("referrals.advicerequest", Channel.API, "192.0.2.7"),
        ("companies.company", Channel.API, "192.0.2.7"),
        ("companies.contact", Channel.API, "192.0.2.7"),
    ]
    assert entries[0].path == f"/api/v1/requests/{advice_request.public_id}/"


def test_api_lists_and_refused_reads_record_nothing(api, company, other_region):
    assert api.get("/api/v1/companies/").status_code == 200
    far = CompanyFactory(municipality_id="2180")  # Gävle: not the advisor's region
    assert api.get(f"/api/v1/companies/{far.public_id}/").status_code in (403, 404)
    assert not AuditEntry.objects.filter(action=Action.READ).exists()


def test_the_company_export_is_recorded_with_its_filter_and_row_count(client, advisor, uppsala):
    CompanyFactory(name="Alpha AB"), CompanyFactory(name="Beta AB"), CompanyFactory(name="Gamma AB")
    client.force_login(advisor)
    response = client.get(reverse("companies:export_csv"), {"q": "Beta", "dialect": "comma"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = only_entry(action=Action.EXPORT)
    assert entry.details == {"export": "companies.csv", "filter": {"q": "Beta"}, "rows": 1}
    client.get(reverse("companies:export_xlsx"))
    assert AuditEntry.objects.filter(action=Action.EXPORT).latest("id").details == {
        "export": "companies.xlsx",
        "filter": {},
        "rows": 3,
    }


def test_dashboard_downloads_and_the_report_are_recorded(client, staff):
    client.force_login(staff)
    params = {"period": "month", "day": "2026-03-15"}
    assert (
        client.get(reverse("dashboards:download", args=["requests_by_channel", "csv"]), params).status_code
        == 200
    )
    assert client.get(reverse("dashboards:report"), params).status_code == 200
    download, report = AuditEntry.objects.filter(action=Action.EXPORT).order_by("id")
    assert download.details["export"] == "dashboard.requests_by_channel.csv"
    assert download.details["filter"] == params
    assert download.details["period"] == "2026-03-01/2026-03-31"
    assert isinstance(download.details["rows"], int)
    assert report.details["export"] == "dashboard.report"


def test_a_merge_is_recorded_with_the_address_of_the_request(client, staff, uppsala):
    survivor, duplicate = CompanyFactory(name="Kept AB"), CompanyFactory(name="Twin AB")
    client.force_login(staff)
    url = reverse("companies:merge_confirm", args=[survivor.public_id, duplicate.public_id])
    assert client.post(url, REMOTE_ADDR="198.51.100.4").status_code == 302
    entry = only_entry(action=Action.MERGE)
    assert (entry.actor, entry.object_id, entry.ip_address) == (staff, survivor.public_id.hex, "198.51.100.4")
    assert entry.details["duplicate"] == duplicate.public_id.hex
    assert entry.details["duplicate_name"] == "Twin AB"


def test_a_change_of_role_or_organisation_in_the_admin_is_recorded(client, advisor, organisation):
    admin = UserFactory(email="root@example.org", organisation=None, is_superuser=True, is_staff=True)
    other = OrganisationFactory(name="EKN", kind=Organisation.Kind.EKN)
    client.force_login(admin)
    url = reverse("admin:advisors_user_change", args=[advisor.pk])
    form = client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("password", "groups", "user_permissions", "last_login")
    }
    data.update(
        email=advisor.email,
        full_name=advisor.full_name,
        organisation=other.pk,
        role=User.Role.ORGANISATION_LEAD,
        date_joined_0=advisor.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=advisor.date_joined.strftime("%H:%M:%S"),
    )
    data.pop("date_joined", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    role = only_entry(action=Action.ROLE_CHANGED)
    assert (role.actor, role.object_type, role.object_id, role.channel) == (
        admin,
        "advisors.user",
        str(advisor.pk),
        Channel.ADMIN,
    )
    assert role.details == {"role_before": "advisor", "role": "organisation_lead"}
    moved = only_entry(action=Action.ORGANISATION_CHANGED)
    assert moved.details == {"organisation_before": "Almi Uppsala", "organisation": "EKN"}


def test_saving_a_person_without_a_change_of_role_or_organisation_records_nothing(advisor):
    from advisors.person_changes import record_person_changes

    record_person_changes(
        person=advisor, role_before=advisor.role, organisation_before=advisor.organisation_id, by=advisor
    )
    assert not AuditEntry.objects.exists()
