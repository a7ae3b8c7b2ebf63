"""A lost claim is a 409 that says who took the request, in the API and on the page (issue 15, item 5).

Two advisors of different organisations of the region (Almi, the triage organisation, and EKN) take the
same new request. Before it is taken both may take it; once Almi's advisor has it, it is Almi's and EKN's
advisor may no longer claim it: the access check refused that with a 403 ("you do not have permission")
whenever the winner had committed before the loser's request was checked. Both orders are tested: one
after the other, and at the same time (threads on their own PostgreSQL connections, behind a barrier).
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from rest_framework.test import APIClient

from referrals import services
from referrals.models import AdviceRequest, RequestEvent
from tests.factories import OrganisationFactory, UserFactory

INBOX = "/en/advisor/requests/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def ekn_advisor(region):
    ekn = OrganisationFactory(name="EKN", slug="ekn", kind="ekn", regions=[region])
    return UserFactory(email="eva@ekn.example", full_name="Eva Ek", organisation=ekn)


@pytest.fixture
def new_request(make_submission, operator):
    return services.submit_request(submission=make_submission())


def api_claim(user, request: AdviceRequest):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(f"/api/v1/requests/{request.public_id}/claim/", {}, format="json")


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_claim(client: Client, request: AdviceRequest, **extra):
    return client.post(f"{INBOX}{request.public_id}/claim/", **extra)


# --- One after the other -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_answers_a_claim_lost_before_it_was_checked_with_409_and_the_winner(
    english, advisor, ekn_advisor, new_request
):
    services.claim(request=new_request, advisor=advisor)  # Almi's advisor committed first
    response = api_claim(ekn_advisor, new_request)
    assert response.status_code == 409, response.json()
    problem = response.json()
    assert problem["code"] == "already_claimed"
    assert problem["taken_by"] == "Anna Andersson"
    assert problem["detail"] == "Anna Andersson has already taken this request."
    assert response["Content-Type"].startswith("application/problem+json")
    new_request.refresh_from_db()
    assert new_request.owner_advisor == advisor
    assert new_request.events.filter(kind=RequestEvent.Kind.CLAIMED).count() == 1


@pytest.mark.django_db
def test_a_claim_that_was_never_allowed_stays_a_403(advisor, ekn_advisor, new_request):
    """Another organisation's queue (nobody of it has taken it yet), a closed request: refusals, not races."""
    services.assign(
        request=new_request, by=advisor, organisation=ekn_advisor.organisation, expected_version=1
    )
    assert api_claim(advisor, new_request).status_code == 403
    new_request.refresh_from_db()
    services.claim(request=new_request, advisor=ekn_advisor)
    new_request.refresh_from_db()
    services.transition(
        request=new_request,
        by=ekn_advisor,
        to_status=AdviceRequest.Status.CLOSED,
        expected_version=new_request.version,
        outcome=AdviceRequest.Outcome.values[0],
    )
    assert api_claim(advisor, new_request).status_code == 403


@pytest.mark.django_db
def test_the_schema_documents_the_claim_conflict_and_who_took_it(advisor):
    client = APIClient()
    client.force_authenticate(advisor)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = next(
        item["post"] for path, item in schema["paths"].items() if path.endswith("/claim/") and "post" in item
    )
    content = operation["responses"]["409"]["content"]
    reference = next(iter(content.values()))["schema"]["$ref"].rsplit("/", 1)[1]
    assert "taken_by" in schema["components"]["schemas"][reference]["properties"]


@pytest.mark.django_db
def test_the_page_says_who_took_it_when_they_committed_first(advisor, ekn_advisor, new_request):
    services.claim(request=new_request, advisor=advisor)
    client = page_client(ekn_advisor)
    response = page_claim(client, new_request)
    assert response.status_code == 302  # post/redirect/get, with the message on the request page
    html = client.get(response["Location"]).content.decode()
    assert "Someone else took this request a moment ago: Anna Andersson." in html
    assert "permission" not in html.lower()
    htmx = page_claim(client, new_request, **HTMX).content.decode()
    assert "Someone else took this request a moment ago: Anna Andersson." in htmx
    row = page_claim(client, new_request, data={"from": "inbox"}, **HTMX)
    assert row.status_code == 200
    assert row.content.decode().lstrip().startswith(f'<tr id="row-{new_request.public_id}"')
    new_request.refresh_from_db()
    assert new_request.owner_advisor == advisor


@pytest.mark.django_db
def test_the_page_still_refuses_a_claim_that_was_never_allowed(advisor, ekn_advisor, new_request):
    services.assign(
        request=new_request, by=advisor, organisation=ekn_advisor.organisation, expected_version=1
    )
    assert page_claim(page_client(advisor), new_request).status_code == 403


# --- At the same time ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level concurrency needs PostgreSQL")
@pytest.mark.parametrize("channel", ["api", "page"])
def test_of_two_organisations_claiming_at_once_one_wins_and_the_other_gets_a_409(
    make_submission, operator, advisor, ekn_advisor, channel
):
    rounds = 8
    names = {advisor.pk: "Anna Andersson", ekn_advisor.pk: "Eva Ek"}
    pages = {user.pk: page_client(user) for user in (advisor, ekn_advisor)}
    for _ in range(rounds):
        request = services.submit_request(submission=make_submission())
        barrier = threading.Barrier(2)
        answers = {}

        def claim(user, request=request, barrier=barrier, answers=answers):
            try:
                barrier.wait()
                if channel == "api":
                    response = api_claim(user, request)
                    answers[user.pk] = (response.status_code, response.json())
                else:
                    response = page_claim(pages[user.pk], request, data={"from": "inbox"}, **HTMX)
                    answers[user.pk] = (response.status_code, response.content.decode())
            finally:
                connections.close_all()

        threads = [threading.Thread(target=claim, args=(user,)) for user in (advisor, ekn_advisor)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        request.refresh_from_db()
        winner = request.owner_advisor_id
        loser = next(pk for pk in answers if pk != winner)
        assert request.events.filter(kind=RequestEvent.Kind.CLAIMED).count() == 1
        assert answers[winner][0] == 200
        if channel == "api":
            status, problem = answers[loser]
            assert status == 409, problem
            assert problem["taken_by"] == names[winner]
        else:
            status, html = answers[loser]
            assert status == 200  # htmx swaps 2xx: the row again, with the warning
            assert f"Someone else took this request a moment ago: {names[winner]}." in html
