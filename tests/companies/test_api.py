"""The company register's REST API: /api/v1/companies/ and /api/v1/contacts/."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from advisors.models import User
from companies.identifiers import LegalForm
from companies.models import Company, CompanyEvent, Contact
from exportcenter import row_urls
from reference.models import SNICode, TurnoverClass
from tests.factories import (
    SOLE_TRADER_NUMBER,
    CompanyFactory,
    ContactFactory,
    OrganisationFactory,
    UserFactory,
)

COMPANIES = "/api/v1/companies/"
CONTACTS = "/api/v1/contacts/"
NUMBER = "5566778899"  # 556677-8899, a valid limited company number


def company_url(company) -> str:
    return f"{COMPANIES}{company.public_id}/"


def contact_url(contact) -> str:
    return f"{CONTACTS}{contact.public_id}/"


def ids(response) -> set[str]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def uppsala(reference_data, region):
    """The home region covers Uppsala county (03)."""
    region.counties.add("03")
    return region


@pytest.fixture
def api(uppsala, advisor):
    client = APIClient()
    client.force_authenticate(advisor)
    return client


@pytest.fixture
def far_advisor(reference_data, other_region):
    """An advisor of Gävleborg (21)."""
    other_region.counties.add("21")
    organisation = OrganisationFactory(slug="almi-gavleborg", regions=[other_region])
    return UserFactory(email="advisor@gavle.example", organisation=organisation)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_company(**overrides) -> dict:
    return {"org_number": NUMBER, "name": "Verktyg i Uppsala AB", "municipality": "0380", **overrides}


# --- Reading --------------------------------------------------------------------------------------


def test_list_shows_the_companies_of_the_users_regions(api, far_advisor):
    mine = CompanyFactory(name="Uppsala Maskin AB")
    far = CompanyFactory(name="Gävle Stål AB", municipality_id="2180")

    response = api.get(COMPANIES)

    assert response.status_code == 200
    assert ids(response) == {str(mine.public_id)}
    assert client_for(far_advisor).get(COMPANIES).json()["results"][0]["id"] == str(far.public_id)


def test_detail_has_the_documented_fields(api):
    company = CompanyFactory(
        name="Uppsala Maskin AB",
        org_number="5566778899",
        sni_code=SNICode.objects.get(code="01110"),
        turnover_class=TurnoverClass.objects.get(code=3),
        export_countries=["NO", "DK"],
        target_markets=["DE"],
        exports_goods=True,
    )

    response = api.get(company_url(company))

    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    data = response.json()
    assert data["id"] == str(company.public_id)
    assert "pk" not in data
    assert data["org_number"] == "556677-8899"
    assert data["legal_form"] == "limited_company"
    assert data["municipality"] == "0380"
    assert data["county"] == "03"
    assert data["sni_code"] == "01110"
    assert data["turnover_class"] == 3
    assert data["export_countries"] == ["DK", "NO"]  # stored sorted
    assert data["target_markets"] == ["DE"]
    assert data["exports_goods"] is True
    assert data["version"] == 1
    assert data["source"] == "advisor"
    assert data["url"].endswith(f"/companies/{company.public_id}/")


def test_each_listed_company_links_to_its_own_page(api):
    """The list reverses the page's URL once and puts each row's id in it (issue 16)."""
    companies = [CompanyFactory(target_markets=markets) for markets in (["DE"], ["NO", "US"], [])]
    rows = {row["id"]: row for row in api.get(COMPANIES).json()["results"]}
    for company in companies:
        row = rows[str(company.public_id)]
        assert row["url"] == f"http://testserver/companies/{company.public_id}/"
        assert row["target_markets"] == [country.code for country in company.target_markets]
    assert row_urls.PLACEHOLDER not in str(rows)


def test_companies_are_not_found_by_integer_pk_or_org_number(api):
    company = CompanyFactory(org_number=NUMBER)

    assert api.get(f"{COMPANIES}{company.pk}/").status_code == 404
    assert api.get(f"{COMPANIES}{NUMBER}/").status_code == 404
    assert api.get(f"{COMPANIES}{uuid.uuid4()}/").status_code == 404


def test_anonymous_users_are_refused(uppsala):
    company = CompanyFactory()
    client = APIClient()

    assert client.get(COMPANIES).status_code in (401, 403)
    assert client.get(company_url(company)).status_code in (401, 403)
    assert client.post(COMPANIES, new_company(), format="json").status_code in (401, 403)
    assert client.get(CONTACTS).status_code in (401, 403)


def test_an_advisor_of_another_region_neither_sees_nor_changes_the_company(uppsala, far_advisor):
    company = CompanyFactory(name="Uppsala Maskin AB")
    client = client_for(far_advisor)

    assert client.get(COMPANIES).json()["results"] == []
    assert client.get(company_url(company)).status_code == 404
    response = client.patch(company_url(company), {"name": "Kapad AB"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 404
    company.refresh_from_db()
    assert company.name == "Uppsala Maskin AB"


def test_merged_companies_are_not_listed(api):
    survivor = CompanyFactory()
    merged = CompanyFactory(merged_into=survivor)

    assert ids(api.get(COMPANIES)) == {str(survivor.public_id)}
    assert api.get(company_url(merged)).status_code == 404


# --- Filters, search and pagination -----------------------------------------------------------------


def test_filter_by_county_and_municipality(api, uppsala):
    uppsala.counties.add("21")
    in_uppsala = CompanyFactory(municipality_id="0380")
    in_enkoping = CompanyFactory(municipality_id="0381")
    in_gavle = CompanyFactory(municipality_id="2180")

    assert ids(api.get(COMPANIES)) == {str(c.public_id) for c in (in_uppsala, in_enkoping, in_gavle)}
    assert ids(api.get(COMPANIES, {"county": "21"})) == {str(in_gavle.public_id)}
    assert ids(api.get(COMPANIES, {"county": "03"})) == {
        str(in_uppsala.public_id),
        str(in_enkoping.public_id),
    }
    assert ids(api.get(COMPANIES, {"municipality": "0381"})) == {str(in_enkoping.public_id)}


def test_search_by_name_and_by_org_number(api):
    maskin = CompanyFactory(name="Uppsala Maskin AB", org_number=NUMBER)
    CompanyFactory(name="Bageri Knivsta AB")

    assert ids(api.get(COMPANIES, {"q": "maskin"})) == {str(maskin.public_id)}
    assert ids(api.get(COMPANIES, {"q": "Uppsala Maskin"})) == {str(maskin.public_id)}
    assert ids(api.get(COMPANIES, {"q": "556677-8899"})) == {str(maskin.public_id)}
    assert ids(api.get(COMPANIES, {"q": "16556677-8899"})) == {str(maskin.public_id)}
    assert ids(api.get(COMPANIES, {"q": "556677"})) == {str(maskin.public_id)}


def test_filter_by_target_market_and_export_experience(api):
    germany = CompanyFactory(target_markets=["DE", "NO"], export_experience="never")
    CompanyFactory(target_markets=["NO"], export_experience="regularly_few")

    assert ids(api.get(COMPANIES, {"target_market": "DE"})) == {str(germany.public_id)}
    assert ids(api.get(COMPANIES, {"export_experience": "never"})) == {str(germany.public_id)}
    assert len(ids(api.get(COMPANIES, {"target_market": "NO"}))) == 2


def test_filter_by_sni_section_employee_band_and_responsible_organisation(api, organisation):
    farm = CompanyFactory(
        sni_code=SNICode.objects.get(code="01110"), employee_band="5-9", responsible_organisation=organisation
    )
    CompanyFactory(employee_band="10-19")

    assert ids(api.get(COMPANIES, {"sni_section": "A"})) == {str(farm.public_id)}
    assert ids(api.get(COMPANIES, {"employee_band": "5-9"})) == {str(farm.public_id)}
    assert ids(api.get(COMPANIES, {"responsible_organisation": organisation.pk})) == {str(farm.public_id)}


def test_sort(api):
    for name in ["Beta AB", "Alfa AB", "Gamma AB"]:
        CompanyFactory(name=name)

    names = [row["name"] for row in api.get(COMPANIES, {"sort": "-name"}).json()["results"]]

    assert names == ["Gamma AB", "Beta AB", "Alfa AB"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"county": "99"}, "county"),
        ({"municipality": "9999"}, "municipality"),
        ({"employee_band": "many"}, "employee_band"),
        ({"target_market": "XX"}, "target_market"),
        ({"sort": "size"}, "sort"),
    ],
)
def test_invalid_filter_values_are_field_errors(api, params, field):
    response = api.get(COMPANIES, params)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_list_is_paginated(api):
    CompanyFactory.create_batch(53)

    first = api.get(COMPANIES).json()
    second = api.get(COMPANIES, {"page": 2}).json()

    assert first["count"] == 53
    assert len(first["results"]) == 50
    assert first["next"] is not None
    assert len(second["results"]) == 3
    assert second["next"] is None


# --- Registering ------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["16556677-8899", "556677-8899", "5566778899", " 556677 8899 "])
def test_create_normalises_the_org_number(api, advisor, written):
    response = api.post(COMPANIES, new_company(org_number=written), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["org_number"] == "556677-8899"
    assert data["legal_form"] == "limited_company"
    assert data["county"] == "03"
    assert data["version"] == 1
    assert data["source"] == "advisor"
    assert response["ETag"] == '"1"'
    company = Company.objects.get(public_id=data["id"])
    assert company.org_number == "5566778899"
    assert company.created_by == advisor
    assert company.events.filter(kind=CompanyEvent.Kind.CREATED).exists()


def test_create_with_all_fields(api, organisation, advisor):
    payload = new_company(
        sni_code="01110",
        employee_band="10-19",
        turnover_class=3,
        website="https://verktyg.example",
        export_experience="occasionally",
        export_countries=["NO", "DK", "NO"],
        target_markets=["DE"],
        exports_goods=True,
        exports_goods_confirmed_on="2026-01-15",
        responsible_organisation=organisation.pk,
        responsible_advisor=advisor.pk,
    )

    response = api.post(COMPANIES, payload, format="json")

    assert response.status_code == 201, response.json()
    company = Company.objects.get(public_id=response.json()["id"])
    assert company.sni_code_id == "01110"
    assert [c.code for c in company.export_countries] == ["DK", "NO"]
    assert [c.code for c in company.target_markets] == ["DE"]
    assert company.became_international_on is not None
    assert company.responsible_advisor == advisor


def test_a_company_that_is_not_registered_yet_has_no_number(api):
    response = api.post(COMPANIES, new_company(org_number=None), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["org_number"] is None
    assert response.json()["legal_form"] == LegalForm.UNREGISTERED


@pytest.mark.parametrize("written", ["556677-8898", "55667788", "5566-ABCD-99", "4566778899", ""])
def test_an_invalid_org_number_is_a_field_error(api, written):
    response = api.post(COMPANIES, new_company(org_number=written), format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["org_number"]
    assert not Company.objects.exists()


def test_required_fields_and_unknown_codes_are_field_errors(api):
    response = api.post(
        COMPANIES,
        {"org_number": NUMBER, "municipality": "9999", "target_markets": ["XX"], "employee_band": "lots"},
        format="json",
    )

    assert response.status_code == 400
    assert {"name", "municipality", "target_markets", "employee_band"} <= set(response.json()["errors"])


def test_sweden_is_not_a_target_market(api):
    response = api.post(COMPANIES, new_company(target_markets=["DE", "SE"]), format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["target_markets"]
    assert not Company.objects.exists()


def test_a_confirmation_date_needs_its_flag(api):
    response = api.post(COMPANIES, new_company(imports_confirmed_on="2026-01-15"), format="json")

    assert response.status_code == 400
    assert "imports_confirmed_on" in response.json()["errors"]


def test_a_duplicate_org_number_is_a_conflict_with_the_existing_company(api):
    existing = CompanyFactory(org_number=NUMBER, name="Verktyg AB")

    response = api.post(COMPANIES, new_company(org_number="16556677-8899"), format="json")

    assert response.status_code == 409
    data = response.json()
    assert data["existing"] == {"id": str(existing.public_id), "name": "Verktyg AB"}
    assert data["errors"]["org_number"]
    assert Company.objects.count() == 1


def test_a_user_without_a_region_may_not_register_companies(reference_data):
    loner = UserFactory(email="loner@nowhere.example", organisation=OrganisationFactory(slug="no-region"))

    response = client_for(loner).post(COMPANIES, new_company(), format="json")

    assert response.status_code == 403
    assert not Company.objects.exists()


# --- Updating and optimistic locking ---------------------------------------------------------------


def test_update_with_if_match(api, advisor):
    company = CompanyFactory(name="Gammalt Namn AB")

    response = api.patch(company_url(company), {"name": "Nytt Namn AB"}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Nytt Namn AB"
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    company.refresh_from_db()
    assert (company.name, company.version, company.updated_by) == ("Nytt Namn AB", 2, advisor)
    assert company.events.filter(kind=CompanyEvent.Kind.UPDATED).exists()


def test_update_with_the_version_in_the_body(api):
    company = CompanyFactory()

    response = api.patch(
        company_url(company),
        {"version": 1, "employee_band": "20-49", "target_markets": ["US"]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    company.refresh_from_db()
    assert company.employee_band == "20-49"
    assert [c.code for c in company.target_markets] == ["US"]
    assert company.version == 2


def test_put_replaces_the_company(api):
    company = CompanyFactory(name="Gammalt AB")
    data = api.get(company_url(company)).json()
    data.update(name="Nytt AB", municipality="0381", org_number="16556677-8899")

    response = api.put(company_url(company), data, format="json")

    assert response.status_code == 200, response.json()
    company.refresh_from_db()
    assert (company.name, company.municipality_id, company.org_number) == ("Nytt AB", "0381", NUMBER)


def test_a_stale_version_is_refused_and_nothing_changes(api):
    company = CompanyFactory(name="Original AB")
    api.patch(company_url(company), {"name": "Först AB"}, format="json", HTTP_IF_MATCH='"1"')

    by_header = api.patch(company_url(company), {"name": "Sist AB"}, format="json", HTTP_IF_MATCH='"1"')
    by_body = api.patch(company_url(company), {"name": "Sist AB", "version": 1}, format="json")

    assert by_header.status_code == 412
    assert by_body.status_code == 412
    assert by_header.json()["detail"]
    company.refresh_from_db()
    assert (company.name, company.version) == ("Först AB", 2)


def test_an_update_without_a_version_is_refused(api):
    company = CompanyFactory(name="Original AB")

    response = api.patch(company_url(company), {"name": "Utan Version AB"}, format="json")

    assert response.status_code == 428
    assert response.json()["detail"]
    company.refresh_from_db()
    assert (company.name, company.version) == ("Original AB", 1)


def test_changing_to_a_registered_number_is_a_conflict(api):
    existing = CompanyFactory(org_number=NUMBER)
    company = CompanyFactory()

    response = api.patch(
        company_url(company), {"org_number": "556677-8899"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 409
    assert response.json()["existing"]["id"] == str(existing.public_id)


def test_delete_is_not_allowed(api):
    company = CompanyFactory()

    assert api.delete(company_url(company)).status_code == 405
    assert Company.objects.filter(pk=company.pk).exists()


# --- Sole traders' personal identity numbers ----------------------------------------------------------


@pytest.fixture
def sole_trader(uppsala):
    return CompanyFactory(
        org_number=SOLE_TRADER_NUMBER, legal_form=LegalForm.SOLE_TRADER, name="Eva Snickeri"
    )


def test_a_sole_traders_number_is_masked_for_an_advisor(api, sole_trader):
    detail = api.get(company_url(sole_trader)).json()
    listed = api.get(COMPANIES).json()["results"][0]

    assert detail["org_number"] == sole_trader.org_number_masked
    assert listed["org_number"] == sole_trader.org_number_masked
    assert "880320" not in str(detail) + str(listed)


def test_a_sole_traders_number_is_shown_to_an_organisation_lead(sole_trader, organisation):
    lead = UserFactory(email="lead@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD)

    response = client_for(lead).get(company_url(sole_trader))

    assert response.json()["org_number"] == "880320-0016"


def test_a_sole_traders_number_is_shown_to_the_responsible_organisation(api, sole_trader, organisation):
    Company.objects.filter(pk=sole_trader.pk).update(responsible_organisation=organisation)

    assert api.get(company_url(sole_trader)).json()["org_number"] == "880320-0016"


def test_a_masked_number_sent_back_leaves_the_number_alone(api, sole_trader):
    data = api.get(company_url(sole_trader)).json()
    data["name"] = "Eva Snickeri och Måleri"

    response = api.put(company_url(sole_trader), data, format="json")

    assert response.status_code == 200, response.json()
    sole_trader.refresh_from_db()
    assert (sole_trader.org_number, sole_trader.legal_form) == (SOLE_TRADER_NUMBER, LegalForm.SOLE_TRADER)
    assert sole_trader.name == "Eva Snickeri och Måleri"


# --- Query budget ----------------------------------------------------------------------------------------


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(COMPANIES)
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_number_of_queries_for_5_and_40_companies(
    uppsala, advisor, organisation, django_assert_max_num_queries
):
    def make(count):
        CompanyFactory.create_batch(
            count,
            sni_code=SNICode.objects.get(code="01110"),
            turnover_class=TurnoverClass.objects.get(code=3),
            responsible_organisation=organisation,
            responsible_advisor=advisor,
            target_markets=["DE"],
        )

    client = APIClient()
    client.force_login(advisor)  # the user is loaded afresh per request, as in production
    make(4)
    CompanyFactory(org_number=SOLE_TRADER_NUMBER, legal_form=LegalForm.SOLE_TRADER)
    with django_assert_max_num_queries(8):
        few = _list_queries(client)
    make(35)
    with django_assert_max_num_queries(8):
        many = _list_queries(client)

    assert Company.objects.count() == 40
    assert few == many


# --- Contacts --------------------------------------------------------------------------------------------


def new_contact(company, **overrides) -> dict:
    return {
        "company": str(company.public_id),
        "name": "Karin Berg",
        "email": "karin@verktyg.example",
        "phone": "070-123 45 67",
        "legal_basis": "legitimate_interest",
        **overrides,
    }


def test_add_a_contact(api, advisor):
    company = CompanyFactory()

    response = api.post(CONTACTS, new_contact(company), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["company"] == str(company.public_id)
    assert data["phone"] == "+46701234567"
    assert data["is_primary"] is True
    assert data["source"] == "advisor"
    contact = Contact.objects.get(public_id=data["id"])
    assert contact.created_by == advisor
    assert company.events.filter(kind=CompanyEvent.Kind.CONTACT_ADDED).exists()


def test_change_a_contact(api):
    contact = ContactFactory(company=CompanyFactory(), title="")

    response = api.patch(contact_url(contact), {"title": "VD", "phone": "+47 412 34 567"}, format="json")

    assert response.status_code == 200, response.json()
    contact.refresh_from_db()
    assert (contact.title, contact.phone) == ("VD", "+4741234567")


def test_a_contact_cannot_move_to_another_company(api):
    contact = ContactFactory(company=CompanyFactory())
    other = CompanyFactory()

    response = api.patch(contact_url(contact), {"company": str(other.public_id)}, format="json")

    assert response.status_code == 400
    assert "company" in response.json()["errors"]


def test_a_duplicate_email_in_the_same_company_is_a_field_error(api):
    company = CompanyFactory()
    ContactFactory(company=company, email="karin@verktyg.example")

    response = api.post(CONTACTS, new_contact(company, email="Karin@Verktyg.example"), format="json")

    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert company.contacts.count() == 1


def test_consent_needs_its_date(api):
    company = CompanyFactory()

    without = api.post(CONTACTS, new_contact(company, legal_basis="consent"), format="json")
    with_date = api.post(
        CONTACTS, new_contact(company, legal_basis="consent", consent_given_on="2026-02-01"), format="json"
    )

    assert without.status_code == 400
    assert "consent_given_on" in without.json()["errors"]
    assert with_date.status_code == 201, with_date.json()


def test_an_invalid_phone_number_is_a_field_error(api):
    response = api.post(CONTACTS, new_contact(CompanyFactory(), phone="12"), format="json")

    assert response.status_code == 400
    assert "phone" in response.json()["errors"]


@pytest.mark.parametrize("company_id", ["not-a-uuid", str(uuid.uuid5(uuid.NAMESPACE_URL, "unknown"))])
def test_a_contact_needs_a_company_the_user_may_see(api, company_id):
    response = api.post(CONTACTS, {**new_contact(CompanyFactory()), "company": company_id}, format="json")

    assert response.status_code == 400
    assert "company" in response.json()["errors"]


def test_contacts_of_another_region_are_invisible(uppsala, far_advisor):
    contact = ContactFactory(company=CompanyFactory())
    client = client_for(far_advisor)

    assert client.get(CONTACTS).json()["results"] == []
    assert client.get(contact_url(contact)).status_code == 404
    response = client.post(CONTACTS, new_contact(contact.company, email="x@y.example"), format="json")
    assert response.status_code == 400
    assert "company" in response.json()["errors"]


def test_filter_contacts_by_company(api):
    first, second = CompanyFactory(), CompanyFactory()
    mine = ContactFactory(company=first)
    ContactFactory(company=second)

    response = api.get(CONTACTS, {"company": str(first.public_id)})

    assert response.status_code == 200
    assert ids(response) == {str(mine.public_id)}
    assert api.get(CONTACTS, {"company": "nope"}).status_code == 400


def test_the_contact_list_costs_the_same_number_of_queries_for_5_and_40_contacts(
    uppsala, advisor, django_assert_max_num_queries
):
    client = APIClient()
    client.force_login(advisor)
    ContactFactory.create_batch(5)
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as few:
        assert len(client.get(CONTACTS).json()["results"]) == 5
    ContactFactory.create_batch(35)
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as many:
        assert len(client.get(CONTACTS).json()["results"]) == 40

    assert len(few) == len(many)


def test_contacts_cannot_be_deleted_through_the_api(api):
    contact = ContactFactory(company=CompanyFactory())

    assert api.delete(contact_url(contact)).status_code == 405


# --- Schema ------------------------------------------------------------------------------------------------


def test_the_schema_documents_the_api(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/companies/" in schema["paths"]
    assert "/api/v1/contacts/{public_id}/" in schema["paths"]
    patch = schema["paths"]["/api/v1/companies/{public_id}/"]["patch"]
    assert {"409", "412", "428"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    list_parameters = {p["name"] for p in schema["paths"]["/api/v1/companies/"]["get"]["parameters"]}
    assert {"q", "county", "municipality", "target_market", "sort", "page"} <= list_parameters
    assert "delete" not in schema["paths"]["/api/v1/companies/{public_id}/"]
