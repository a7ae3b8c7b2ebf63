"""The shared inbox's actions in the REST API (issue 5, item 9): versions, duplicates, notes, messages and
who may work a request. Reading, claim, assign, transition and priority: test_reading_and_workflow.py."""

import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from advisors.models import User
from referrals import services
from referrals.models import AdviceRequest, RequestEvent
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.api_actions.helpers import Status, client_for, kinds, post, reload, url

pytestmark = pytest.mark.django_db


# --- Versions -------------------------------------------------------------------------------------

VERSIONED_WRITES = [
    ("assign", {"organisation": "ekn"}),
    ("transition", {"status": "triaged"}),
    ("priority", {"priority": "high"}),
    ("duplicate", {"of": "original"}),
    ("messages", {"body": "Hej!"}),
]


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
