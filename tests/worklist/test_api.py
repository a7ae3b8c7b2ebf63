"""`/api/v1/worklist/`: the page's sections as counts and rows, read-only, in the schema."""

import pytest

from tests.worklist.test_worklist import _queries, fill, world  # noqa: F401 - the fixture
from worklist.sections import ADVISOR_SECTIONS, LEAD_SECTIONS

pytestmark = pytest.mark.django_db


def test_the_sections_as_counts_and_rows(world, client):  # noqa: F811
    fill(world, 3)
    client.force_login(world["lead"])
    response = client.get("/api/v1/worklist/")
    assert response.status_code == 200
    sections = {section["key"]: section for section in response.json()["sections"]}
    assert list(sections) == [*LEAD_SECTIONS, *ADVISOR_SECTIONS]
    assert sections["referrals_waiting"]["count"] == 3
    assert len(sections["referrals_waiting"]["rows"]) == 3
    assert sections["referrals_waiting"]["url"].endswith("/advisor/referrals/?direction=to_us&status=pending")
    assert {"name", "open", "overdue"} <= set(sections["team_load"]["rows"][0])


def test_it_is_read_only_and_for_signed_in_users(world, client):  # noqa: F811
    assert client.get("/api/v1/worklist/").status_code in (401, 403)
    client.force_login(world["advisor"])
    assert client.post("/api/v1/worklist/", {}).status_code == 405


def test_the_same_queries_for_3_and_30_rows(world, client):  # noqa: F811
    client.force_login(world["staff"])
    fill(world, 3)
    few = _queries(lambda: client.get("/api/v1/worklist/"))
    fill(world, 27)
    assert _queries(lambda: client.get("/api/v1/worklist/")) == few


def test_it_is_in_the_schema_and_the_index(world, client):  # noqa: F811
    client.force_login(world["advisor"])
    assert "/api/v1/worklist/" in client.get("/api/v1/schema/").content.decode()
    assert client.get("/api/v1/").json()["endpoints"]["worklist"].endswith("/api/v1/worklist/")
