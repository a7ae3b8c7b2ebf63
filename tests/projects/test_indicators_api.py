"""/api/v1/projects/<id>/indicators/: the figures, the period, bad dates as 400 problem details with field
errors, access (404 outside the project's regions, 401/403 signed out), and a query count that does not
grow with the companies."""

import datetime

import pytest
from rest_framework.test import APIClient

from projects.models import Programme, SizeClass, SupportKind
from tests.factories import CompanyFactory, OrganisationFactory, UserFactory
from tests.projects.factories import (
    ParticipationFactory,
    SupportFactory,
    interreg_project,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def project(reference_data, region):
    project = interreg_project(region)
    survivor, duplicate = CompanyFactory(), CompanyFactory()
    for company, size, kind, joined in [
        (survivor, SizeClass.MEDIUM, SupportKind.ADVICE, D(2025, 2, 10)),
        (duplicate, SizeClass.SMALL, SupportKind.GRANT, D(2025, 2, 1)),
    ]:
        participation = ParticipationFactory(
            project=project,
            company=company,
            joined_on=joined,
            size_class=size,
            company_registered_on=D(2024, 1, 1),
        )
        SupportFactory(participation=participation, kind=kind, given_on=D(2025, 3, 1))
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into"])
    project.survivor, project.duplicate = survivor, duplicate
    return project


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def path(project) -> str:
    return f"/api/v1/projects/{project.public_id}/indicators/"


@pytest.fixture
def member(organisation):
    return UserFactory(organisation=organisation)


def test_the_indicators(member, project):
    response = api_for(member).get(path(project), {"from": "2025-01-01", "to": "2025-12-31"})
    assert response.status_code == 200
    data = response.json()
    assert data["project"] == str(project.public_id)
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    by_code = {indicator["code"]: indicator for indicator in data["indicators"]}
    assert list(by_code) == ["RCO01", "RCO02", "RCO03", "RCO04", "RCO05", "RCO87"]
    assert by_code["RCO01"]["value"] == 1
    assert {s["size_class"]: s["value"] for s in by_code["RCO01"]["sizes"]}[
        "small"
    ] == 1  # the earlier enrolment
    assert by_code["RCO01"]["companies"] == [str(project.survivor.public_id)]
    assert by_code["RCO02"]["value"] == 1 and by_code["RCO04"]["value"] == 1
    assert by_code["RCO05"]["value"] == 1
    assert by_code["RCO87"]["value"] == 1
    assert by_code["RCO87"]["organisations"][0] == {
        "name": "Gobierno de Navarra",
        "country": "ES",
        "region_name": "Navarra",
        "is_lead": True,
        "in_portal": False,
    }
    assert "2021/1058" in by_code["RCO01"]["source"]
    [company] = data["companies"]
    assert company["id"] == str(project.survivor.public_id)
    assert company["merged"] == [str(project.duplicate.public_id)]
    assert company["support_kinds"] == ["advice", "grant"]
    assert company["new_enterprise"] is True


def test_the_default_period_is_the_project_s(member, project):
    data = api_for(member).get(path(project)).json()
    assert data["period"] == {"start": "2024-01-01", "end": "2026-12-31"}


def test_an_erdf_project_s_rco87_is_null(member, project):
    Programme.objects.filter(pk=project.programme_id).update(fund=Programme.Fund.ERDF)
    data = api_for(member).get(path(project)).json()
    assert data["indicators"][-1]["code"] == "RCO87" and data["indicators"][-1]["value"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2025-13-01"}, "to"),
        ({"from": "1999-12-31"}, "from"),
        ({"from": "2025-06-01", "to": "2025-05-31"}, "to"),
        ({"from": "2" * 10_000}, "from"),
    ],
)
def test_bad_dates_are_400_problems_with_field_errors(member, project, query, field):
    response = api_for(member).get(path(project), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400 and problem["code"] == "invalid"
    assert list(problem["errors"]) == [field]


def test_a_nul_byte_is_a_400_problem(member, project):
    response = api_for(member).get(path(project) + "?from=%00")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_encoding"


def test_outside_the_project_s_regions_is_a_404(project, other_region):
    outsider = UserFactory(organisation=OrganisationFactory(regions=[other_region]))
    response = api_for(outsider).get(path(project))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_an_unknown_project_is_a_404(member, reference_data):
    response = api_for(member).get("/api/v1/projects/00000000-0000-0000-0000-000000000000/indicators/")
    assert response.status_code == 404


def test_the_national_role_does_not_see_projects(project, region):
    national = UserFactory(organisation=OrganisationFactory(regions=[region]), role="national")
    assert api_for(national).get(path(project)).status_code == 404


def test_signed_out_is_refused(project):
    assert APIClient().get(path(project)).status_code in (401, 403)


def test_the_queries_do_not_grow_with_the_companies(member, project, django_assert_max_num_queries):
    client = api_for(member)
    client.get(path(project))
    with django_assert_max_num_queries(8) as few:
        client.get(path(project))
    for _i in range(30):
        participation = ParticipationFactory(project=project, joined_on=D(2025, 1, 1))
        SupportFactory(participation=participation, given_on=D(2025, 1, 5))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path(project))
    assert len(response.json()["companies"]) == 31
