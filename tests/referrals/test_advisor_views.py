"""What advisors see of requests before the inbox: differences on the company page, the unassigned queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from advisors import access
from advisors.models import User
from companies import services as company_services
from reference.models import Municipality
from referrals import selectors, services
from referrals.models import AdviceRequest
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_advisors_see_what_the_sme_wrote_differently(client, make_submission, operator, advisor):
    company = company_services.register_company(
        by=advisor,
        data={
            "org_number": "5566778899",
            "legal_form": "limited_company",
            "name": "Knivsta Konsult Aktiebolag",
            "municipality_id": "0330",
            "employee_band": "10-19",
        },
    )
    request = services.submit_request(
        submission=make_submission(company_name="Knivsta Konsult", employee_band="5-9")
    )
    with translation.override("en"):
        differences = {d.label: (d.submitted, d.registered) for d in selectors.submitted_differences(request)}
    assert differences == {
        "Name": ("Knivsta Konsult", "Knivsta Konsult Aktiebolag"),
        "Employees": ("5–9 employees", "10–19 employees"),
        "Export experience": ("Has never exported", ""),  # the register did not know it yet
    }
    client.force_login(advisor)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/en/companies/{company.public_id}/").content.decode()
    assert request.reference in html
    assert "In the request" in html and "Knivsta Konsult Aktiebolag" in html and "5–9 employees" in html
    # The panel's requests are read with what it shows (selectors.COMPANY_PANEL_FIELDS): the company is the
    # page's own, and neither it nor the request's people are read again.
    reads = [q["sql"] for q in queries.captured_queries]
    (panel,) = (sql for sql in reads if sql.startswith('SELECT "referrals_advicerequest"."id"'))
    assert '"companies_company"' not in panel.split("WHERE")[0] and "advisors_user" not in panel
    assert '"referrals_advicerequest"."submitted"' in panel and '"advisors_organisation"."name"' in panel


def test_a_request_that_matches_the_register_shows_no_differences(make_submission, operator):
    request = services.submit_request(submission=make_submission())
    assert selectors.submitted_differences(request) == []


@pytest.fixture
def unassigned(make_submission, operator):
    return services.submit_request(
        submission=make_submission(municipality=Municipality.objects.get(code="2180"))
    )


def test_requests_are_seen_by_every_advisor_of_the_region_only(make_submission, operator, advisor):
    request = services.submit_request(submission=make_submission())
    partner = UserFactory(organisation=OrganisationFactory(slug="ekn", regions=[request.region]))
    stranger = UserFactory(organisation=OrganisationFactory(slug="far", regions=[RegionFactory(slug="far")]))
    assert access.can(advisor, "view", request) and access.can(partner, "view", request)
    assert not access.can(stranger, "view", request)
    assert list(selectors.visible_requests(stranger)) == []


def test_the_unassigned_queue_is_for_regional_staff(client, unassigned, advisor, organisation):
    staff = UserFactory(organisation=organisation, role=User.Role.REGIONAL_STAFF)
    assert not access.can(advisor, "view", unassigned)
    assert access.can(staff, "view", unassigned)
    client.force_login(advisor)
    response = client.get("/en/advisor/requests/unassigned/")
    assert response.status_code == 403 and unassigned.reference not in response.content.decode()
    client.force_login(staff)
    html = client.get("/en/advisor/requests/unassigned/").content.decode()
    assert unassigned.reference in html and "Gävle" in html


@pytest.mark.parametrize(
    ("who", "expected"),
    [("sek_advisor", 403), ("sek_lead", 403), ("triage", 403), ("staff", 200), ("superuser", 200)],
)
def test_only_regional_staff_open_the_unassigned_queue(client, unassigned, operator, who, expected):
    sek = OrganisationFactory(slug="sek", kind="sek", regions=list(operator.regions.all()))
    people = {
        "sek_advisor": lambda: UserFactory(organisation=sek),
        "sek_lead": lambda: UserFactory(organisation=sek, role=User.Role.ORGANISATION_LEAD),
        "triage": lambda: UserFactory(organisation=operator),  # the organisation that runs the center
        "staff": lambda: UserFactory(organisation=operator, role=User.Role.REGIONAL_STAFF),
        "superuser": lambda: UserFactory(organisation=None, is_superuser=True, is_staff=True),
    }
    client.force_login(people[who]())
    assert client.get("/en/advisor/requests/unassigned/").status_code == expected


def test_the_unassigned_queue_query_count_does_not_grow(client, make_submission, operator, organisation):
    staff = UserFactory(organisation=organisation, role=User.Role.REGIONAL_STAFF)
    client.force_login(staff)
    gavle = Municipality.objects.get(code="2180")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/advisor/requests/unassigned/").status_code == 200
        return len(queries)

    for n in range(2):
        services.submit_request(
            submission=make_submission(municipality=gavle, contact_email=f"a{n}@x.example")
        )
    few = count()
    for n in range(2, 20):
        services.submit_request(
            submission=make_submission(municipality=gavle, contact_email=f"a{n}@x.example")
        )
    assert AdviceRequest.objects.unassigned_region().count() == 20
    assert count() == few
