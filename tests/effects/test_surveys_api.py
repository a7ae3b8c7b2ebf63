"""The surveys' API and access rules: rows for the region's people, free text only for the owning
organisation and regional staff, nothing for the national role; query budgets of the lists."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advisors import access
from effects.models import FollowUpSurvey, SatisfactionSurvey
from tests.effects.survey_helpers import *  # noqa: F403 - the fixture `world`
from tests.effects.survey_helpers import (
    answered_survey,
    company_with_contact,
    sent_follow_up,
)
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def surveys(world):
    almi = answered_survey(region=world.region, owner=world.almi, score=5, comment="Almi var toppen")
    ekn = answered_survey(region=world.region, owner=world.ekn, score=2, comment="EKN var långsamma")
    company, contact = company_with_contact(email="f@verktyg.example")
    follow_up = sent_follow_up(company=company, region=world.region, contact=contact)
    FollowUpSurvey.objects.filter(pk=follow_up.pk).update(
        status="answered", answered_at=timezone.now(), exports_goods=True, comment="Vi exporterar nu"
    )
    follow_up.refresh_from_db()
    return almi, ekn, follow_up


def comments(client, user, url="/api/v1/surveys/satisfaction/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {row["id"]: row["comment"] for row in response.json()["results"]}


def test_free_text_only_for_the_owning_organisation_and_regional_staff(client, world, surveys):
    almi, ekn, _follow_up = surveys
    a, e = str(almi.public_id), str(ekn.public_id)
    assert comments(client, world.advisor) == {a: "Almi var toppen", e: None}
    assert comments(client, world.lead) == {a: "Almi var toppen", e: None}
    assert comments(client, world.ekn_advisor) == {a: None, e: "EKN var långsamma"}
    assert comments(client, world.staff) == {a: "Almi var toppen", e: "EKN var långsamma"}


def test_follow_up_free_text_for_regional_staff_only(client, world, surveys):
    follow_up = str(surveys[2].public_id)
    assert comments(client, world.lead, "/api/v1/surveys/follow-ups/") == {follow_up: None}
    assert comments(client, world.staff, "/api/v1/surveys/follow-ups/") == {follow_up: "Vi exporterar nu"}


def test_the_national_role_sees_no_survey(client, world, surveys):
    almi, _ekn, follow_up = surveys
    client.force_login(world.national)
    for url in ("/api/v1/surveys/satisfaction/", "/api/v1/surveys/follow-ups/"):
        assert client.get(url).json()["results"] == []
    assert client.get(f"/api/v1/surveys/satisfaction/{almi.public_id}/").status_code == 404
    assert client.get(f"/api/v1/surveys/follow-ups/{follow_up.public_id}/").status_code == 404
    assert not access.visible(world.national, SatisfactionSurvey.objects.all()).exists()
    assert not access.can(world.national, "view_personal_data", almi)
    assert not access.can(world.national, "oversee", SatisfactionSurvey)


def test_another_regions_people_see_nothing(client, world, surveys):
    elsewhere = RegionFactory(name="Exportcenter Gävleborg", slug="gavleborg")
    stranger = UserFactory(email="x@gavle.example", organisation=OrganisationFactory(regions=[elsewhere]))
    assert comments(client, stranger) == {}
    assert comments(client, stranger, "/api/v1/surveys/follow-ups/") == {}


def test_the_policy_answers_can_as_permitted_does(world, surveys):
    almi, ekn, follow_up = surveys
    for user in (world.staff, world.lead, world.advisor, world.ekn_lead, world.ekn_advisor, world.national):
        allowed = set(access.permitted(user, "view_personal_data", SatisfactionSurvey.objects.all()))
        assert allowed == {s for s in (almi, ekn) if access.can(user, "view_personal_data", s)}, user
        allowed = set(access.permitted(user, "view_personal_data", FollowUpSurvey.objects.all()))
        assert allowed == ({follow_up} if access.can(user, "view_personal_data", follow_up) else set()), user


def test_nobody_changes_a_survey_through_the_api(client, world, surveys):
    client.force_login(world.staff)
    url = f"/api/v1/surveys/satisfaction/{surveys[0].public_id}/"
    assert client.patch(url, {"satisfaction": 1}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/api/v1/surveys/satisfaction/", "/api/v1/surveys/follow-ups/"])
def test_query_budget_is_flat(client, world, url):
    def add(n):
        for i in range(n):
            answered_survey(
                region=world.region, owner=world.almi if i % 2 else world.ekn, score=4, comment="c"
            )
            company, contact = company_with_contact(email=f"q{i}-{n}@verktyg.example")
            sent_follow_up(company=company, region=world.region, contact=contact)

    client.force_login(world.staff)
    add(3)
    few = count(client, url)
    add(27)
    many = count(client, url)
    assert many == few <= 12, (few, many)


def test_the_lists_filter(client, world, surveys):
    client.force_login(world.staff)
    rows = client.get("/api/v1/surveys/satisfaction/", {"organisation": "ekn"}).json()["results"]
    assert [row["id"] for row in rows] == [str(surveys[1].public_id)]
    today = datetime.date.today().isoformat()
    assert (
        len(client.get("/api/v1/surveys/follow-ups/", {"wave": 6, "answered_from": today}).json()["results"])
        <= 1
    )
    assert client.get("/api/v1/surveys/follow-ups/", {"wave": 7}).status_code == 400
