"""The shared inbox's actions in the REST API: /api/v1/requests/<id>/<action>/ (issue 5, item 9): reading,
claim, assign, transition and priority. Versions, duplicates, notes and messages: test_writes.py."""

import pytest
from django.utils import translation

from advisors.models import User
from referrals import services
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.api_actions.helpers import client_for, kinds, post, reload, url

pytestmark = pytest.mark.django_db


# --- Reading --------------------------------------------------------------------------------------


def test_the_detail_sends_its_version_as_etag(api, request_):
    response = api.get(url(request_))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1
    assert response.json()["owner_advisor"] is None


def test_list_filters_do_not_hide_a_request_from_its_actions(api, request_):
    # ?status=closed filters the list; on a request's own endpoints it must not turn into a 404.
    assert api.get(url(request_) + "?status=closed").status_code == 200
    assert api.get("/api/v1/requests/", {"status": "closed"}).json()["count"] == 0


def test_the_timeline_shows_what_the_user_may_see_with_its_details(api, advisor, request_):
    services.add_note(request=request_, by=advisor, body="Ring dem i morgon.")
    response = api.get(url(request_, "timeline"))
    assert response.status_code == 200
    created, note = response.json()
    assert (created["kind"], created["actor"], created["organisation"], created["data"]) == (
        "created",
        None,
        None,
        {"channel": "web"},
    )
    assert note["kind"] == "note"
    assert note["actor"] == {"id": advisor.pk, "name": "Anna Andersson"}
    assert note["organisation"] == {"slug": "almi-uppsala", "name": "Almi Uppsala"}
    assert (note["body"], note["visibility"]) == ("Ring dem i morgon.", "all")
    assert note["created_at"]


# --- Claim ----------------------------------------------------------------------------------------


def test_claim(api, advisor, request_):
    response = post(api, request_, "claim")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["owner_advisor"] == {"id": advisor.pk, "name": "Anna Andersson"}
    assert (body["owner_organisation"], body["status"], body["version"]) == ("almi-uppsala", "triaged", 2)
    assert response["ETag"] == '"2"'
    assert body["first_response_at"] is not None
    assert kinds(api, request_)[-1] == "claimed"
    assert api.get(url(request_, "timeline")).json()[-1]["actor"]["name"] == "Anna Andersson"


def test_taking_a_request_one_already_has_is_no_conflict(api, request_):
    assert post(api, request_, "claim").status_code == 200
    again = post(api, request_, "claim")
    assert again.status_code == 200
    assert again.json()["version"] == 2
    assert kinds(api, request_).count("claimed") == 1


def test_claim_lost_to_a_colleague_is_a_conflict(english, api, organisation, request_):
    colleague = UserFactory(full_name="Carl Colleague", organisation=organisation)
    services.claim(request=request_, advisor=colleague)
    response = post(api, request_, "claim")
    assert response.status_code == 409
    assert response.json()["detail"] == "Carl Colleague has already taken this request."
    assert reload(request_).owner_advisor == colleague


def test_another_organisations_request_cannot_be_claimed(api, advisor, ekn, request_):
    services.assign(request=request_, by=advisor, organisation=ekn, expected_version=1)
    assert post(api, request_, "claim").status_code == 403
    assert reload(request_).owner_advisor is None


# --- Assign ---------------------------------------------------------------------------------------


def test_assign_to_an_organisations_queue(api, ekn, request_):
    response = post(api, request_, "assign", {"organisation": "ekn"}, version=1)
    assert response.status_code == 200, response.json()
    assert (response.json()["owner_organisation"], response.json()["owner_advisor"]) == ("ekn", None)
    assert response["ETag"] == '"2"'
    event = api.get(url(request_, "timeline")).json()[-1]
    assert event["kind"] == "assigned"
    assert event["data"]["to"] == {"organisation": ekn.pk, "advisor": None}


def test_assign_to_an_advisor_with_the_version_in_the_body(api, ekn_advisor, request_):
    response = post(api, request_, "assign", {"advisor": ekn_advisor.pk, "version": 1})
    assert response.status_code == 200, response.json()
    assert response.json()["owner_advisor"] == {"id": ekn_advisor.pk, "name": "Erik Ek"}
    assert response.json()["owner_organisation"] == "ekn"
    assert kinds(api, request_)[-1] == "assigned"


@pytest.fixture
def assignees(region, far_advisor, ekn_advisor):
    inactive_org = OrganisationFactory(slug="closed-down", regions=[region], is_active=False)
    return {
        "ekn_advisor": ekn_advisor.pk,
        "far_org": far_advisor.organisation.slug,
        "far_advisor": far_advisor.pk,
        "inactive_org": inactive_org.slug,
        "advisor_of_inactive_org": UserFactory(organisation=inactive_org).pk,
        "inactive_advisor": UserFactory(
            organisation=OrganisationFactory(regions=[region]), is_active=False
        ).pk,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organisation": "no-such-partner"}, "organisation"),
        ({"organisation": "far_org"}, "organisation"),  # does not serve Uppsala
        ({"organisation": "inactive_org"}, "organisation"),
        ({"advisor": "far_advisor"}, "advisor"),  # of another region
        ({"advisor": "inactive_advisor"}, "advisor"),
        ({"advisor": "advisor_of_inactive_org"}, "advisor"),
        ({"advisor": 999999}, "advisor"),
        ({"advisor": "abc"}, "advisor"),
        ({}, "non_field_errors"),
        ({"organisation": "ekn", "advisor": "ekn_advisor"}, "non_field_errors"),
    ],
)
def test_assigning_to_someone_who_cannot_take_it_is_a_field_error(api, ekn, assignees, request_, body, field):
    body = {
        key: assignees.get(value, value) if isinstance(value, str) else value for key, value in body.items()
    }
    response = post(api, request_, "assign", body, version=1)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    request_ = reload(request_)
    assert (request_.owner_organisation, request_.version) == (None, 1)


def test_an_organisation_that_does_not_serve_the_region_is_named(english, api, far_advisor, request_):
    response = post(api, request_, "assign", {"organisation": "almi-skane"}, version=1)
    assert response.status_code == 400
    name = far_advisor.organisation.name
    assert response.json()["errors"] == {"organisation": [f"{name} does not serve Exportcenter Uppsala län."]}


def test_a_superuser_cannot_assign_to_someone_outside_every_organisation(request_):
    admin = User.objects.create_superuser("admin@exportcenter.example", "pw")
    other_admin = User.objects.create_superuser("root@exportcenter.example", "pw")
    response = post(client_for(admin), request_, "assign", {"advisor": other_admin.pk}, version=1)
    assert response.status_code == 400
    assert "advisor" in response.json()["errors"]
    assert reload(request_).owner_advisor is None


# --- Transition -----------------------------------------------------------------------------------


def test_transition(api, advisor, request_):
    response = post(
        api, request_, "transition", {"status": "triaged", "comment": "Gäller kredit."}, version=1
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["version"]) == ("triaged", 2)
    assert response["ETag"] == '"2"'
    event = api.get(url(request_, "timeline")).json()[-1]
    assert (event["kind"], event["body"], event["data"]) == (
        "status_changed",
        "Gäller kredit.",
        {"from": "new", "to": "triaged"},
    )
    assert event["actor"]["id"] == advisor.pk


def test_close_with_an_outcome_and_reopen(api, request_):
    closed = post(
        api, request_, "transition", {"status": "closed", "outcome": "spam", "comment": "Bot"}, version=1
    )
    assert closed.status_code == 200, closed.json()
    assert (closed.json()["status"], closed.json()["outcome"], closed.json()["outcome_comment"]) == (
        "closed",
        "spam",
        "Bot",
    )
    assert api.get(url(request_, "timeline")).json()[-1]["data"]["outcome"] == "spam"
    reopened = post(api, request_, "transition", {"status": "in_progress"}, version=2)
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["outcome"]) == ("in_progress", "")


def test_a_refused_transition_is_a_conflict_naming_both_statuses(english, api, request_):
    response = post(api, request_, "transition", {"status": "waiting_for_company"}, version=1)
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "The request is “New” and cannot move to “Waiting for the company”."
    assert (body["current"], body["target"], body["allowed"]) == (
        "new",
        "waiting_for_company",
        ["triaged", "closed"],
    )
    assert (reload(request_).status, reload(request_).version) == ("new", 1)
    assert "status_changed" not in kinds(api, request_)


def _swedish_catalogue_compiled() -> bool:
    with translation.override("sv"):
        return translation.gettext("Waiting for the company") != "Waiting for the company"


@pytest.mark.skipif(not _swedish_catalogue_compiled(), reason="the .mo files are built by make test")
def test_the_conflict_names_the_statuses_in_swedish_by_default(api, request_):
    response = post(api, request_, "transition", {"status": "waiting_for_company"}, version=1)
    assert response.status_code == 409
    assert "“Nytt”" in response.json()["detail"] and "“Väntar på företaget”" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "bogus"}, "status"),
        ({}, "status"),
        ({"status": "closed"}, "outcome"),
        ({"status": "closed", "outcome": ""}, "outcome"),
        ({"status": "closed", "outcome": "nonsense"}, "outcome"),
        ({"status": "closed", "outcome": "duplicate"}, "duplicate_of"),  # a duplicate names its original
        ({"status": "closed", "outcome": "duplicate", "duplicate_of": "EC-1999-000001"}, "duplicate_of"),
        ({"status": "closed", "outcome": "helped", "duplicate_of": "EC-1999-000001"}, "duplicate_of"),
        ({"status": "triaged", "outcome": "helped"}, "outcome"),
        ({"status": "closed", "outcome": "helped", "comment": "x" * 2001}, "comment"),
    ],
)
def test_bad_transitions_are_field_errors(api, request_, body, field):
    response = post(api, request_, "transition", body, version=1)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert (reload(request_).status, reload(request_).version) == ("new", 1)


def test_closing_as_a_duplicate_by_transition_names_the_original(api, original, request_):
    """The same rule as the page: a duplicate names its original, and its timeline moves there."""
    response = post(
        api,
        request_,
        "transition",
        {"status": "closed", "outcome": "duplicate", "duplicate_of": original.reference, "comment": "Igen"},
        version=1,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["outcome"], body["duplicate_of"], body["outcome_comment"]) == (
        "closed",
        "duplicate",
        original.reference,
        "Igen",
    )
    assert "merged" in kinds(api, original)


def test_a_closing_comment_may_be_2000_characters(api, request_):
    response = post(
        api,
        request_,
        "transition",
        {"status": "closed", "outcome": "helped", "comment": "x" * 2000},
        version=1,
    )
    assert response.status_code == 200
    assert len(reload(request_).outcome_comment) == 2000


# --- Priority -------------------------------------------------------------------------------------


def test_priority(api, request_):
    response = post(api, request_, "priority", {"priority": "urgent"}, version=1)
    assert response.status_code == 200, response.json()
    assert (response.json()["priority"], response["ETag"]) == ("urgent", '"2"')
    event = api.get(url(request_, "timeline")).json()[-1]
    assert (event["kind"], event["data"]) == ("priority_changed", {"from": "normal", "to": "urgent"})


def test_an_unknown_priority_is_a_field_error(api, request_):
    response = post(api, request_, "priority", {"priority": "asap"}, version=1)
    assert response.status_code == 400
    assert "priority" in response.json()["errors"]
