"""Every API error answers in one shape: RFC 9457 problem details (application/problem+json)."""

import uuid

import pytest
from rest_framework import exceptions
from rest_framework.test import APIClient

from advisors.models import Region
from companies import services as company_services
from exportcenter.api.problems import PROBLEM_JSON, exception_handler, field_errors
from exportcenter.errors import Stale
from outreach import services as outreach_services
from referrals import services as referral_services
from tests.factories import CompanyFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

COMPANIES = "/api/v1/companies/"


def company_url(company) -> str:
    return f"{COMPANIES}{company.public_id}/"


@pytest.fixture
def api(reference_data, region, advisor):
    region.counties.add("03")
    client = APIClient()
    client.force_authenticate(advisor)
    return client


def _bad_filter(api, company):
    return api.get(COMPANIES, {"municipality": "nope"})


def _anonymous(api, company):
    return APIClient().get(COMPANIES)


def _forbidden(api, company):
    """An advisor creates campaigns for their own organisation only."""
    other = OrganisationFactory(slug="ekn", regions=[Region.objects.get(slug="uppsala")])
    body = {"name": "Vår", "organisation": other.slug, "starts_on": "2026-03-01", "ends_on": "2026-05-31"}
    return api.post("/api/v1/campaigns/", body, format="json")


def _unknown(api, company):
    return api.get(f"{COMPANIES}{uuid.uuid4()}/")


def _delete(api, company):
    return api.delete(company_url(company))


def _duplicate(api, company):
    return api.post(
        COMPANIES,
        {"org_number": company.org_number, "name": "Kopia AB", "municipality": "0380"},
        format="json",
    )


def _stale(api, company):
    return api.patch(company_url(company), {"name": "Nytt AB"}, format="json", HTTP_IF_MATCH='"7"')


def _no_version(api, company):
    return api.patch(company_url(company), {"name": "Nytt AB"}, format="json")


def _superscript_version(api, company):
    return api.patch(company_url(company), {"name": "Nytt AB", "version": "²"}, format="json")


def _superscript_filter(api, company):
    return api.get("/api/v1/follow-ups/", {"owner": "\x1f²"})


def _plain_text(api, company):
    return api.patch(company_url(company), "name=Nytt", content_type="text/plain", HTTP_IF_MATCH='"1"')


@pytest.mark.parametrize(
    ("call", "status", "code"),
    [
        (_bad_filter, 400, "invalid"),
        (_anonymous, 403, "not_authenticated"),
        (_forbidden, 403, "permission_denied"),
        (_unknown, 404, "not_found"),
        (_delete, 405, "method_not_allowed"),
        (_duplicate, 409, "duplicate"),
        (_stale, 412, "precondition_failed"),
        (_no_version, 428, "precondition_required"),
        (_plain_text, 415, "unsupported_media_type"),
    ],
    ids=["400", "403-anonymous", "403", "404", "405", "409", "412", "428", "415"],
)
def test_every_error_is_problem_details(api, call, status, code):
    company = CompanyFactory()

    response = call(api, company)

    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"] and isinstance(body["title"], str)
    assert body["detail"] and isinstance(body["detail"], str)
    if status == 400:
        assert body["errors"] == {"municipality": [body["detail"]]}
    if status == 409:
        assert body["errors"]["org_number"] == [body["detail"]]
        assert body["existing"] == {"id": str(company.public_id), "name": company.name}
    company.refresh_from_db()
    assert company.version == 1  # nothing was written


@pytest.mark.parametrize(
    ("call", "field"), [(_superscript_version, "version"), (_superscript_filter, "owner")]
)
def test_a_digit_only_unicode_calls_a_digit_is_a_400_next_to_its_field(api, call, field):
    """A "²" passes str.isdigit() and fails int(): the API contract check found it as a 500."""
    company = CompanyFactory()
    response = call(api, company)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    assert list(response.json()["errors"]) == [field]
    company.refresh_from_db()
    assert company.version == 1


# /api/v1/ itself is the index (tests/exportcenter/test_api_index_docs.py).
@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/companies/not-a-uuid/", "/api/v1/v2/"])
def test_an_address_that_names_no_endpoint_is_a_404_problem(path):
    response = APIClient().post(path, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM_JSON)
    assert response.json()["title"] == "Not found"


def test_an_address_without_its_slash_is_still_redirected(api):
    assert api.get("/api/v1/companies").status_code == 301


def test_the_problem_is_worded_in_the_language_asked_for(api):
    swedish = api.get(COMPANIES, {"municipality": "nope"})
    english = api.get(COMPANIES, {"municipality": "nope"}, HTTP_ACCEPT_LANGUAGE="en")

    assert (swedish.json()["title"], swedish["Content-Language"]) == ("Ogiltiga uppgifter", "sv")
    assert (english.json()["title"], english["Content-Language"]) == ("Invalid input", "en")
    assert swedish.json()["detail"] != english.json()["detail"]


def test_several_field_errors_are_listed_per_field_and_nested_fields_by_path():
    detail = {
        "name": [exceptions.ErrorDetail("Required.")],
        "consent": {"confirmed": ["Must be true."]},
        "target_markets": {0: ["“XX” is not a country."]},
        "non_field_errors": ["Send either one."],
    }

    assert field_errors(detail) == {
        "name": ["Required."],
        "consent.confirmed": ["Must be true."],
        "target_markets": ["“XX” is not a country."],
        "non_field_errors": ["Send either one."],
    }


def test_a_client_asking_only_for_problem_details_is_served(api):
    listed = api.get(COMPANIES, HTTP_ACCEPT=PROBLEM_JSON)
    refused = api.get(COMPANIES, {"municipality": "nope"}, HTTP_ACCEPT=PROBLEM_JSON)

    assert listed.status_code == 200
    assert (refused.status_code, refused["Content-Type"]) == (400, PROBLEM_JSON)


def test_too_many_requests_is_problem_details_with_retry_after():
    response = exception_handler(exceptions.Throttled(wait=30), {})

    assert response.status_code == 429
    assert response.content_type == PROBLEM_JSON
    assert response["Retry-After"] == "30"
    assert response.data["status"] == 429
    assert response.data["code"] == "throttled"
    assert response.data["detail"]


def test_a_stale_service_error_is_a_412_and_a_server_error_stays_a_500():
    stale = exception_handler(company_services.StaleCompany(), {})

    assert (stale.status_code, stale.data["code"]) == (412, "precondition_failed")
    assert exception_handler(RuntimeError("bug"), {}) is None


@pytest.mark.parametrize(
    "stale",
    [
        company_services.StaleCompany,
        referral_services.StaleService,
        outreach_services.StaleFollowUp,
        referral_services.StaleRequest,
        referral_services.StaleReferral,
    ],
)
def test_every_stale_error_is_one_kind(stale):
    assert issubclass(stale, Stale)


def _component(schema, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_the_schema_documents_every_error_as_a_problem(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])
    errors_seen = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "403" in operation["responses"], (path, method)
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                errors_seen += 1
                assert list(response["content"]) == [PROBLEM_JSON], (path, method, status)
                component = _component(schema, response["content"][PROBLEM_JSON]["schema"]["$ref"])
                assert set(problem["properties"]) <= set(component["properties"]), (path, method, status)
    assert errors_seen > 100
    patch = schema["paths"]["/api/v1/companies/{public_id}/"]["patch"]["responses"]
    assert patch["400"]["content"][PROBLEM_JSON]["schema"]["$ref"].endswith("/Problem")


def test_the_base_documents_the_version_headers_and_answers_of_every_versioned_write(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    def operation(path, method):
        found = schema["paths"][path][method]
        return {p["name"] for p in found.get("parameters", [])}, set(found["responses"])

    for path in ("/api/v1/requests/{public_id}/assign/", "/api/v1/referrals/{public_id}/accept/"):
        parameters, responses = operation(path, "post")
        assert "If-Match" in parameters, path
        assert {"200", "400", "403", "404", "412", "428"} <= responses, path
    parameters, responses = operation("/api/v1/requests/{public_id}/refer/", "post")
    assert "If-Match" in parameters and {"201", "409", "412", "428"} <= responses
    parameters, responses = operation("/api/v1/requests/{public_id}/claim/", "post")
    assert "If-Match" not in parameters and not {"412", "428"} & responses
    parameters, responses = operation("/api/v1/referrals/{public_id}/", "get")
    assert {"200", "403", "404"} <= responses and "412" not in responses
    headers = schema["paths"]["/api/v1/referrals/{public_id}/"]["get"]["responses"]["200"].get("headers", {})
    assert "ETag" in headers
