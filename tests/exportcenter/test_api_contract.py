"""The API keeps its contract: what it answers is what the OpenAPI schema says.

The live check (schemathesis against a running portal) is `bin/api-contract`, a step of `.ci/run`; these
tests pin each fix it led to, validating real answers against the generated schema with schemathesis.
"""

import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from schemathesis.core.transport import Response

from advisors.models import User
from exportcenter.api.schema import ANY_OPERATION
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(scope="module")
def contract(openapi):
    return schemathesis.openapi.from_dict(openapi)


@pytest.fixture
def staff(organisation, reference_data, region):
    region.counties.add("03")
    return UserFactory(email="staff@region.example", organisation=organisation, role=User.Role.REGIONAL_STAFF)


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


def conforms(contract, method: str, path: str, response) -> None:
    """Raises unless the Django test response matches the schema of the operation (status, type, body)."""
    answer = Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.items()},
        content=response.content,
        request=requests.Request(method, f"http://testserver{path}").prepare(),
        elapsed=0.0,
        verify=False,
        encoding="utf-8",
    )
    contract[path][method].validate_response(answer)
    documented = contract.raw_schema["paths"][path][method.lower()]["responses"]
    assert str(response.status_code) in documented, (
        f"{method} {path}: {response.status_code} is not documented"
    )


def _operations(openapi):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


# --- Declared as they are ------------------------------------------------------------------------


def test_nullable_and_blank_fields_are_declared(openapi):
    request = openapi["components"]["schemas"]["Request"]["properties"]
    for name in ("region", "owner_organisation", "duplicate_of"):
        assert request[name].get("nullable") is True, name
    outcome_choices = [
        ref["$ref"].rsplit("/", 1)[1]
        for ref in request["outcome"].get("oneOf", [request["outcome"]])
        if "$ref" in ref
    ]
    assert "BlankEnum" in outcome_choices  # a request not closed has no outcome: ""
    website = openapi["components"]["schemas"]["Organisation"]["properties"]["website"]
    assert {"type": "string", "maxLength": 0} in website["oneOf"]  # no website: ""


def test_a_request_without_owner_or_outcome_conforms(api, contract):
    from referrals import services
    from referrals.need_categories import seed_need_categories
    from tests.referrals.conftest import build_submission

    seed_need_categories()
    advice_request = services.submit_request(submission=build_submission())
    assert advice_request.owner_organisation_id is None and advice_request.duplicate_of_id is None
    assert advice_request.outcome == ""
    response = api.get("/api/v1/requests/")
    assert response.json()["results"][0]["owner_organisation"] is None
    conforms(contract, "GET", "/api/v1/requests/", response)


def test_an_organisation_without_a_website_conforms(api, contract, region):
    partner = OrganisationFactory(slug="almi", website="", regions=[region])
    path = f"/api/v1/organisations/{partner.slug}/"
    response = api.get(path)
    assert response.json()["website"] == ""
    conforms(contract, "GET", "/api/v1/organisations/{slug}/", response)


# --- Every error documented where it can happen ----------------------------------------------------


def test_every_operation_documents_the_errors_any_request_can_meet(openapi):
    for path, method, operation in _operations(openapi):
        documented = set(operation["responses"])
        assert set(ANY_OPERATION) <= documented, f"{method.upper()} {path}: {documented}"
        if "{" in path:
            assert "404" in documented, f"{method.upper()} {path}"
        if "requestBody" in operation:
            assert "415" in documented, f"{method.upper()} {path}"
        for code, response in operation["responses"].items():
            if int(code) >= 400:
                assert list(response["content"]) == ["application/problem+json"], f"{method} {path} {code}"


@pytest.mark.parametrize(
    ("query", "status"),
    [("page=0", 404), ("page=x", 404), ("page=999", 404), ("municipality=nope", 400), ("q=%00", 400)],
)
def test_bad_pages_and_filters_answer_as_documented(api, contract, query, status):
    response = api.get(f"/api/v1/companies/?{query}")
    assert response.status_code == status
    conforms(contract, "GET", "/api/v1/companies/", response)


def test_signed_out_answers_are_documented(contract):
    response = APIClient().get("/api/v1/companies/", HTTP_AUTHORIZATION="Bearer ec_nope_nope")
    assert response.status_code == 401
    conforms(contract, "GET", "/api/v1/companies/", response)
    assert APIClient().get("/api/v1/me/").status_code == 403
    conforms(contract, "GET", "/api/v1/me/", APIClient().get("/api/v1/me/"))


def test_an_unsupported_media_type_is_documented(api, contract):
    response = api.post("/api/v1/companies/", b"<company/>", content_type="application/xml")
    assert response.status_code == 415
    conforms(contract, "POST", "/api/v1/companies/", response)
