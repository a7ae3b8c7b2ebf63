"""The request workflow: transitions, claims, assignment, notes, messages, duplicates (issue 5's core)."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection, connections

from advisors import access
from advisors.models import User
from referrals import services
from referrals.models import AdviceRequest, RequestEvent
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = AdviceRequest.Status


@pytest.fixture
def request_(make_submission, operator):
    return services.submit_request(submission=make_submission())


ALL = list(Status.values)
ALLOWED = {(a, b) for a, targets in services.ALLOWED_TRANSITIONS.items() for b in targets}


@pytest.mark.parametrize(("current", "target"), [(a, b) for a in ALL for b in ALL if a != b])
def test_the_transition_matrix(request_, advisor, current, target):
    AdviceRequest.objects.filter(pk=request_.pk).update(
        status=current,
        outcome="helped" if current == Status.CLOSED else "",
        closed_at=request_.created_at if current == Status.CLOSED else None,
    )
    request_.refresh_from_db()
    outcome = "helped" if target == Status.CLOSED else ""
    if (current, target) in ALLOWED:
        changed = services.transition(
            request=request_, to_status=target, by=advisor, expected_version=request_.version, outcome=outcome
        )
        assert changed.status == target
        event = changed.events.filter(kind=RequestEvent.Kind.STATUS_CHANGED).get()
        assert event.data["from"] == current and event.data["to"] == target
    else:
        with pytest.raises(services.TransitionNotAllowed):
            services.transition(
                request=request_,
                to_status=target,
                by=advisor,
                expected_version=request_.version,
                outcome=outcome,
            )
        request_.refresh_from_db()
        assert request_.status == current


def test_closing_needs_an_outcome_and_reopening_clears_it(request_, advisor):
    with pytest.raises(ValueError):
        services.transition(request=request_, to_status=Status.CLOSED, by=advisor, expected_version=1)
    closed = services.transition(
        request=request_,
        to_status=Status.CLOSED,
        by=advisor,
        expected_version=1,
        outcome="spam",
        comment="Bot",
    )
    assert (closed.outcome, closed.outcome_comment, closed.closed_at is not None) == ("spam", "Bot", True)
    reopened = services.transition(
        request=closed, to_status=Status.IN_PROGRESS, by=advisor, expected_version=closed.version
    )
    assert (reopened.status, reopened.outcome, reopened.closed_at) == (Status.IN_PROGRESS, "", None)


def test_a_stale_page_changes_nothing(request_, advisor):
    services.set_priority(request=request_, by=advisor, priority="high", expected_version=1)
    with pytest.raises(services.StaleRequest):
        services.transition(request=request_, to_status=Status.TRIAGED, by=advisor, expected_version=1)
    request_.refresh_from_db()
    assert (request_.status, request_.priority, request_.version) == (Status.NEW, "high", 2)


def test_the_first_move_out_of_new_is_the_first_response(request_, advisor):
    assert request_.first_response_at is None
    moved = services.transition(request=request_, to_status=Status.TRIAGED, by=advisor, expected_version=1)
    assert moved.first_response_at is not None


def test_the_first_message_is_the_first_response_and_reaches_the_company(
    request_, advisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = services.message_company(
            request=request_, by=advisor, body="Hej! Kan vi ses på tisdag?", expected_version=1
        )
    request_.refresh_from_db()
    assert request_.first_response_at is not None
    assert event.kind == RequestEvent.Kind.MESSAGE_TO_COMPANY
    message = [m for m in mail.outbox if m.to == ["karin@konsult.example"] and "Kan vi ses" in m.body]
    assert len(message) == 1
    assert request_.reference in message[0].subject


def test_claim_takes_a_new_request_into_the_advisors_organisation(request_, advisor):
    claimed = services.claim(request=request_, advisor=advisor)
    assert (claimed.owner_advisor, claimed.owner_organisation, claimed.status) == (
        advisor,
        advisor.organisation,
        Status.TRIAGED,
    )
    assert claimed.first_response_at is not None
    with pytest.raises(services.AlreadyClaimed):
        services.claim(request=claimed, advisor=UserFactory(organisation=advisor.organisation))


def test_another_organisations_request_cannot_be_claimed(request_, advisor, region):
    ekn = OrganisationFactory(slug="ekn-claim", regions=[region])
    services.assign(request=request_, by=advisor, organisation=ekn, expected_version=1)
    with pytest.raises(services.AlreadyClaimed):
        services.claim(request=request_, advisor=advisor)
    ekn_advisor = UserFactory(organisation=ekn)
    assert services.claim(request=request_, advisor=ekn_advisor).owner_advisor == ekn_advisor


def test_assign_to_a_queue_or_a_person(request_, advisor, region):
    ekn = OrganisationFactory(slug="ekn-assign", regions=[region])
    queued = services.assign(request=request_, by=advisor, organisation=ekn, expected_version=1)
    assert (queued.owner_organisation, queued.owner_advisor) == (ekn, None)
    person = UserFactory(organisation=ekn)
    assigned = services.assign(request=queued, by=advisor, advisor=person, expected_version=queued.version)
    assert (assigned.owner_organisation, assigned.owner_advisor) == (ekn, person)
    assert assigned.events.filter(kind=RequestEvent.Kind.ASSIGNED).count() == 2


def test_organisation_only_notes_are_visible_to_that_organisation(request_, advisor, region):
    ekn_advisor = UserFactory(organisation=OrganisationFactory(slug="ekn-notes", regions=[region]))
    public = services.add_note(request=request_, by=advisor, body="Ring dem i morgon.")
    private = services.add_note(
        request=request_, by=advisor, body="Kreditupplysning: svag.", visibility="organisation"
    )
    colleague = UserFactory(organisation=advisor.organisation)
    assert access.can(colleague, "view", private) and access.can(colleague, "view", public)
    assert access.can(ekn_advisor, "view", public) and not access.can(ekn_advisor, "view", private)
    visible = set(
        access.visible(ekn_advisor, RequestEvent.objects.filter(kind="note")).values_list("body", flat=True)
    )
    assert visible == {"Ring dem i morgon."}


def test_mark_duplicate_merges_the_timelines(make_submission, operator, advisor):
    original = services.submit_request(submission=make_submission())
    duplicate = services.submit_request(submission=make_submission(contact_email="other@konsult.example"))
    services.add_note(request=duplicate, by=advisor, body="Samma företag igen.")
    closed = services.mark_duplicate(
        request=duplicate, of=original, by=advisor, expected_version=duplicate.version
    )
    assert (closed.status, closed.outcome, closed.duplicate_of) == (Status.CLOSED, "duplicate", original)
    kinds = list(original.events.values_list("kind", flat=True))
    assert kinds.count("created") == 2 and "note" in kinds and "merged" in kinds
    assert original.events.filter(body="Samma företag igen.").exists()


def test_a_duplicate_names_its_original_on_every_path(make_submission, operator, advisor):
    """`transition` refuses to close as a duplicate without the original, and with one it merges."""
    original = services.submit_request(submission=make_submission())
    duplicate = services.submit_request(submission=make_submission(contact_email="other@konsult.example"))
    close = {"to_status": Status.CLOSED, "by": advisor, "outcome": AdviceRequest.Outcome.DUPLICATE}

    with pytest.raises(services.DuplicateNeedsOriginal):
        services.transition(request=duplicate, expected_version=duplicate.version, **close)
    with pytest.raises(services.SelfDuplicate):
        services.transition(request=duplicate, expected_version=1, duplicate_of=duplicate, **close)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.version) == (Status.NEW, 1)

    closed = services.transition(request=duplicate, expected_version=1, duplicate_of=original, **close)
    assert (closed.status, closed.outcome, closed.duplicate_of) == (Status.CLOSED, "duplicate", original)
    assert original.events.filter(kind=RequestEvent.Kind.MERGED).exists()

    # No chains: a duplicate is never the original of another.
    third = services.submit_request(submission=make_submission(contact_email="third@konsult.example"))
    with pytest.raises(services.OriginalIsDuplicate):
        services.transition(request=third, expected_version=third.version, duplicate_of=duplicate, **close)
    with pytest.raises(ValueError):  # an original only with the duplicate outcome
        services.transition(
            request=third,
            to_status=Status.TRIAGED,
            by=advisor,
            expected_version=third.version,
            duplicate_of=original,
        )


@pytest.fixture
def people(request_, operator, region):
    ekn = OrganisationFactory(slug="ekn-people", regions=[region])
    far = OrganisationFactory(slug="far-people", regions=[RegionFactory(slug="far-people")])
    return {
        "anonymous": AnonymousUser(),
        "triage": UserFactory(organisation=operator),
        "partner": UserFactory(organisation=ekn),
        "staff": UserFactory(organisation=ekn, role=User.Role.REGIONAL_STAFF),
        "stranger": UserFactory(organisation=far),
        "ekn": ekn,
    }


# Before anyone owns the request: (action) -> who may.
UNOWNED = {
    "view": {"triage", "partner", "staff"},
    "add_note": {"triage", "partner", "staff"},
    "claim": {"triage", "partner", "staff"},
    "assign": {"triage", "partner", "staff"},
    "change_status": {"triage", "staff"},
    "write_to_company": {"triage", "staff"},
}
# Owned by EKN: only EKN (and regional staff) work it; others still see it and comment.
OWNED_BY_EKN = {
    "view": {"triage", "partner", "staff"},
    "add_note": {"triage", "partner", "staff"},
    "claim": {"partner", "staff"},
    "assign": {"partner", "staff"},
    "change_status": {"partner", "staff"},
    "write_to_company": {"partner", "staff"},
}


@pytest.mark.parametrize("owned", [False, True])
@pytest.mark.parametrize("action", sorted(UNOWNED))
@pytest.mark.parametrize("role", ["anonymous", "triage", "partner", "staff", "stranger"])
def test_the_request_access_matrix(request_, people, advisor, owned, action, role):
    if owned:
        services.assign(request=request_, by=advisor, organisation=people["ekn"], expected_version=1)
        request_.refresh_from_db()
    expected = role in (OWNED_BY_EKN if owned else UNOWNED)[action]
    assert access.can(people[role], action, request_) is expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level concurrency needs PostgreSQL")
def test_of_two_advisors_who_claim_at_once_exactly_one_gets_it(make_submission, operator, organisation):
    request = services.submit_request(submission=make_submission())
    advisors = [UserFactory(organisation=organisation) for _ in range(6)]
    barrier = threading.Barrier(len(advisors))
    winners, losers = [], []

    def claim(advisor):
        try:
            barrier.wait()
            services.claim(request=request, advisor=advisor)
            winners.append(advisor)
        except services.AlreadyClaimed:
            losers.append(advisor)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(a,)) for a in advisors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    request.refresh_from_db()
    assert len(winners) == 1 and len(losers) == 5
    assert request.owner_advisor == winners[0]
    assert request.events.filter(kind=RequestEvent.Kind.CLAIMED).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level concurrency needs PostgreSQL")
def test_two_stale_writes_on_postgresql_one_wins(make_submission, operator, organisation):
    request = services.submit_request(submission=make_submission())
    advisor = UserFactory(organisation=organisation)
    barrier = threading.Barrier(2)
    results = []

    def write(priority):
        try:
            barrier.wait()
            services.set_priority(request=request, by=advisor, priority=priority, expected_version=1)
            results.append("ok")
        except services.StaleRequest:
            results.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(p,)) for p in ("high", "urgent")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "stale"]
    request.refresh_from_db()
    assert request.version == 2
