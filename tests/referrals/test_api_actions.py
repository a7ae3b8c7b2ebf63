"""The shared inbox's actions in the REST API: /api/v1/requests/<id>/<action>/ (issue 5, item 9)."""

import copy
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from advisors.models import User
from reference.loader import load_reference_data, reference_data_loaded
from referrals import services
from referrals.models import AdviceRequest, RequestEvent
from referrals.need_categories import seed_need_categories
from tests.factories import OrganisationFactory, RegionFactory, UserFactory
from tests.module_db import rows_for_this_module
from tests.referrals.conftest import build_submission

pytestmark = pytest.mark.django_db
Status = AdviceRequest.Status


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(request: AdviceRequest, action: str = "") -> str:
    return f"/api/v1/requests/{request.public_id}/" + (f"{action}/" if action else "")


def post(client, request, action, data=None, *, version=None, **extra):
    """POST as JSON; `version` goes into If-Match."""
    if version is not None:
        extra["HTTP_IF_MATCH"] = f'"{version}"'
    return client.post(url(request, action), data or {}, format="json", **extra)


def kinds(client, request) -> list[str]:
    response = client.get(url(request, "timeline"))
    assert response.status_code == 200
    return [event["kind"] for event in response.json()]


def reload(request: AdviceRequest) -> AdviceRequest:
    return AdviceRequest.objects.get(pk=request.pk)


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The regions, organisations, people and the two requests, made once for the module's ~110 cases
    (tests/module_db.py)."""
    with rows_for_this_module(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world()
        yield built


def build_world():
    """What the conftest files' `region`, `organisation`, `advisor`, `operator` and `make_submission` make,
    this module's partners and people, and the requests `request_` and `original`."""
    if not reference_data_loaded():  # a transactional test's flush elsewhere may have removed it
        load_reference_data()
    seed_need_categories()  # transactional tests flush the categories the migration seeded
    region = RegionFactory(name="Exportcenter Uppsala län", slug="uppsala")
    organisation = OrganisationFactory(name="Almi Uppsala", slug="almi-uppsala", regions=[region])
    advisor = UserFactory(email="advisor@almi.example", full_name="Anna Andersson", organisation=organisation)
    # Almi Uppsala runs Exportcenter Uppsala län (county 03).
    region.counties.add("03")
    organisation.email = "uppsala@almi.example"
    organisation.save()
    region.operator = organisation
    region.save()
    ekn = OrganisationFactory(name="EKN", slug="ekn", regions=[region])
    ekn_advisor = UserFactory(email="erik@ekn.example", full_name="Erik Ek", organisation=ekn)
    far = RegionFactory(name="Exportcenter Skåne", slug="skane-api")
    far_advisor = UserFactory(
        email="far@skane.example", organisation=OrganisationFactory(slug="almi-skane", regions=[far])
    )
    # A new request in Uppsala; `advisor` belongs to Almi Uppsala, the triage organisation.
    request = services.submit_request(submission=build_submission())
    original = services.submit_request(submission=build_submission(contact_email="first@konsult.example"))
    return {
        "region": region,
        "organisation": organisation,
        "advisor": advisor,
        "ekn": ekn,
        "ekn_advisor": ekn_advisor,
        "far_advisor": far_advisor,
        "request": request,
        "original": original,
    }


@pytest.fixture
def world(module_world, db):
    return copy.deepcopy(module_world)  # each test its own instances of the same rows


@pytest.fixture
def region(world):
    return world["region"]


@pytest.fixture
def organisation(world):
    return world["organisation"]


@pytest.fixture
def operator(world):
    return world["organisation"]


@pytest.fixture
def advisor(world):
    return world["advisor"]


@pytest.fixture
def make_submission(world):
    return build_submission


@pytest.fixture
def request_(world):
    """A new request in Uppsala; `advisor` belongs to Almi Uppsala, the triage organisation."""
    return world["request"]


@pytest.fixture
def api(advisor):
    return client_for(advisor)


@pytest.fixture
def ekn(world):
    return world["ekn"]


@pytest.fixture
def ekn_advisor(world):
    return world["ekn_advisor"]


@pytest.fixture
def far_advisor(world):
    return world["far_advisor"]


@pytest.fixture
def english(settings):
    """Messages in English for every client of the test: the default language is switched (a client
    that sends Accept-Language gets its language anyway, see tests/exportcenter/test_api_language.py)."""
    settings.LANGUAGE_CODE = "en"


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


# --- Versions -------------------------------------------------------------------------------------

VERSIONED_WRITES = [
    ("assign", {"organisation": "ekn"}),
    ("transition", {"status": "triaged"}),
    ("priority", {"priority": "high"}),
    ("duplicate", {"of": "original"}),
    ("messages", {"body": "Hej!"}),
]


@pytest.fixture
def original(world):
    return world["original"]


def _body(body, original):
    return {key: original.reference if value == "original" else value for key, value in body.items()}


@pytest.mark.parametrize(("action", "body"), VERSIONED_WRITES)
def test_a_write_without_a_version_is_refused(api, ekn, original, request_, action, body):
    response = post(api, request_, action, _body(body, original))
    assert response.status_code == 428
    assert response.json()["detail"]
    assert reload(request_).version == 1
    assert kinds(api, request_) == ["created"]


@pytest.mark.parametrize(("action", "body"), VERSIONED_WRITES)
def test_a_stale_write_is_refused_and_changes_nothing(api, advisor, ekn, original, request_, action, body):
    services.set_priority(request=request_, by=advisor, priority="low", expected_version=1)
    by_header = post(api, request_, action, _body(body, original), version=1)
    by_body = post(api, request_, action, {**_body(body, original), "version": 1})
    assert (by_header.status_code, by_body.status_code) == (412, 412)
    assert by_header.json()["detail"]
    request_ = reload(request_)
    assert (request_.version, request_.status, request_.priority) == (2, "new", "low")
    assert kinds(api, request_) == ["created", "priority_changed"]


def test_the_version_read_from_the_etag_works_as_if_match(api, request_):
    etag = api.get(url(request_))["ETag"]
    response = api.post(url(request_, "priority"), {"priority": "high"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] == '"2"'


@pytest.mark.parametrize(
    ("extra", "body", "expected"),
    [
        ({"HTTP_IF_MATCH": "not-a-tag"}, {}, 412),
        ({}, {"version": "three"}, 400),
        ({"HTTP_IF_MATCH": '"1"'}, {"version": 2}, 400),
    ],
)
def test_malformed_versions(api, request_, extra, body, expected):
    response = api.post(url(request_, "priority"), {"priority": "high", **body}, format="json", **extra)
    assert response.status_code == expected
    assert reload(request_).priority == "normal"


# --- Duplicates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["reference", "lowercase reference", "public id"])
def test_close_as_a_duplicate(api, advisor, original, request_, how):
    services.add_note(request=request_, by=advisor, body="Samma företag igen.")
    of = {
        "reference": original.reference,
        "lowercase reference": original.reference.lower(),
        "public id": str(original.public_id),
    }[how]
    response = post(api, request_, "duplicate", {"of": of}, version=1)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["outcome"], body["duplicate_of"]) == (
        "closed",
        "duplicate",
        original.reference,
    )
    assert response["ETag"] == f'"{body["version"]}"'
    moved = api.get(url(original, "timeline")).json()
    assert "Samma företag igen." in [event["body"] for event in moved]
    assert [event["data"] for event in moved if event["kind"] == "merged"] == [
        {"from": request_.reference, "moved_events": 2}
    ]
    assert kinds(api, request_) == ["merged"]


def test_duplicate_of_a_request_of_another_region_is_unknown(api, make_submission, far_advisor, request_):
    elsewhere = services.submit_request(submission=make_submission(contact_email="far@konsult.example"))
    AdviceRequest.objects.filter(pk=elsewhere.pk).update(region=far_advisor.organisation.regions.get())
    response = post(api, request_, "duplicate", {"of": elsewhere.reference}, version=1)
    assert response.status_code == 400
    assert "of" in response.json()["errors"]
    assert reload(request_).status == "new"


@pytest.mark.parametrize(
    "of", ["itself", "EC-1999-000001", str(uuid.uuid5(uuid.NAMESPACE_URL, "unknown")), "hello", "", "x" * 41]
)
def test_bad_duplicate_targets_are_field_errors(api, request_, of):
    response = post(
        api, request_, "duplicate", {"of": request_.reference if of == "itself" else of}, version=1
    )
    assert response.status_code == 400
    assert "of" in response.json()["errors"]
    assert (reload(request_).status, reload(request_).version) == ("new", 1)


def test_duplicate_of_a_duplicate_points_to_the_original(
    english, api, advisor, original, make_submission, request_
):
    third = services.submit_request(submission=make_submission(contact_email="third@konsult.example"))
    services.mark_duplicate(request=third, of=original, by=advisor, expected_version=1)
    response = post(api, request_, "duplicate", {"of": third.reference}, version=1)
    assert response.status_code == 400
    assert response.json()["errors"]["of"] == [
        f"{third.reference} is itself a duplicate of {original.reference}: choose that one."
    ]


def test_a_closed_request_is_reopened_before_it_is_closed_as_a_duplicate(api, advisor, original, request_):
    services.transition(
        request=request_, to_status=Status.CLOSED, by=advisor, expected_version=1, outcome="helped"
    )
    response = post(api, request_, "duplicate", {"of": original.reference}, version=2)
    assert response.status_code == 409
    request_ = reload(request_)
    assert (request_.outcome, request_.duplicate_of, request_.version) == ("helped", None, 2)


# --- Notes ----------------------------------------------------------------------------------------


def test_add_and_list_notes(api, advisor, request_):
    response = post(api, request_, "notes", {"body": "Ring dem i morgon."})
    assert response.status_code == 201, response.json()
    note = response.json()
    assert (note["kind"], note["body"], note["visibility"]) == ("note", "Ring dem i morgon.", "all")
    assert note["actor"] == {"id": advisor.pk, "name": "Anna Andersson"}
    services.transition(request=request_, to_status=Status.TRIAGED, by=advisor, expected_version=1)
    listed = api.get(url(request_, "notes")).json()
    assert [n["body"] for n in listed] == ["Ring dem i morgon."]
    assert reload(request_).version == 2  # a note does not change the request
    assert kinds(api, request_) == ["created", "note", "status_changed"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "x" * 5001}, "body"),
        ({"body": "   "}, "body"),
        ({}, "body"),
        ({"body": "Hej", "visibility": "everyone"}, "visibility"),
    ],
)
def test_bad_notes_are_field_errors(api, request_, body, field):
    response = post(api, request_, "notes", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert kinds(api, request_) == ["created"]


def test_a_note_may_be_5000_characters(api, request_):
    assert post(api, request_, "notes", {"body": "x" * 5000}).status_code == 201


def test_organisation_only_notes_stay_in_the_organisation(api, advisor, organisation, ekn_advisor, request_):
    assert post(api, request_, "notes", {"body": "För alla."}).status_code == 201
    private = post(api, request_, "notes", {"body": "Kreditupplysning: svag.", "visibility": "organisation"})
    assert private.status_code == 201
    assert private.json()["visibility"] == "organisation"

    colleague = client_for(UserFactory(organisation=organisation))
    partner = client_for(ekn_advisor)
    assert [n["body"] for n in colleague.get(url(request_, "notes")).json()] == [
        "För alla.",
        "Kreditupplysning: svag.",
    ]
    assert [n["body"] for n in partner.get(url(request_, "notes")).json()] == ["För alla."]
    timeline = partner.get(url(request_, "timeline")).json()
    assert "Kreditupplysning: svag." not in [event["body"] for event in timeline]
    assert [event["kind"] for event in timeline] == ["created", "note"]

    # The partner's own organisation-only note is theirs alone, the other way round.
    assert (
        post(partner, request_, "notes", {"body": "EKN internt.", "visibility": "organisation"}).status_code
        == 201
    )
    assert "EKN internt." not in [n["body"] for n in api.get(url(request_, "notes")).json()]
    assert "EKN internt." in [n["body"] for n in partner.get(url(request_, "notes")).json()]


# --- Messages to the company ----------------------------------------------------------------------


def test_write_to_the_company(api, request_, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, request_, "messages", {"body": "Hej! Kan vi ses på tisdag?"}, version=1)
    assert response.status_code == 200, response.json()
    assert response.json()["first_response_at"] is not None
    assert (response.json()["version"], response["ETag"]) == (2, '"2"')
    event = api.get(url(request_, "timeline")).json()[-1]
    assert (event["kind"], event["body"]) == ("message_to_company", "Hej! Kan vi ses på tisdag?")
    sent = [m for m in mail.outbox if m.to == ["karin@konsult.example"] and "Kan vi ses" in m.body]
    assert len(sent) == 1


@pytest.mark.parametrize("body", [{"body": "x" * 5001}, {"body": ""}, {}])
def test_bad_messages_are_field_errors(api, request_, body):
    response = post(api, request_, "messages", body, version=1)
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert reload(request_).first_response_at is None


# --- Who may do what ------------------------------------------------------------------------------

ACTIONS = [
    ("post", "claim", {}),
    ("post", "assign", {"organisation": "almi-uppsala"}),
    ("post", "transition", {"status": "triaged"}),
    ("post", "priority", {"priority": "high"}),
    ("post", "duplicate", {"of": "EC-2026-000001"}),
    ("post", "notes", {"body": "Hej"}),
    ("post", "messages", {"body": "Hej"}),
    ("get", "notes", None),
    ("get", "timeline", None),
    ("get", "", None),
]


@pytest.mark.parametrize(("method", "action", "body"), ACTIONS)
def test_another_regions_request_is_not_found(far_advisor, request_, method, action, body):
    client = client_for(far_advisor)
    if method == "get":
        response = client.get(url(request_, action))
    else:
        response = post(client, request_, action, body, version=1)
    assert response.status_code == 404
    assert reload(request_).version == 1
    assert RequestEvent.objects.filter(request=request_).count() == 1


@pytest.mark.parametrize(("method", "action", "body"), ACTIONS)
def test_anonymous_users_are_refused(request_, method, action, body):
    client = APIClient()
    response = client.get(url(request_, action)) if method == "get" else post(client, request_, action, body)
    assert response.status_code == 403


@pytest.fixture
def owned_by_ekn(advisor, ekn, request_):
    return services.assign(request=request_, by=advisor, organisation=ekn, expected_version=1)


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("transition", {"status": "triaged"}),
        ("messages", {"body": "Hej från Almi"}),
        ("priority", {"priority": "urgent"}),
        ("duplicate", {"of": "original"}),
        ("assign", {"organisation": "almi-uppsala"}),
        ("claim", {}),
    ],
)
def test_a_non_owning_organisation_may_not_work_the_request(api, original, owned_by_ekn, action, body):
    response = post(api, owned_by_ekn, action, _body(body, original), version=owned_by_ekn.version)
    assert response.status_code == 403
    after = reload(owned_by_ekn)
    assert (after.version, after.status, after.owner_organisation.slug) == (2, "new", "ekn")


def test_a_non_owning_organisation_may_still_comment_and_read(api, ekn_advisor, owned_by_ekn):
    assert post(api, owned_by_ekn, "notes", {"body": "Vi har träffat dem förut."}).status_code == 201
    assert api.get(url(owned_by_ekn, "timeline")).status_code == 200
    assert [n["body"] for n in client_for(ekn_advisor).get(url(owned_by_ekn, "notes")).json()] == [
        "Vi har träffat dem förut."
    ]


def test_the_owning_organisation_works_the_request(ekn_advisor, owned_by_ekn):
    client = client_for(ekn_advisor)
    response = post(client, owned_by_ekn, "transition", {"status": "triaged"}, version=2)
    assert response.status_code == 200
    assert post(client, owned_by_ekn, "messages", {"body": "Hej från EKN"}, version=3).status_code == 200


def test_regional_staff_work_any_request(ekn, owned_by_ekn):
    staff = client_for(
        UserFactory(
            organisation=OrganisationFactory(regions=[ekn.regions.get()]), role=User.Role.REGIONAL_STAFF
        )
    )
    assert post(staff, owned_by_ekn, "priority", {"priority": "high"}, version=2).status_code == 200


@pytest.mark.parametrize("action", ["claim", "assign", "transition", "notes", "timeline"])
def test_options_describe_the_endpoint(api, request_, action):
    assert api.options(url(request_, action)).status_code == 200


# --- Query budgets --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["timeline", "notes"])
def test_timeline_and_notes_cost_the_same_queries_for_few_and_many_events(
    advisor, organisation, region, request_, action, django_assert_max_num_queries
):
    client = APIClient()
    client.force_login(advisor)  # the user is loaded afresh per request, as in production

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(request_, action))
        assert response.status_code == 200
        return len(queries)

    services.add_note(request=request_, by=advisor, body="Först.")
    few = count()
    partners = [OrganisationFactory(regions=[region]) for _ in range(3)]
    authors = [UserFactory(organisation=partners[n % 3]) for n in range(10)]
    for n in range(30):
        services.add_note(request=request_, by=authors[n % 10], body=f"Anteckning {n}.")
    with django_assert_max_num_queries(7):
        many = count()
    response = client.get(url(request_, action))
    assert len(response.json()) == 31 + (1 if action == "timeline" else 0)
    assert len({event["organisation"]["slug"] for event in response.json() if event["organisation"]}) == 4
    assert few == many
