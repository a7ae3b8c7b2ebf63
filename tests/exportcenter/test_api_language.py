"""The REST API answers in the language of Accept-Language; pages keep their URL's language."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en", "Authentication credentials were not provided."),
        ("en-GB,en;q=0.8", "Authentication credentials"),
    ],
)
def test_the_api_speaks_the_requested_language(header, expected):
    response = APIClient().get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code in (401, 403)
    assert expected in response.json()["detail"]
    assert response["Content-Language"] == "en"


def test_the_api_speaks_swedish_by_default(advisor):
    client = APIClient()
    client.force_authenticate(UserFactory(email="x@almi.example", organisation=advisor.organisation))
    response = client.get("/api/v1/companies/?municipality=nope")
    assert response.status_code == 400
    assert response["Content-Language"] == "sv"


def test_pages_keep_the_language_of_their_url(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "sv"
