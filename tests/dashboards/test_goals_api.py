"""The API of the regional goals (`/api/v1/goals/`): seen by everyone working in the region, set by its
regional staff."""

import pytest
from rest_framework.test import APIClient

from advisors.models import User
from dashboards.models import RegionalGoal
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def staff(region):
    organisation = OrganisationFactory(slug="region-uppsala", regions=[region])
    return UserFactory(email="staff@region.example", organisation=organisation, role=User.Role.REGIONAL_STAFF)


@pytest.fixture
def far_staff(other_region):
    organisation = OrganisationFactory(slug="region-gavle", regions=[other_region])
    return UserFactory(email="staff@gavle.example", organisation=organisation, role=User.Role.REGIONAL_STAFF)


def goal(**overrides):
    return {
        "region": "uppsala",
        "year": 2026,
        "kind": "companies_reached",
        "baseline": 10,
        "target": 40,
        **overrides,
    }


def test_regional_staff_set_change_and_delete_a_goal(staff, advisor):
    created = api(staff).post("/api/v1/goals/", goal(), format="json")
    assert created.status_code == 201, created.json()
    goal_id = created.json()["id"]
    assert api(advisor).get(f"/api/v1/goals/{goal_id}/").json()["target"] == 40  # the region's people see it
    changed = api(staff).patch(f"/api/v1/goals/{goal_id}/", {"target": 50}, format="json")
    assert changed.status_code == 200 and changed.json()["target"] == 50
    assert RegionalGoal.objects.get().target == 50
    assert api(staff).delete(f"/api/v1/goals/{goal_id}/").status_code == 204
    assert not RegionalGoal.objects.exists()


def test_a_custom_goal_has_a_name_and_the_others_none(staff):
    custom = api(staff).post("/api/v1/goals/", goal(kind="custom", name="  Seminars  "), format="json")
    assert custom.status_code == 201 and custom.json()["name"] == "Seminars"
    nameless = api(staff).post("/api/v1/goals/", goal(kind="custom", name=""), format="json")
    assert nameless.status_code == 400 and "name" in nameless.json()["errors"]
    named = api(staff).post("/api/v1/goals/", goal(name="Mine"), format="json")
    assert named.status_code == 400 and "name" in named.json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"year": 1999}, "year"),
        ({"year": "soon"}, "year"),
        ({"baseline": -1}, "baseline"),
        ({"target": 2**40}, "target"),
        ({"kind": "happiness"}, "kind"),
        ({"region": "gavleborg"}, "region"),  # not the user's region: no such choice
        ({"region": "atlantis"}, "region"),
    ],
)
def test_bad_goals_are_field_errors(staff, other_region, overrides, field):
    response = api(staff).post("/api/v1/goals/", goal(**overrides), format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]
    assert not RegionalGoal.objects.exists()


def test_one_goal_per_region_year_and_kind(staff):
    assert api(staff).post("/api/v1/goals/", goal(), format="json").status_code == 201
    twice = api(staff).post("/api/v1/goals/", goal(target=99), format="json")
    assert twice.status_code == 400
    assert "kind" in twice.json()["errors"]
    assert RegionalGoal.objects.get().target == 40


def test_advisors_read_but_do_not_set_goals(advisor, region):
    existing = RegionalGoal.objects.create(
        region=region, year=2026, kind="companies_reached", baseline=1, target=2
    )
    assert api(advisor).post("/api/v1/goals/", goal(year=2027), format="json").status_code == 403
    assert (
        api(advisor).patch(f"/api/v1/goals/{existing.pk}/", {"target": 9}, format="json").status_code == 403
    )
    assert api(advisor).delete(f"/api/v1/goals/{existing.pk}/").status_code == 403
    assert RegionalGoal.objects.get().target == 2


def test_another_regions_goals_are_404(staff, far_staff, other_region):
    far = RegionalGoal.objects.create(
        region=other_region, year=2026, kind="companies_reached", baseline=1, target=2
    )
    client = api(staff)
    assert client.get(f"/api/v1/goals/{far.pk}/").status_code == 404
    assert client.patch(f"/api/v1/goals/{far.pk}/", {"target": 9}, format="json").status_code == 404
    assert client.delete(f"/api/v1/goals/{far.pk}/").status_code == 404
    assert far.pk not in {row["id"] for row in client.get("/api/v1/goals/").json()["results"]}
    # nor can a goal be moved there
    mine = client.post("/api/v1/goals/", goal(), format="json").json()
    moved = client.patch(f"/api/v1/goals/{mine['id']}/", {"region": "gavleborg"}, format="json")
    assert moved.status_code == 400
    assert RegionalGoal.objects.get(pk=mine["id"]).region.slug == "uppsala"


def test_goal_filters_and_query_budget(staff, region, django_assert_max_num_queries):
    for year in range(2010, 2030):
        RegionalGoal.objects.create(region=region, year=year, kind="companies_reached", baseline=1, target=2)
    client = api(staff)
    assert client.get("/api/v1/goals/", {"year": 2026}).json()["count"] == 1
    assert client.get("/api/v1/goals/", {"year": "x"}).status_code == 400
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/goals/", {"region": "uppsala"})
    assert response.json()["count"] == 20
