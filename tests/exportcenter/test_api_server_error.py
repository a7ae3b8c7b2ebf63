"""An unhandled exception in an API view answers as problem details (RFC 9457), a 500 that tells nothing of
the cause, and is logged with its traceback; outside /api/ the 500 stays the HTML page."""

import logging

import pytest
from django.test import Client
from django.urls import path
from django.utils import translation
from rest_framework.views import APIView

from exportcenter import urls as project_urls
from exportcenter.api.problems import PROBLEM_JSON

SECRET = "connection to 10.0.0.7 refused for user exportcenter_rw"


class Boom(APIView):
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        raise RuntimeError(SECRET)


def plain_boom(request):
    raise RuntimeError(SECRET)


urlpatterns = [
    path("api/v1/test-boom/", Boom.as_view()),
    path("api/v1/test-plain-boom/", plain_boom),
    path("test-page-boom/", plain_boom),
    *project_urls.urlpatterns,
]
handler500 = project_urls.handler500

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/api/v1/test-boom/", "/api/v1/test-plain-boom/"])
def test_an_api_server_error_is_a_problem_that_leaks_nothing(client, caplog, url):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "about:blank",
        "title": "Server error",
        "status": 500,
        "code": "server_error",
        "detail": "Something went wrong on the server. The error has been logged; please try again later.",
    }
    body = response.content.decode()
    assert SECRET not in body and "RuntimeError" not in body and "Traceback" not in body
    logged = [record for record in caplog.records if record.exc_info]
    assert logged and logged[0].exc_info[0] is RuntimeError and SECRET in str(logged[0].exc_info[1])


def test_the_problem_is_in_swedish_by_default(client):
    response = client.get("/api/v1/test-boom/", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 500
    with translation.override("sv"):
        assert response.json()["title"] == "Serverfel"


def test_a_page_server_error_is_still_the_html_page(client):
    response = client.get("/test-page-boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert SECRET not in response.content.decode()
