"""NUL bytes, invalid UTF-8 and deeply nested JSON are a 400, never a server error."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from advisors.models import User
from exportcenter.api.parsers import nesting_depth
from exportcenter.bad_input import bad_urlencoded
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

PROBLEM_JSON = "application/problem+json"
COMPANIES = "/api/v1/companies/"


@pytest.fixture
def staff(organisation, reference_data, region):
    region.counties.add("03")
    return UserFactory(email="staff@region.example", organisation=organisation, role=User.Role.REGIONAL_STAFF)


@pytest.fixture
def pages(staff):
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


# --- Unit: what counts as unreadable --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "bad"),
    [
        (b"", False),
        (b"q=Sm%C3%B6rg%C3%A5s&page=2", False),  # UTF-8 percent-encoded: fine
        (b"q=a+b;c=d", False),
        (b"q=x%00y", True),
        (b"x%00=1", True),  # in a key too
        (b"q=%ff", True),  # not UTF-8
        (b"q=%C3", True),  # a UTF-8 sequence cut short
        (b"q=\xff", True),  # a raw byte that is not UTF-8
    ],
)
def test_bad_urlencoded(raw, bad):
    assert bad_urlencoded(raw) is bad


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[[[", "]]]"]', 1),  # brackets inside strings do not count
        ('["\\"[[["]', 1),  # nor after an escaped quote
        ("[" * 100 + "]" * 100, 100),
    ],
)
def test_nesting_depth(text, depth):
    assert nesting_depth(text) == depth


# --- Pages --------------------------------------------------------------------------------------


def test_nul_in_a_page_query_is_a_localised_400(pages):
    response = pages.get("/advisor/dashboard/?region=x%00y")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="sv">' in html and "Ogiltig förfrågan" in html

    response = pages.get("/en/advisor/dashboard/?region=x%00y")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


@pytest.mark.parametrize("url", ["/advisor/dashboard/report/?region=%00", "/companies/export.csv?q=%00"])
def test_nul_in_reports_and_exports_is_a_400(pages, url):
    assert pages.get(url).status_code == 400


def test_invalid_utf8_in_a_page_query_is_a_400(pages):
    assert pages.get("/companies/?q=%ff%fe").status_code == 400


def test_readable_queries_still_work(pages):
    response = pages.get("/companies/?q=Sm%C3%B6rg%C3%A5s")
    assert response.status_code == 200


def test_nul_in_a_form_is_a_400_and_nothing_is_written(pages):
    body = "name=Evil%00AB&org_number=5560360793&municipality=0380"
    response = pages.post("/companies/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert not CompanyFactory._meta.model.objects.filter(name__startswith="Evil").exists()


def test_invalid_utf8_in_a_form_is_a_400(pages):
    response = pages.post("/companies/new/", b"name=%ff", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_nul_in_a_multipart_field_is_a_400(pages):
    assert pages.post("/companies/new/", {"name": "Evil\x00 AB"}).status_code == 400
    upload = SimpleUploadedFile("list.csv", b"org_number\n", content_type="text/csv")
    assert pages.post("/companies/import/", {"file": upload, "note": "x\x00"}).status_code == 400


# --- API ----------------------------------------------------------------------------------------


def _is_problem(response, status=400) -> bool:
    return response.status_code == status and response["Content-Type"] == PROBLEM_JSON


def test_nul_in_an_api_query_is_a_problem(api):
    response = api.get(COMPANIES, {"q": "x\x00y"})
    assert _is_problem(response)
    assert response.json()["code"] == "invalid_encoding"
    assert _is_problem(api.get("/api/v1/stats/summary/?region=%00"))


def test_nul_in_an_api_path_is_a_problem(api):
    assert _is_problem(api.get("/api/v1/organisations/x%00y/"))


def test_an_id_with_a_newline_is_an_unknown_endpoint_in_problem_details(api):
    assert _is_problem(api.get("/api/v1/companies/a%0Ab/"), status=404)


def test_deeply_nested_json_is_a_problem(api):
    body = "[" * 100_000 + "]" * 100_000
    response = api.post(COMPANIES, body, content_type="application/json")
    assert _is_problem(response)
    assert "64" in response.json()["detail"]


def test_the_nesting_limit_is_a_setting(api, settings):
    body = json.dumps({"name": [[["x"]]]})
    settings.API_JSON_MAX_DEPTH = 3
    response = api.post(COMPANIES, body, content_type="application/json")
    assert _is_problem(response) and response.json()["code"] == "parse_error"
    settings.API_JSON_MAX_DEPTH = 4
    response = api.post(COMPANIES, body, content_type="application/json")
    assert (
        response.status_code == 400 and response.json()["code"] == "invalid"
    )  # parsed: the fields are wrong


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "Evil\\u0000AB"}',  # a NUL escaped in a string
        b'{"na\\u0000me": "Evil AB"}',  # in a key
        b'{"name": "\\ud800"}',  # a lone surrogate
    ],
)
def test_json_that_cannot_be_stored_is_a_problem(api, body):
    response = api.post(COMPANIES, body, content_type="application/json")
    assert _is_problem(response)
    assert response.json()["code"] == "parse_error"


def test_nul_in_an_api_form_body_is_a_problem(api):
    response = api.post(COMPANIES, "name=Evil%00AB", content_type="application/x-www-form-urlencoded")
    assert _is_problem(response) and response.json()["code"] == "invalid_encoding"
