"""/api/v1/outcomes/: the access matrix, recording and changing with the version read, the company's answers
read-only, bad input as 400 problems, and a list whose query count does not grow with its rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from advisors.models import User
from effects.models import ExportOutcome
from effects.services import outcomes as services
from notifications.models import OutboundEmail
from tests.effects.outcome_helpers import *  # noqa: F403 - fixtures
from tests.effects.outcome_helpers import answer, make_outcome, record
from tests.factories import OrganisationFactory, UserFactory
from tests.outreach.factories import make_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/outcomes/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(company, **overrides):
    return {
        "company": str(company.public_id),
        "market": "NO",
        "kind": "new_market",
        "sells": "goods",
        "value_band": "1m_10m",
        "achieved_on": (timezone.localdate() - datetime.timedelta(days=5)).isoformat(),
        **overrides,
    }


@pytest.fixture
def world(anna, almi, uppsala, gavleborg, company, far_company, contact):
    """Outcomes in two regions, and people of every kind."""
    far_org = OrganisationFactory(slug="far-org", regions=[gavleborg])
    staff_org = OrganisationFactory(slug="region-org", regions=[uppsala])
    people = {
        "advisor": anna,
        "lead": UserFactory(organisation=almi, role=User.Role.ORGANISATION_LEAD),
        "other_org_advisor": UserFactory(organisation=OrganisationFactory(slug="b", regions=[uppsala])),
        "regional_staff": UserFactory(organisation=staff_org, role=User.Role.REGIONAL_STAFF),
        "other_region_advisor": UserFactory(organisation=far_org),
        "national": UserFactory(
            organisation=OrganisationFactory(slug="tvv", regions=[uppsala]), role="national"
        ),
    }
    outcomes = {
        "home": record(company, anna),
        "far": make_outcome(far_company, gavleborg, far_org),
    }
    return people, outcomes


@pytest.mark.parametrize(
    ("role", "sees", "changes"),
    [
        ("advisor", {"home"}, True),
        ("lead", {"home"}, True),
        ("other_org_advisor", {"home"}, True),
        ("regional_staff", {"home"}, True),
        ("other_region_advisor", {"far"}, False),
        ("national", set(), False),
    ],
)
def test_the_access_matrix(world, role, sees, changes):
    people, outcomes = world
    client = api_for(people[role])
    listed = {row["id"] for row in client.get(URL).json()["results"]}
    assert listed == {str(outcomes[name].public_id) for name in sees}
    for name, outcome in outcomes.items():
        detail = client.get(f"{URL}{outcome.public_id}/")
        assert detail.status_code == (200 if name in sees else 404), name
    home = outcomes["home"]
    patched = client.patch(
        f"{URL}{home.public_id}/", {"description": "Ändrad."}, HTTP_IF_MATCH=f'"{home.version}"'
    )
    assert patched.status_code == (200 if changes else 404)


def test_the_national_role_cannot_record(world, company):
    people, _ = world
    response = api_for(people["national"]).post(URL, body(company), format="json")
    assert response.status_code in (400, 403)
    assert ExportOutcome.objects.count() == 2


def test_signed_out_is_refused():
    assert APIClient().get(URL).status_code in (401, 403)


def test_recording_asks_the_company(anna, company, contact, partner):
    response = api_for(anna).post(
        URL, body(company, partners=[partner.slug], description="Order"), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert response["ETag"] == '"1"'
    assert data["status"] == "pending" and data["region"] == "uppsala"
    assert data["partners"] == [
        {"organisation": "business-sweden", "name": "Business Sweden", "rating": None}
    ]
    assert data["contact"] == str(contact.public_id)
    outcome = ExportOutcome.objects.get()
    assert OutboundEmail.objects.filter(key=f"outcome:{outcome.pk}:1").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "Norge\x00"}, "NUL"),  # refused by the JSON parser already
        ({"description": "x" * 2001}, "description"),
        ({"value_band": "a_billion"}, "value_band"),
        ({"value_band": 7}, "value_band"),
        ({"market": "SE"}, "market"),
        ({"achieved_on": "2026-02-30"}, "achieved_on"),
        ({"company": "not-a-uuid"}, "company"),
    ],
)
def test_bad_input_is_a_400_problem_by_field(anna, company, overrides, field):
    response = api_for(anna).post(URL, {**body(company), **overrides}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in str(response.json())
    assert not ExportOutcome.objects.exists()


def test_a_partner_outside_the_region_and_another_companys_request_are_field_errors(
    anna, company, far_partner, uppsala
):
    from tests.factories import CompanyFactory

    other_request = make_request(company=CompanyFactory(), region=uppsala)
    response = api_for(anna).post(
        URL,
        body(company, partners=[far_partner.slug], requests=[str(other_request.public_id)]),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["partners"] == ["Almi Gävleborg does not work in the company's region."]
    assert errors["requests"] == [f"Request {other_request.reference} is not one of this company's requests."]


def test_changing_needs_the_version(anna, company, contact):
    outcome = record(company, anna)
    client = api_for(anna)
    url = f"{URL}{outcome.public_id}/"
    assert client.get(url)["ETag"] == '"1"'
    assert client.patch(url, {"market": "DK"}, format="json").status_code == 428
    assert client.patch(url, {"market": "DK"}, format="json", HTTP_IF_MATCH='"7"').status_code == 412
    changed = client.patch(url, {"market": "DK", "version": 1}, format="json")
    assert changed.status_code == 200
    assert changed.json()["market"] == "DK" and changed["ETag"] == '"2"'
    assert client.patch(url, {"market": "FI", "version": 1}, format="json").status_code == 412


def test_the_companys_answers_are_read_only(anna, company, contact):
    outcome = record(company, anna)
    response = api_for(anna).patch(
        f"{URL}{outcome.public_id}/",
        {"status": "confirmed", "support_meaning": "prerequisite", "case_study_allowed": True},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200
    outcome.refresh_from_db()
    assert outcome.status == ExportOutcome.Status.PENDING and outcome.support_meaning == ""


def test_changing_a_confirmed_outcome_asks_again(anna, company, contact):
    outcome = record(company, anna)
    confirmed = services.confirm_by_company(outcome=outcome, round_=1, answer=answer(outcome))
    client = api_for(anna)
    before = client.get(f"{URL}{outcome.public_id}/").json()
    assert before["status"] == "confirmed" and before["support_meaning"] == "prerequisite"
    response = client.patch(
        f"{URL}{outcome.public_id}/",
        {"value_band": "over_50m"},
        format="json",
        HTTP_IF_MATCH=f'"{confirmed.version}"',
    )
    data = response.json()
    assert (data["status"], data["confirmation_round"], data["support_meaning"]) == ("pending", 2, "")


def test_the_list_filters(anna, company, almi, uppsala, contact):
    pending = record(company, anna)
    confirmed = make_outcome(company, uppsala, almi, status=ExportOutcome.Status.CONFIRMED)
    client = api_for(anna)

    def ids(query):
        return {row["id"] for row in client.get(URL + query).json()["results"]}

    assert ids("?status=confirmed") == {str(confirmed.public_id)}
    assert ids("?status=pending") == {str(pending.public_id)}
    assert ids(f"?company={company.public_id}") == {str(pending.public_id), str(confirmed.public_id)}
    assert ids("?region=gavleborg") == set()
    assert client.get(URL + "?status=nonsense").status_code == 400


def test_the_list_costs_the_same_for_3_and_30_outcomes(anna, company, almi, uppsala, partner):
    from tests.outreach.factories import ActivityFactory

    activity = ActivityFactory(company=company, created_by=anna)
    advice_request = make_request(company=company, region=uppsala)

    def add(n):
        for _ in range(n):
            outcome = make_outcome(company, uppsala, almi, status=ExportOutcome.Status.CONFIRMED)
            outcome.partner_links.create(organisation=partner, rating=5)
            outcome.partner_links.create(organisation=almi)
            outcome.activities.add(activity)
            outcome.requests.add(advice_request)

    client = api_for(anna)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL + "?page_size=50")
            assert response.status_code == 200
        return len(captured), len(response.json()["results"])

    add(3)
    client.get(URL)
    few, rows = queries()
    assert rows == 3
    add(27)
    many, rows = queries()
    assert rows == 30
    assert many == few
