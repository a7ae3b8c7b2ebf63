"""The API of the canned replies (`/api/v1/canned-replies/`): the same access rules as the pages (another
organisation's replies are a 404), the placeholders checked on save, versions on change and delete, and the
list's query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from advisors.models import User
from referrals import services
from referrals.models import CannedReply
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/canned-replies/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def lead(organisation):
    return UserFactory(email="lead@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD)


@pytest.fixture
def staff(region):
    organisation = OrganisationFactory(slug="region-uppsala", regions=[region])
    return UserFactory(email="staff@region.example", organisation=organisation, role=User.Role.REGIONAL_STAFF)


@pytest.fixture
def ekn_lead(region):
    ekn = OrganisationFactory(name="EKN", slug="ekn", regions=[region])
    return UserFactory(email="lead@ekn.example", organisation=ekn, role=User.Role.ORGANISATION_LEAD)


def payload(**overrides):
    return {
        "title": "First answer",
        "language": "en",
        "body": "Hello {company}",
        "is_active": True,
        **overrides,
    }


def test_a_lead_adds_changes_and_deletes_the_organisations_reply(lead, organisation):
    created = api(lead).post(URL, payload(organisation=organisation.slug), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["scope"], body["organisation"], body["region"], body["version"]) == (
        "organisation",
        organisation.slug,
        None,
        1,
    )
    assert created["ETag"] == '"1"'
    url = f"{URL}{body['id']}/"
    assert api(lead).patch(url, {"title": "Hello"}, format="json").status_code == 428
    assert api(lead).patch(url, {"title": "Hello"}, format="json", HTTP_IF_MATCH='"7"').status_code == 412
    changed = api(lead).patch(url, {"title": "Hello"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed.json()["version"] == 2 and changed["ETag"] == '"2"'
    assert api(lead).delete(url).status_code == 428
    assert api(lead).delete(url, HTTP_IF_MATCH='"1"').status_code == 412
    assert api(lead).delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert not CannedReply.objects.exists()


def test_an_unknown_placeholder_is_a_400_on_the_text(lead, organisation, in_english):
    response = api(lead).post(
        URL,
        payload(organisation=organisation.slug, body="Hi {namn} {"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    problem = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    messages = " ".join(problem["errors"]["body"])
    assert "Unknown placeholder: {namn}." in messages and "A brace has no partner" in messages
    assert not CannedReply.objects.exists()


def test_owner_rules_when_adding(lead, staff, organisation, region, ekn_lead):
    both = api(lead).post(URL, payload(organisation=organisation.slug, region=region.slug), format="json")
    assert both.status_code == 400
    assert api(lead).post(URL, payload(), format="json").status_code == 400
    assert api(lead).post(URL, payload(region=region.slug), format="json").status_code == 403
    assert api(lead).post(URL, payload(organisation="ekn"), format="json").status_code == 403
    assert api(lead).post(URL, payload(organisation="nobody"), format="json").status_code == 400
    shared = api(staff).post(URL, payload(region=region.slug), format="json")
    assert shared.status_code == 201 and shared.json()["scope"] == "region"
    assert api(staff).post(URL, payload(organisation=organisation.slug), format="json").status_code == 403
    duplicate = api(staff).post(URL, payload(region=region.slug, title="FIRST ANSWER"), format="json")
    assert duplicate.status_code == 400 and "title" in duplicate.json()["errors"]


def test_access_by_organisation(lead, staff, ekn_lead, advisor, organisation, region):
    ours = services.create_canned_reply(by=lead, organisation=organisation, data=payload())
    theirs = services.create_canned_reply(by=ekn_lead, organisation=ekn_lead.organisation, data=payload())
    shared = services.create_canned_reply(by=staff, region=region, data=payload())
    listed = {row["id"] for row in api(advisor).get(URL).json()["results"]}
    assert listed == {ours.pk, shared.pk}
    assert api(advisor).get(f"{URL}{theirs.pk}/").status_code == 404
    assert api(lead).patch(f"{URL}{theirs.pk}/", {"title": "x"}, HTTP_IF_MATCH='"1"').status_code == 404
    assert api(lead).delete(f"{URL}{theirs.pk}/", HTTP_IF_MATCH='"1"').status_code == 404
    assert api(advisor).patch(f"{URL}{ours.pk}/", {"title": "x"}, HTTP_IF_MATCH='"1"').status_code == 403
    assert api(lead).patch(f"{URL}{shared.pk}/", {"title": "x"}, HTTP_IF_MATCH='"1"').status_code == 403
    moved = api(lead).patch(f"{URL}{ours.pk}/", {"organisation": "ekn"}, format="json", HTTP_IF_MATCH='"1"')
    assert moved.status_code == 400
    assert api(lead).get(f"{URL}99999999999999999999/").status_code == 404
    assert api(lead).get(f"{URL}abc/").status_code == 404
    assert CannedReply.objects.get(pk=ours.pk).organisation == organisation


def test_the_list_filters(lead, organisation):
    services.create_canned_reply(by=lead, organisation=organisation, data=payload())
    services.create_canned_reply(by=lead, organisation=organisation, data=payload(language="sv", title="Hej"))
    assert [row["title"] for row in api(lead).get(URL, {"language": "sv"}).json()["results"]] == ["Hej"]
    assert api(lead).get(URL, {"language": "fi"}).status_code == 400


def test_the_list_query_count_does_not_grow(lead, staff, organisation, region):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api(lead).get(URL).status_code == 200
        return len(queries)

    for n in range(3):
        services.create_canned_reply(by=lead, organisation=organisation, data=payload(title=f"R{n}"))
    count()  # the user's regions are read once, and kept on the (forcibly authenticated) user object
    few = count()
    for n in range(3, 30):
        owner = {"organisation": organisation} if n % 2 else {"region": region}
        services.create_canned_reply(by=lead if n % 2 else staff, data=payload(title=f"R{n}"), **owner)
    assert api(lead).get(URL).json()["count"] == 30
    assert count() == few <= 3
