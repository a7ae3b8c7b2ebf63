"""/api/v1/organisations/ (the partner directory) and /api/v1/services/ (the service catalogue)."""

import pytest
from rest_framework.test import APIClient

from advisors.models import Organisation, User
from referrals.models import NeedCategory, Service
from referrals.need_categories import seed_need_categories
from tests.advisors.factories import ServiceFactory
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(db):
    seed_need_categories()
    return {need.slug: need for need in NeedCategory.objects.all()}


@pytest.fixture
def ekn(region):
    return OrganisationFactory(name="EKN", slug="ekn", kind=Organisation.Kind.EKN, regions=[region])


@pytest.fixture
def lead(organisation):
    return UserFactory(email="lead@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD)


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(**overrides):
    return {
        "organisation": "almi-uppsala",
        "name_sv": "Exportlån",
        "name_en": "Export loan",
        "needs": ["working-capital"],
        "employee_bands": ["1-4", "5-9"],
        "turnover_classes": [3],
        "sni_sections": [],
        "url": "https://almi.example/exportlan",
        **overrides,
    }


# --- Organisations --------------------------------------------------------------------------------


def test_organisations_list_and_detail(advisor, organisation, ekn, other_region):
    OrganisationFactory(name="Almi Gävleborg", slug="almi-gavle", regions=[other_region])
    api = client_for(advisor)
    listing = api.get("/api/v1/organisations/")
    assert listing.status_code == 200
    rows = {row["slug"]: row for row in listing.json()["results"]}
    assert set(rows) == {"almi-uppsala", "ekn", "almi-gavle"}  # a shared directory, every region
    assert rows["ekn"]["kind"] == "ekn"
    assert rows["ekn"]["regions"] == ["uppsala"]
    detail = api.get("/api/v1/organisations/ekn/")
    assert detail.status_code == 200
    assert detail.json()["name"] == "EKN"
    assert api.get("/api/v1/organisations/no-such/").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "uppsala"}, {"almi-uppsala", "ekn"}),
        ({"region": "gavleborg"}, {"almi-gavle"}),
        ({"kind": "ekn"}, {"ekn"}),
        ({"is_active": "false"}, set()),
    ],
)
def test_organisation_filters(advisor, organisation, ekn, other_region, params, expected):
    OrganisationFactory(name="Almi Gävleborg", slug="almi-gavle", regions=[other_region])
    response = client_for(advisor).get("/api/v1/organisations/", params)
    assert {row["slug"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("params", [{"region": "nowhere"}, {"kind": "bank"}])
def test_bad_organisation_filters_are_400(advisor, params):
    assert client_for(advisor).get("/api/v1/organisations/", params).status_code == 400


def test_organisations_are_read_only(lead, organisation):
    api = client_for(lead)
    assert api.patch("/api/v1/organisations/almi-uppsala/", {"name": "X"}, format="json").status_code == 405
    assert api.post("/api/v1/organisations/", {"name": "X"}, format="json").status_code == 405


def test_the_api_needs_a_sign_in(db):
    assert APIClient().get("/api/v1/organisations/").status_code == 403
    assert APIClient().get("/api/v1/services/").status_code == 403


# --- Services -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Exportlån", "Garanti för kundfordringar", "Köparkreditgaranti"}),
        ({"organisation": "ekn"}, {"Garanti för kundfordringar", "Köparkreditgaranti"}),
        ({"need": "buyer-credit-risk"}, {"Garanti för kundfordringar", "Köparkreditgaranti"}),
        ({"need": "export-finance", "organisation": "ekn"}, {"Köparkreditgaranti"}),
        ({"need": "customs"}, set()),
    ],
)
def test_service_list_filters(advisor, organisation, ekn, needs, params, expected):
    ServiceFactory(organisation=organisation, name_sv="Exportlån", needs=[needs["working-capital"]])
    ServiceFactory(organisation=ekn, name_sv="Garanti för kundfordringar", needs=[needs["buyer-credit-risk"]])
    ServiceFactory(
        organisation=ekn,
        name_sv="Köparkreditgaranti",
        needs=[needs["buyer-credit-risk"], needs["export-finance"]],
    )
    ServiceFactory(
        organisation=ekn, name_sv="Gammal tjänst", needs=[needs["buyer-credit-risk"]], is_active=False
    )
    response = client_for(advisor).get("/api/v1/services/", params)
    assert response.status_code == 200
    assert {row["name_sv"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("params", [{"organisation": "nobody"}, {"need": "no-such-need"}])
def test_bad_service_filters_are_400(advisor, params):
    assert client_for(advisor).get("/api/v1/services/", params).status_code == 400


def test_a_lead_adds_a_service(lead, organisation, needs, reference_data):
    response = client_for(lead).post("/api/v1/services/", payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["ETag"] == '"1"'
    assert (body["organisation"], body["needs"], body["employee_bands"], body["turnover_classes"]) == (
        "almi-uppsala",
        ["working-capital"],
        ["1-4", "5-9"],
        [3],
    )
    service = Service.objects.get(pk=body["id"])
    assert (service.organisation, service.updated_by) == (organisation, lead)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"employee_bands": ["1-5"]}, "employee_bands"),
        ({"turnover_classes": [99]}, "turnover_classes"),
        ({"turnover_classes": ["many"]}, "turnover_classes"),
        ({"sni_sections": ["Z"]}, "sni_sections"),
        ({"needs": ["no-such-need"]}, "needs"),
        ({"needs": []}, "needs"),
        ({"name_sv": ""}, "name_sv"),
        ({"url": "not a link"}, "url"),
        ({"organisation": "nobody"}, "organisation"),
    ],
)
def test_bad_input_is_400_with_field_errors(lead, organisation, needs, reference_data, overrides, field):
    response = client_for(lead).post("/api/v1/services/", payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Service.objects.exists()


def test_a_duplicate_name_is_400(lead, organisation, needs, reference_data):
    ServiceFactory(organisation=organisation, name_sv="Exportlån")
    response = client_for(lead).post("/api/v1/services/", payload(name_sv="exportlån"), format="json")
    assert response.status_code == 400
    assert "name_sv" in response.json()["errors"]


def test_only_those_the_access_module_allows_may_add(advisor, lead, ekn, organisation, needs, reference_data):
    assert client_for(advisor).post("/api/v1/services/", payload(), format="json").status_code == 403
    other = payload(organisation="ekn")
    assert client_for(lead).post("/api/v1/services/", other, format="json").status_code == 403
    assert not Service.objects.exists()


def test_update_needs_the_version_read(lead, organisation, needs, reference_data):
    service = ServiceFactory(organisation=organisation, name_sv="Exportlån", needs=[needs["working-capital"]])
    api = client_for(lead)
    url = f"/api/v1/services/{service.pk}/"
    read = api.get(url)
    assert read["ETag"] == '"1"'
    assert api.patch(url, {"name_en": "Loans"}, format="json").status_code == 428
    response = api.patch(
        url,
        {"name_en": "Loans", "needs": ["working-capital", "export-finance"]},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] == '"2"'
    assert sorted(response.json()["needs"]) == ["export-finance", "working-capital"]
    stale = api.patch(url, {"name_en": "Credit", "version": 1}, format="json")
    assert stale.status_code == 412
    service.refresh_from_db()
    assert (service.name_en, service.version) == ("Loans", 2)


def test_a_service_cannot_move_to_another_organisation(lead, organisation, ekn, needs, reference_data):
    service = ServiceFactory(organisation=organisation, name_sv="Exportlån", needs=[needs["working-capital"]])
    response = client_for(lead).patch(
        f"/api/v1/services/{service.pk}/", {"organisation": "ekn", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "organisation" in response.json()["errors"]


def test_others_may_read_but_not_change(advisor, lead, ekn, organisation, needs):
    theirs = ServiceFactory(organisation=ekn, name_sv="Garanti", needs=[needs["buyer-credit-risk"]])
    hidden = ServiceFactory(organisation=ekn, name_sv="Gammal", is_active=False)
    for user in (advisor, lead):
        api = client_for(user)
        assert api.get(f"/api/v1/services/{theirs.pk}/").status_code == 200
        assert (
            api.patch(
                f"/api/v1/services/{theirs.pk}/", {"name_en": "X", "version": 1}, format="json"
            ).status_code
            == 403
        )
        assert api.get(f"/api/v1/services/{hidden.pk}/").status_code == 404
    assert client_for(lead).delete(f"/api/v1/services/{theirs.pk}/").status_code == 405


def test_the_service_list_query_count_does_not_grow(
    advisor, organisation, ekn, needs, django_assert_max_num_queries
):
    categories = list(needs.values())
    api = client_for(advisor)
    for _n in range(3):
        ServiceFactory(organisation=organisation, needs=categories[:2])
    with django_assert_max_num_queries(10) as few:
        api.get("/api/v1/services/")
    for n in range(40):
        ServiceFactory(organisation=ekn if n % 2 else organisation, needs=categories[n % 5 : n % 5 + 3])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get("/api/v1/services/")
    assert response.json()["count"] == 43


def test_the_organisation_list_query_count_does_not_grow(
    advisor, region, other_region, django_assert_max_num_queries
):
    api = client_for(advisor)
    with django_assert_max_num_queries(10) as few:
        api.get("/api/v1/organisations/")
    for n in range(30):
        OrganisationFactory(regions=[region, other_region] if n % 2 else [region])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get("/api/v1/organisations/")
    assert response.json()["count"] == 31
