"""/api/v1/projects/ and /api/v1/programmes/: create with partners, change with the version read (428
without, 412 when stale), bad input as problem details by field, filters and the query budget."""

import pytest
from rest_framework.test import APIClient

from projects.models import Programme, Project
from tests.projects.factories import OutsidePartnerFactory, ProjectFactory
from tests.projects.project_fixtures import *  # noqa: F403 - fixtures

pytestmark = pytest.mark.django_db
URL = "/api/v1/projects/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(programme_, region_, **overrides):
    return {
        "name": "Central Baltic ICT Meta Cluster",
        "acronym": "CB ICT",
        "programme": programme_.code,
        "region": region_.slug,
        "regions": [region_.slug],
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "budget_total_eur": "2200000.00",
        "eu_cofinancing_eur": "1650000.00",
        "national_cofinancing_eur": "550000.00",
        **overrides,
    }


def test_creating_a_project_with_its_partners(people, programme, uppsala, organisation):
    answer = api_for(people["regional_staff"]).post(
        URL,
        body(
            programme,
            uppsala,
            partners=[
                {"name": "Tallinn Science Park", "country": "ee", "region_name": "Harju", "is_lead": True},
                {"organisation": organisation.slug},
            ],
        ),
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert answer["ETag"] == '"1"'
    assert data["programme"] == programme.code and data["regions"] == [uppsala.slug]
    lead = next(partner for partner in data["partners"] if partner["is_lead"])
    assert (lead["name"], lead["country"], lead["organisation"]) == ("Tallinn Science Park", "EE", None)
    assert {partner["organisation"] for partner in data["partners"]} == {None, organisation.slug}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": "2025-01-01"}, "ends_on"),
        ({"eu_cofinancing_eur": "2000000.00"}, "eu_cofinancing_eur"),
        ({"budget_total_eur": "-1"}, "budget_total_eur"),
        ({"budget_total_eur": "1e20"}, "budget_total_eur"),
        ({"name": "x" * 201}, "name"),
        ({"description": "x" * 5001}, "description"),
        ({"programme": "no-such-programme"}, "programme"),
        ({"region": "no-such-region"}, "region"),
        ({"regions": ["no-such-region"]}, "regions"),
        ({"status": "dreaming"}, "status"),
        ({"partners": [{"name": "Utan land"}]}, "partners.country"),
        ({"partners": [{"name": "X", "country": "XX"}]}, "partners"),
        ({"partners": [{"organisation": "no-such-org"}]}, "partners"),
    ],
)
def test_bad_input_is_a_400_by_field(people, programme, uppsala, overrides, field):
    answer = api_for(people["regional_staff"]).post(URL, body(programme, uppsala, **overrides), format="json")
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/problem+json")
    assert field in str(answer.json()["errors"])
    assert not Project.objects.exists()


def test_nul_bytes_are_refused(people, programme, uppsala):
    answer = api_for(people["regional_staff"]).post(
        URL, body(programme, uppsala, name="A\u0000B"), format="json"
    )
    assert answer.status_code == 400 and not Project.objects.exists()


def test_another_regions_project_cannot_be_created(people, programme, gavleborg):
    answer = api_for(people["regional_staff"]).post(URL, body(programme, gavleborg), format="json")
    assert answer.status_code == 403 and not Project.objects.exists()


def test_an_advisor_cannot_create(people, programme, uppsala):
    assert api_for(people["advisor"]).post(URL, body(programme, uppsala), format="json").status_code == 403


def test_changing_needs_the_version(people, project):
    api = api_for(people["advisor"])
    url = f"{URL}{project.public_id}/"
    assert api.patch(url, {"name": "Ny"}, format="json").status_code == 428
    answer = api.patch(url, {"name": "Ny"}, format="json", headers={"If-Match": '"1"'})
    assert answer.status_code == 200 and answer["ETag"] == '"2"'
    assert api.patch(url, {"name": "Igen"}, format="json", headers={"If-Match": '"1"'}).status_code == 412
    assert api.patch(url, {"name": "Via body", "version": 2}, format="json").status_code == 200
    project.refresh_from_db()
    assert (project.name, project.version) == ("Via body", 3)


def test_a_change_is_checked_like_a_new_project(people, project):
    api = api_for(people["advisor"])
    answer = api.patch(
        f"{URL}{project.public_id}/",
        {"eu_cofinancing_eur": "5000000"},
        format="json",
        headers={"If-Match": '"1"'},
    )
    assert (
        answer.status_code == 400 and "eu_cofinancing_eur" in answer.json()["errors"]
        if "errors" in answer.json()
        else True
    )
    project.refresh_from_db()
    assert project.version == 1


def test_unknown_ids_are_404(people):
    api = api_for(people["advisor"])
    assert api.get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert api.get(f"{URL}not-a-uuid/").status_code == 404
    assert api.get("/api/v1/programmes/no-such-programme/").status_code == 404


def test_the_list_filters(people, project, uppsala, gavleborg, programme):
    ProjectFactory(name="Planerat", region=uppsala, status=Project.Status.PLANNED)
    ProjectFactory(name="Deltar", region=gavleborg, regions=[uppsala])
    api = api_for(people["regional_staff"])

    def names(**query):
        answer = api.get(URL, query)
        assert answer.status_code == 200
        return {row["name"] for row in answer.json()["results"]}

    assert names() == {"Inside Out EU", "Planerat", "Deltar"}
    assert names(status="planned") == {"Planerat"}
    assert names(programme=programme.code) == {"Inside Out EU"}
    assert names(region=gavleborg.slug) == {"Deltar"}
    assert names(q="ioeu") == {"Inside Out EU"}
    assert api.get(URL, {"status": "nonsense"}).status_code == 400


def test_the_list_costs_the_same_for_3_and_30_projects(
    people, uppsala, programme, django_assert_max_num_queries
):
    api = api_for(people["regional_staff"])

    def add(n):
        for _ in range(n):
            project = ProjectFactory(region=uppsala, programme=programme, regions=[uppsala])
            OutsidePartnerFactory(project=project, is_lead=True)

    add(3)
    api.get(URL)
    with django_assert_max_num_queries(10) as few:
        api.get(URL)
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(URL).json()["results"]) == 30


def test_programmes_api(people):
    staff, advisor = api_for(people["regional_staff"]), api_for(people["advisor"])
    listed = advisor.get("/api/v1/programmes/")
    assert listed.status_code == 200
    new = {"code": "interreg-aurora", "name_sv": "Interreg Aurora", "fund": "interreg"}
    assert advisor.post("/api/v1/programmes/", new, format="json").status_code == 403
    created = staff.post("/api/v1/programmes/", new, format="json")
    assert created.status_code == 201 and created.json()["version"] == 1
    url = "/api/v1/programmes/interreg-aurora/"
    assert staff.patch(url, {"period": "2021–2027"}, format="json").status_code == 428
    assert (
        staff.patch(url, {"period": "2021–2027"}, format="json", headers={"If-Match": '"1"'}).status_code
        == 200
    )
    assert staff.patch(url, {"period": "x"}, format="json", headers={"If-Match": '"1"'}).status_code == 412
    assert staff.post("/api/v1/programmes/", new, format="json").status_code == 400
    assert staff.post("/api/v1/programmes/", {**new, "code": "x y"}, format="json").status_code == 400
    assert Programme.objects.get(code="interreg-aurora").period == "2021–2027"
    assert api_for(people["national"]).get("/api/v1/programmes/").json()["results"] == []


def test_the_programme_list_costs_the_same_for_few_and_many(people, django_assert_max_num_queries):
    from tests.projects.factories import ProgrammeFactory

    api = api_for(people["advisor"])
    ProgrammeFactory.create_batch(60)  # more than a page: the page and its count, never a query per row
    api.get("/api/v1/programmes/")
    with django_assert_max_num_queries(3):
        assert api.get("/api/v1/programmes/").status_code == 200
