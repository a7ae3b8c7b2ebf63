"""The API of the need categories (`/api/v1/need-categories/`: regional staff maintain them) and of the saved
inbox views (`/api/v1/saved-views/`: one's own and those shared with one's organisation)."""

import pytest
from rest_framework.test import APIClient

from advisors.models import User
from referrals.models import NeedCategory, SavedView
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
def lead(organisation):
    return UserFactory(email="lead@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD)


def category(**overrides):
    return {
        "name_sv": "Tullfrågor",
        "name_en": "Customs questions",
        "help_sv": "Tull och ursprung",
        "help_en": "Customs and origin",
        "primary_partner_kinds": ["business_sweden"],
        "secondary_partner_kinds": [],
        "position": 5,
        "is_active": True,
        **overrides,
    }


# --- Need categories ----------------------------------------------------------------------------------------


def test_everyone_reads_the_need_categories(advisor, need_categories):
    response = api(advisor).get("/api/v1/need-categories/")
    assert response.status_code == 200
    assert response.json()["count"] == NeedCategory.objects.count()
    first = NeedCategory.objects.order_by("position", "slug").first()
    assert response.json()["results"][0]["slug"] == first.slug
    assert api(advisor).get(f"/api/v1/need-categories/{first.slug}/").json()["name_en"] == first.name_en


def test_regional_staff_add_and_change_a_need_category(staff):
    created = api(staff).post("/api/v1/need-categories/", category(), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["slug"] == "customs-questions"
    again = api(staff).post("/api/v1/need-categories/", category(), format="json")
    assert again.json()["slug"] == "customs-questions-2"  # a slug is never shared

    changed = api(staff).patch(
        "/api/v1/need-categories/customs-questions/",
        {"is_active": False, "name_en": "Customs"},
        format="json",
    )
    assert changed.status_code == 200
    saved = NeedCategory.objects.get(slug="customs-questions")
    assert saved.is_active is False and saved.name_en == "Customs"


@pytest.mark.parametrize("user_fixture", ["advisor", "lead"])
def test_others_may_not_maintain_need_categories(request, need_categories, user_fixture):
    user = request.getfixturevalue(user_fixture)
    slug = NeedCategory.objects.first().slug
    assert api(user).post("/api/v1/need-categories/", category(), format="json").status_code == 403
    response = api(user).patch(f"/api/v1/need-categories/{slug}/", {"name_en": "x"}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name_sv": ""}, "name_sv"),
        ({"name_en": "x" * 121}, "name_en"),
        ({"primary_partner_kinds": ["castle"]}, "primary_partner_kinds"),
        ({"position": -1}, "position"),
        ({"position": 10**6}, "position"),
    ],
)
def test_bad_need_categories_are_field_errors(staff, overrides, field):
    response = api(staff).post("/api/v1/need-categories/", category(**overrides), format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]
    assert not NeedCategory.objects.filter(name_sv="Tullfrågor").exists()


def test_an_unknown_need_category_is_404(staff):
    assert api(staff).get("/api/v1/need-categories/no-such-need/").status_code == 404


def test_need_category_list_query_budget(advisor, need_categories, django_assert_max_num_queries):
    assert NeedCategory.objects.count() >= 10
    with django_assert_max_num_queries(3):
        api(advisor).get("/api/v1/need-categories/")


# --- Saved inbox views ------------------------------------------------------------------------------------


def test_save_list_and_delete_a_view(advisor):
    client = api(advisor)
    created = client.post(
        "/api/v1/saved-views/",
        {"name": "  My   new ones ", "view": "new", "query": "status=new&page=3&search=abc&colour=red"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"] == "My new ones"
    assert body["query"] == "status=new"  # only the inbox's own filters are kept
    assert body["owner"]["id"] == advisor.pk
    assert body["url"].endswith(f"?view=new&status=new&saved={body['id']}")
    assert [row["id"] for row in client.get("/api/v1/saved-views/").json()["results"]] == [body["id"]]
    assert client.delete(f"/api/v1/saved-views/{body['id']}/").status_code == 204
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "", "view": "new"}, "name"),
        ({"name": "x" * 81, "view": "new"}, "name"),
        ({"name": "Mine", "view": "somewhere"}, "view"),
        ({"name": "Mine", "view": "new", "query": "x" * 1001}, "query"),
    ],
)
def test_bad_saved_views_are_field_errors(advisor, payload, field):
    response = api(advisor).post("/api/v1/saved-views/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not SavedView.objects.exists()


def test_a_name_is_used_once_per_person(advisor):
    client = api(advisor)
    assert (
        client.post("/api/v1/saved-views/", {"name": "Mine", "view": "new"}, format="json").status_code == 201
    )
    twice = client.post("/api/v1/saved-views/", {"name": "MINE", "view": "open"}, format="json")
    assert twice.status_code == 400
    assert "name" in twice.json()["errors"]
    assert SavedView.objects.count() == 1


def test_shared_views_are_seen_by_the_organisation_and_removed_by_its_lead(advisor, lead, organisation):
    other = UserFactory(organisation=OrganisationFactory())
    shared = (
        api(advisor)
        .post(
            "/api/v1/saved-views/", {"name": "Ours", "view": "organisation", "is_shared": True}, format="json"
        )
        .json()
    )
    private = (
        api(advisor).post("/api/v1/saved-views/", {"name": "Mine", "view": "mine"}, format="json").json()
    )
    colleague = UserFactory(organisation=organisation)
    assert {row["id"] for row in api(colleague).get("/api/v1/saved-views/").json()["results"]} == {
        shared["id"]
    }
    assert api(colleague).delete(f"/api/v1/saved-views/{shared['id']}/").status_code == 403
    assert api(other).get(f"/api/v1/saved-views/{shared['id']}/").status_code == 404
    assert api(other).delete(f"/api/v1/saved-views/{private['id']}/").status_code == 404
    assert api(lead).delete(f"/api/v1/saved-views/{private['id']}/").status_code == 404
    assert api(lead).delete(f"/api/v1/saved-views/{shared['id']}/").status_code == 204
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Mine"]


def test_saved_view_list_query_budget(advisor, organisation, django_assert_max_num_queries):
    for n in range(10):
        colleague = UserFactory(organisation=organisation)
        SavedView.objects.create(owner=colleague, organisation=organisation, name=f"v{n}", is_shared=True)
    with django_assert_max_num_queries(3):
        response = api(advisor).get("/api/v1/saved-views/")
    assert response.json()["count"] == 10
