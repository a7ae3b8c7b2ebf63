"""The referrals in the REST API: /api/v1/referrals/ (list, detail, accept, decline, withdraw),
POST /api/v1/requests/{id}/refer/ and GET /api/v1/requests/{id}/suggestions/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from referrals import services
from referrals.models import AdviceRequest, NeedCategory, Referral
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
REFERRALS = "/api/v1/referrals/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def request_url(request, action=""):
    return f"/api/v1/requests/{request.public_id}/" + (f"{action}/" if action else "")


def referral_url(referral, action=""):
    return f"{REFERRALS}{referral.public_id}/" + (f"{action}/" if action else "")


def post(client, url, data=None, *, version=None):
    extra = {"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {}
    return client.post(url, data or {}, format="json", **extra)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def refer_body(to, **overrides):
    body = {
        "to_organisation": to.slug,
        "note": "The buyer in Germany wants 90 days' credit.",
        "consent": {"confirmed": True, "method": "phone", "details": "Karin Berg, by phone"},
    }
    body.update(overrides)
    return body


# --- Refer ------------------------------------------------------------------------------------------------


def test_refer_the_whole_request(owned_request, advisor, ekn):
    version = reload(owned_request).version
    response = post(
        client_for(advisor), request_url(owned_request, "refer"), refer_body(ekn), version=version
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    referral = Referral.objects.get()
    assert body["id"] == str(referral.public_id) and response["ETag"] == '"1"'
    assert body["request"]["reference"] == owned_request.reference
    assert (body["from_organisation"]["slug"], body["to_organisation"]["slug"]) == ("almi-uppsala", "ekn")
    assert (body["scope"], body["status"], body["needs"], body["is_overdue"]) == (
        "whole",
        "pending",
        [],
        False,
    )
    assert body["consent"] == {"confirmed": True, "method": "phone", "details": "Karin Berg, by phone"}
    assert body["created_by"]["name"] == advisor.full_name
    assert reload(owned_request).version == version + 1


def test_refer_selected_needs_with_the_version_in_the_body(owned_request, advisor, ekn):
    body = refer_body(ekn, scope="needs", needs=["buyer-credit-risk"], version=reload(owned_request).version)
    response = post(client_for(advisor), request_url(owned_request, "refer"), body)
    assert response.status_code == 201
    assert response.json()["needs"] == ["buyer-credit-risk"] and response.json()["scope"] == "needs"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": {"confirmed": False, "method": "phone"}}, "consent"),
        ({"consent": {"confirmed": True, "method": "telepathy"}}, "consent"),
        ({"consent": None}, "consent"),
        ({"note": ""}, "note"),
        ({"note": "x" * 3001}, "note"),
        ({"to_organisation": "nobody"}, "to_organisation"),
        ({"to_organisation": "almi-uppsala"}, "to_organisation"),  # itself
        ({"scope": "needs"}, "needs"),
        ({"scope": "whole", "needs": ["buyer-credit-risk"]}, "needs"),
        ({"scope": "needs", "needs": ["customs"]}, "needs"),  # not a need of this request
        ({"scope": "everything"}, "scope"),
    ],
)
def test_bad_referrals_are_field_errors(owned_request, advisor, ekn, overrides, field):
    response = post(
        client_for(advisor),
        request_url(owned_request, "refer"),
        refer_body(ekn, **overrides),
        version=reload(owned_request).version,
    )
    assert response.status_code == 400, response.json()
    assert field in {name.split(".")[0] for name in response.json()["errors"]}
    assert not Referral.objects.exists()


def test_refer_needs_the_version_and_a_current_one(owned_request, advisor, ekn):
    client = client_for(advisor)
    assert post(client, request_url(owned_request, "refer"), refer_body(ekn)).status_code == 428
    stale = reload(owned_request).version - 1
    assert (
        post(client, request_url(owned_request, "refer"), refer_body(ekn), version=stale).status_code == 412
    )
    assert not Referral.objects.exists()


def test_refer_conflicts(owned_request, advisor, ekn, region, refer):
    refer(owned_request, ekn, advisor)
    client = client_for(advisor)
    sek = OrganisationFactory(slug="sek", kind="sek", regions=[region])
    for to in (ekn, sek):  # pending to EKN already; and a whole request waits for an answer
        response = post(
            client, request_url(owned_request, "refer"), refer_body(to), version=reload(owned_request).version
        )
        assert response.status_code == 409 and response.json()["detail"]
    assert Referral.objects.count() == 1


def test_only_those_who_handle_the_request_refer(owned_request, ekn, ekn_advisor):
    response = post(
        client_for(ekn_advisor),
        request_url(owned_request, "refer"),
        refer_body(ekn),
        version=reload(owned_request).version,
    )
    assert response.status_code == 403


# --- Suggestions ------------------------------------------------------------------------------------------


def test_suggestions(owned_request, advisor, ekn):
    response = client_for(advisor).get(request_url(owned_request, "suggestions"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = response.json()
    assert rows[0]["organisation"] == {"slug": "ekn", "name": "EKN"}
    assert rows[0]["score"] > rows[-1]["score"] or len(rows) == 1
    assert any("Primary partner" in reason for reason in rows[0]["reasons"])
    almi = next(row for row in rows if row["organisation"]["slug"] == "almi-uppsala")
    assert almi["open_requests"] == 1


def test_suggestions_of_a_request_one_cannot_see(owned_request, far_advisor):
    assert client_for(far_advisor).get(request_url(owned_request, "suggestions")).status_code == 404


# --- The list and the detail --------------------------------------------------------------------------------


@pytest.fixture
def two_way(owned_request, make_submission, advisor, ekn, ekn_advisor, refer):
    """One referral from Almi to EKN (pending), one from EKN to Almi (accepted)."""
    to_ekn = refer(owned_request, ekn, advisor)
    theirs = services.submit_request(submission=make_submission(contact_email="e@konsult.example"))
    theirs = services.assign(request=theirs, by=ekn_advisor, organisation=ekn, expected_version=1)
    to_almi = refer(theirs, advisor.organisation, ekn_advisor)
    services.accept_referral(referral=to_almi, by=advisor)
    return {"to_ekn": to_ekn, "to_almi": to_almi}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"to_ekn", "to_almi"}),
        ({"direction": "to_us"}, {"to_ekn"}),
        ({"direction": "from_us"}, {"to_almi"}),
        ({"status": "pending"}, {"to_ekn"}),
        ({"direction": "from_us", "status": "pending"}, set()),
        ({"direction": "region"}, set()),  # regional staff only
    ],
)
def test_list_filters(two_way, ekn_advisor, params, expected):
    response = client_for(ekn_advisor).get(REFERRALS, params)
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {str(two_way[name].public_id) for name in expected}


def test_an_unknown_filter_value_is_an_error(two_way, ekn_advisor):
    response = client_for(ekn_advisor).get(REFERRALS, {"direction": "sideways"})
    assert response.status_code == 400 and "direction" in response.json()["errors"]


def test_detail_and_visibility(two_way, ekn_advisor, far_advisor):
    referral = two_way["to_ekn"]
    response = client_for(ekn_advisor).get(referral_url(referral))
    assert response.status_code == 200 and response["ETag"] == '"1"'
    assert response.json()["note"] == "Please help with the credit risk."
    assert client_for(far_advisor).get(referral_url(referral)).status_code == 404
    assert client_for(far_advisor).get(REFERRALS).json()["count"] == 0


# --- Accept, decline, withdraw ---------------------------------------------------------------------------


def test_accept_with_an_advisor(two_way, ekn, ekn_advisor):
    referral = two_way["to_ekn"]
    response = post(
        client_for(ekn_advisor), referral_url(referral, "accept"), {"advisor": ekn_advisor.pk}, version=1
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted" and response.json()["advisor"]["id"] == ekn_advisor.pk
    assert response["ETag"] == '"2"'
    request = reload(referral.request)
    assert (request.owner_organisation, request.owner_advisor) == (ekn, ekn_advisor)


def test_accept_with_someone_elses_advisor_is_refused(two_way, advisor, ekn_advisor):
    response = post(
        client_for(ekn_advisor), referral_url(two_way["to_ekn"], "accept"), {"advisor": advisor.pk}, version=1
    )
    assert response.status_code == 400 and "advisor" in response.json()["errors"]


def test_decline_needs_a_reason(two_way, ekn_advisor):
    client = client_for(ekn_advisor)
    referral = two_way["to_ekn"]
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = post(client, referral_url(referral, "decline"), body, version=1)
        assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = post(client, referral_url(referral, "decline"), {"reason": "Too small."}, version=1)
    assert response.status_code == 200 and response.json()["decline_reason"] == "Too small."


def test_withdraw_and_then_nothing_more(two_way, advisor, ekn_advisor):
    referral = two_way["to_ekn"]
    response = post(client_for(advisor), referral_url(referral, "withdraw"), version=1)
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    # The receiver answers a withdrawn referral: 409, and the version it read is no longer current either.
    response = post(client_for(ekn_advisor), referral_url(referral, "accept"), {"version": 2})
    assert response.status_code == 409
    assert response.json()["current"] == "withdrawn" and response.json()["detail"]


def test_answers_need_the_version(two_way, ekn_advisor):
    client = client_for(ekn_advisor)
    referral = two_way["to_ekn"]
    assert post(client, referral_url(referral, "accept")).status_code == 428
    assert post(client, referral_url(referral, "accept"), version=9).status_code == 412
    assert reload(referral).status == "pending"


@pytest.mark.parametrize(
    ("who", "action", "expected"),
    [
        ("advisor", "accept", 403),
        ("advisor", "decline", 403),
        ("ekn_advisor", "withdraw", 403),
        ("far_advisor", "accept", 404),
    ],
)
def test_who_may_answer(two_way, request, who, action, expected):
    user = request.getfixturevalue(who)
    response = post(client_for(user), referral_url(two_way["to_ekn"], action), {"reason": "x"}, version=1)
    assert response.status_code == expected
    assert reload(two_way["to_ekn"]).status == "pending"


def test_a_referral_across_regions_through_the_api(owned_request, advisor, far_partner, far_advisor):
    response = post(
        client_for(advisor),
        request_url(owned_request, "refer"),
        refer_body(far_partner),
        version=reload(owned_request).version,
    )
    assert response.status_code == 201
    far = client_for(far_advisor)
    listing = far.get(REFERRALS, {"direction": "to_us", "status": "pending"}).json()
    assert listing["count"] == 1
    assert far.get(request_url(owned_request)).status_code == 200  # the request opens to the receiver
    referral_id = listing["results"][0]["id"]
    response = far.post(f"{REFERRALS}{referral_id}/accept/", {"version": 1}, format="json")
    assert response.status_code == 200
    assert reload(owned_request).owner_organisation == far_partner
    assert far.get(request_url(owned_request)).json()["owner_organisation"] == "sandbacka"


# --- Query budget and documentation ------------------------------------------------------------------------


def test_the_list_query_count_does_not_grow_with_rows(
    make_submission, operator, advisor, ekn, ekn_advisor, refer, django_assert_max_num_queries
):
    client = APIClient()
    client.force_login(ekn_advisor)  # the user is loaded afresh per request, as in production

    def add(n):
        for i in range(n):
            submission = make_submission(contact_email=f"q{Referral.objects.count()}-{i}@konsult.example")
            request = services.claim(request=services.submit_request(submission=submission), advisor=advisor)
            referral = refer(
                request, ekn, advisor, needs=[NeedCategory.objects.get(slug="buyer-credit-risk")]
            )
            if i % 3 == 0:
                services.accept_referral(referral=referral, by=ekn_advisor, advisor=ekn_advisor)

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(REFERRALS).status_code == 200
    add(30)
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(REFERRALS)
    assert len(response.json()["results"]) == 32
    assert len(many) == len(few)


def test_the_schema_documents_the_referrals(advisor):
    response = client_for(advisor).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    for path in (
        "/api/v1/referrals/",
        "/api/v1/referrals/{public_id}/",
        "/api/v1/referrals/{public_id}/accept/",
        "/api/v1/referrals/{public_id}/decline/",
        "/api/v1/referrals/{public_id}/withdraw/",
        "/api/v1/requests/{public_id}/refer/",
        "/api/v1/requests/{public_id}/suggestions/",
    ):
        assert path in paths, path
    parameters = {p["name"] for p in paths["/api/v1/referrals/"]["get"]["parameters"]}
    assert {"direction", "status", "page"} <= parameters
    assert {"201", "400", "409", "412", "428"} <= set(
        paths["/api/v1/requests/{public_id}/refer/"]["post"]["responses"]
    )


def test_requests_api_is_unchanged_for_the_owner_field(owned_request, advisor):
    body = client_for(advisor).get(request_url(owned_request)).json()
    assert body["owner_organisation"] == "almi-uppsala"
    assert AdviceRequest.objects.get(pk=owned_request.pk).owner_since is not None
