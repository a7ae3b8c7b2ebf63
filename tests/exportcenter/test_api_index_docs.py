"""/api/v1/ answers with an index of the endpoints; the schema and Swagger UI are for signed-in users
unless API_DOCS_PUBLIC opens them."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_index_lists_every_endpoint(advisor):
    response = signed_in(advisor).get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    endpoints = body["endpoints"]
    for name in (
        "companies",
        "company-imports",
        "need-categories",
        "goals",
        "saved-views",
        "tokens",
        "me",
        "stats",
    ):
        assert name in endpoints
    assert endpoints["goals"] == "http://testserver/api/v1/goals/"
    assert body["schema"] == "http://testserver/api/v1/schema/"
    assert body["docs"] == "http://testserver/api/v1/docs/"
    for url in endpoints.values():  # every link names an endpoint (the audit log is regional staff's: 403)
        assert signed_in(advisor).get(url).status_code in (200, 403), url


def test_the_index_is_not_a_404_signed_out(db):
    response = APIClient().get("/api/v1/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_the_schema_and_docs_need_a_signed_in_user(advisor):
    anonymous = APIClient()
    schema = anonymous.get("/api/v1/schema/")
    assert schema.status_code == 403
    assert schema["Content-Type"] == "application/problem+json"
    docs = anonymous.get("/api/v1/docs/")
    assert docs.status_code == 302
    assert "/login/?next=/api/v1/docs/" in docs["Location"]
    assert signed_in(advisor).get("/api/v1/schema/").status_code == 200
    assert signed_in(advisor).get("/api/v1/docs/").status_code == 200


def test_a_setting_opens_the_docs_to_everyone(db, settings):
    settings.API_DOCS_PUBLIC = True
    anonymous = APIClient()
    assert anonymous.get("/api/v1/schema/").status_code == 200
    assert anonymous.get("/api/v1/docs/").status_code == 200


def test_the_schema_documents_the_bearer_token(advisor):
    schema = signed_in(advisor).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    document = schema.json()
    assert document["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"
    operation = document["paths"]["/api/v1/companies/"]["get"]
    assert {"tokenAuth": []} in operation["security"]
