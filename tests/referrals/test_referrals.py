"""Referrals between partners (issue 6): the services, their lifecycle, ownership and co-handling, the
chain on both timelines, the one-working-day deadline, notifications, and accept racing withdraw."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone, translation

from companies.models import CompanyEvent
from notifications.models import Notification, OutboundEmail
from referrals import notices, services
from referrals.models import CoHandling, NeedCategory, Referral, RequestEvent
from tests.clock import WORKING_DAY_MORNING
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
RStatus = Referral.Status
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def credit_risk():
    return NeedCategory.objects.get(slug="buyer-credit-risk")


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- Sending -------------------------------------------------------------------------------------------


def test_refer_the_whole_request(owned_request, ekn, advisor, consent):
    before = owned_request.version
    referral = services.refer_request(
        request=owned_request,
        to_organisation=ekn,
        by=advisor,
        needs=[],
        note="The buyer in Germany wants 90 days' credit.",
        consent=consent,
        expected_version=before,
    )
    assert (referral.status, referral.scope, referral.version) == (RStatus.PENDING, "whole", 1)
    assert (referral.from_organisation, referral.to_organisation, referral.created_by) == (
        advisor.organisation,
        ekn,
        advisor,
    )
    assert (referral.consent_confirmed, referral.consent_method, referral.consent_details) == (
        True,
        "phone",
        "Karin Berg, by phone on 3 March",
    )
    assert referral.due_at > referral.created_at
    request = reload(owned_request)
    assert request.version == before + 1
    assert request.owner_organisation == advisor.organisation  # nothing moves before an answer
    event = request.events.get(kind=RequestEvent.Kind.REFERRED)
    assert event.referral == referral and event.body == "The buyer in Germany wants 90 days' credit."
    assert (event.data["from_name"], event.data["to_name"], event.data["scope"]) == (
        "Almi Uppsala",
        "EKN",
        "whole",
    )


def test_refer_selected_needs(owned_request, ekn, advisor, refer):
    referral = refer(owned_request, ekn, advisor, needs=[credit_risk()])
    assert referral.scope == Referral.Scope.NEEDS
    assert list(referral.needs.all()) == [credit_risk()]
    assert reload(owned_request).events.get(kind="referred").data["needs"] == ["buyer-credit-risk"]


def test_the_request_page_timeline_names_the_needs_referred_and_who_referred(
    client, owned_request, ekn, advisor, refer
):
    """The timeline reads its people and referral as it shows them (selectors.PAGE_TIMELINE_FIELDS); a
    referral's needs still come with the page's referral chain."""
    refer(owned_request, ekn, advisor, needs=[credit_risk()])
    client.force_login(advisor)
    html = client.get(f"/en/advisor/requests/{owned_request.public_id}/").content.decode()
    timeline = html[html.index('id="timeline-heading"') :]
    assert "Almi Uppsala referred some needs to EKN:" in timeline and credit_risk().name_en in timeline
    assert f"· {advisor.full_name}, Almi Uppsala" in timeline


def test_an_unowned_request_is_referred_from_the_referrers_organisation(
    make_submission, operator, triager, ekn, refer
):
    request = services.submit_request(submission=make_submission())
    referral = refer(request, ekn, triager)
    assert referral.from_organisation == operator


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("to itself", services.ReferralRefused.SAME_ORGANISATION),
        ("inactive", services.ReferralRefused.INACTIVE_ORGANISATION),
        ("closed", services.ReferralRefused.REQUEST_CLOSED),
        ("foreign need", services.ReferralRefused.UNKNOWN_NEEDS),
        ("twice to the same", services.ReferralRefused.ALREADY_PENDING),
        ("two whole at once", services.ReferralRefused.WHOLE_REQUEST_PENDING),
    ],
)
def test_refusals_write_nothing(owned_request, ekn, advisor, region, refer, case, code):
    needs, to = [], ekn
    if case == "to itself":
        to = advisor.organisation
    elif case == "inactive":
        ekn.is_active = False
        ekn.save()
    elif case == "closed":
        services.transition(
            request=owned_request,
            to_status="closed",
            by=advisor,
            expected_version=owned_request.version,
            outcome="helped",
        )
    elif case == "foreign need":
        needs = [NeedCategory.objects.get(slug="customs")]
    elif case == "twice to the same":
        refer(owned_request, ekn, advisor, needs=[credit_risk()])
    elif case == "two whole at once":
        refer(owned_request, OrganisationFactory(slug="sek", kind="sek", regions=[region]), advisor)
    count = Referral.objects.count()
    events = RequestEvent.objects.count()
    with pytest.raises(services.ReferralRefused) as refused:
        refer(owned_request, to, advisor, needs=needs)
    assert refused.value.code == code and refused.value.message
    assert (Referral.objects.count(), RequestEvent.objects.count()) == (count, events)


def test_a_stale_page_cannot_refer(owned_request, ekn, advisor, consent):
    with pytest.raises(services.StaleRequest):
        services.refer_request(
            request=owned_request,
            to_organisation=ekn,
            by=advisor,
            needs=[],
            note="x",
            consent=consent,
            expected_version=owned_request.version - 1,
        )
    assert not Referral.objects.exists()


def test_consent_is_required(owned_request, ekn, advisor):
    with pytest.raises(ValueError):
        services.Consent(method="telepathy")
    with pytest.raises(ValueError):
        services.refer_request(
            request=owned_request,
            to_organisation=ekn,
            by=advisor,
            needs=[],
            note="x",
            consent=None,
            expected_version=owned_request.version,
        )


def test_the_database_keeps_one_pending_referral_per_receiver(owned_request, ekn, advisor, refer):
    referral = refer(owned_request, ekn, advisor, needs=[credit_risk()])
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            request=owned_request,
            from_organisation=advisor.organisation,
            to_organisation=ekn,
            note="x",
            consent_confirmed=True,
            consent_method="phone",
            due_at=referral.due_at,
            scope="needs",
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # and never without consent
        Referral.objects.create(
            request=owned_request,
            from_organisation=ekn,
            to_organisation=advisor.organisation,
            note="x",
            consent_confirmed=False,
            consent_method="phone",
            due_at=referral.due_at,
        )


# --- The lifecycle matrix: every status × every answer ------------------------------------------------

ANSWERS = ["accept", "decline", "withdraw"]
RESULT = {"accept": RStatus.ACCEPTED, "decline": RStatus.DECLINED, "withdraw": RStatus.WITHDRAWN}


def answer(action, referral, people):
    if action == "accept":
        return services.accept_referral(referral=referral, by=people["receiver"])
    if action == "decline":
        return services.decline_referral(referral=referral, by=people["receiver"], reason="Not for us.")
    return services.withdraw_referral(referral=referral, by=people["sender"])


@pytest.mark.parametrize("status", list(RStatus.values))
@pytest.mark.parametrize("action", ANSWERS)
def test_the_lifecycle_matrix(owned_request, ekn, ekn_advisor, advisor, refer, status, action):
    people = {"receiver": ekn_advisor, "sender": advisor}
    referral = refer(owned_request, ekn, advisor)
    if status != RStatus.PENDING:
        referral = answer({v: k for k, v in RESULT.items()}[status], referral, people)
    assert reload(referral).status == status
    if status == RStatus.PENDING:
        answered = answer(action, referral, people)
        assert answered.status == RESULT[action]
        assert answered.answered_at is not None and answered.version == 2
    else:
        events = RequestEvent.objects.count()
        with pytest.raises(services.ReferralNotPending) as refused:
            answer(action, referral, people)
        assert refused.value.status == status
        assert reload(referral).status == status and RequestEvent.objects.count() == events


def test_a_decline_without_a_reason_is_refused(owned_request, ekn, ekn_advisor, advisor, refer):
    referral = refer(owned_request, ekn, advisor)
    for reason in ("", "   \n "):
        with pytest.raises(services.DeclineNeedsReason):
            services.decline_referral(referral=referral, by=ekn_advisor, reason=reason)
    assert reload(referral).status == RStatus.PENDING
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        Referral.objects.filter(pk=referral.pk).update(status="declined", answered_at=timezone.now())


def test_a_decline_goes_back_to_the_sender_with_the_reason(owned_request, ekn, ekn_advisor, advisor, refer):
    referral = refer(owned_request, ekn, advisor)
    declined = services.decline_referral(referral=referral, by=ekn_advisor, reason="  Too small for us.  ")
    assert (declined.decline_reason, declined.answered_by) == ("Too small for us.", ekn_advisor)
    request = reload(owned_request)
    assert (request.owner_organisation, request.owner_advisor) == (advisor.organisation, advisor)
    event = request.events.get(kind=RequestEvent.Kind.REFERRAL_DECLINED)
    assert event.body == "Too small for us." and event.actor == ekn_advisor and event.organisation == ekn


def test_a_stale_answer_changes_nothing(owned_request, ekn, ekn_advisor, advisor, refer):
    referral = refer(owned_request, ekn, advisor)
    with pytest.raises(services.StaleReferral):
        services.accept_referral(referral=referral, by=ekn_advisor, expected_version=7)
    assert reload(referral).status == RStatus.PENDING
    assert (
        services.accept_referral(referral=referral, by=ekn_advisor, expected_version=1).status == "accepted"
    )


# --- Ownership and co-handling ------------------------------------------------------------------------


def test_accepting_the_whole_request_moves_ownership(owned_request, ekn, ekn_advisor, advisor, refer):
    referral = refer(owned_request, ekn, advisor)
    before = reload(owned_request)
    accepted = services.accept_referral(referral=referral, by=ekn_advisor, advisor=ekn_advisor)
    request = reload(owned_request)
    assert (request.owner_organisation, request.owner_advisor) == (ekn, ekn_advisor)
    assert request.owner_since == accepted.answered_at and request.owner_since > before.owner_since
    assert request.version == before.version + 1
    assert accepted.advisor == ekn_advisor
    event = request.events.get(kind=RequestEvent.Kind.REFERRAL_ACCEPTED)
    assert event.data["owner_before"] == {"organisation": advisor.organisation_id, "advisor": advisor.pk}
    assert not CoHandling.objects.exists()


def test_accepting_into_the_queue(owned_request, ekn, ekn_advisor, advisor, refer):
    services.accept_referral(referral=refer(owned_request, ekn, advisor), by=ekn_advisor)
    request = reload(owned_request)
    assert (request.owner_organisation, request.owner_advisor) == (ekn, None)


def test_the_advisor_named_must_belong_to_the_receiver(owned_request, ekn, ekn_advisor, advisor, refer):
    referral = refer(owned_request, ekn, advisor)
    with pytest.raises(services.InvalidAssignee):
        services.accept_referral(referral=referral, by=ekn_advisor, advisor=advisor)
    retired = UserFactory(organisation=ekn, is_active=False)
    with pytest.raises(services.InvalidAssignee):
        services.accept_referral(referral=referral, by=ekn_advisor, advisor=retired)
    assert reload(referral).status == RStatus.PENDING


def test_accepting_selected_needs_makes_a_co_handler_and_the_owner_stays(
    owned_request, ekn, ekn_advisor, advisor, refer
):
    referral = refer(owned_request, ekn, advisor, needs=[credit_risk()])
    before = reload(owned_request)
    services.accept_referral(referral=referral, by=ekn_advisor)
    request = reload(owned_request)
    assert (request.owner_organisation, request.owner_advisor, request.owner_since) == (
        before.owner_organisation,
        before.owner_advisor,
        before.owner_since,
    )
    handling = CoHandling.objects.get()
    assert (handling.request, handling.organisation, handling.need, handling.referral) == (
        request,
        ekn,
        credit_risk(),
        referral,
    )
    # Referred and accepted again for the same need: still one row (a unique constraint).
    again = refer(owned_request, ekn, advisor, needs=[credit_risk()])
    services.accept_referral(referral=again, by=ekn_advisor)
    assert CoHandling.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        CoHandling.objects.create(request=request, organisation=ekn, need=credit_risk())


def test_an_answer_on_a_closed_request_is_refused_but_it_can_be_declined(
    owned_request, ekn, ekn_advisor, advisor, refer
):
    referral = refer(owned_request, ekn, advisor)
    request = reload(owned_request)
    services.transition(
        request=request, to_status="closed", by=advisor, expected_version=request.version, outcome="helped"
    )
    with pytest.raises(services.ReferralRefused) as refused:
        services.accept_referral(referral=referral, by=ekn_advisor)
    assert refused.value.code == services.ReferralRefused.REQUEST_CLOSED
    assert (
        services.decline_referral(referral=referral, by=ekn_advisor, reason="Closed already.").status
        == "declined"
    )


# --- The chain ------------------------------------------------------------------------------------------


def test_a_request_referred_several_times_shows_the_chain(
    owned_request, ekn, ekn_advisor, advisor, region, refer
):
    sek = OrganisationFactory(name="SEK", slug="sek", kind="sek", regions=[region])
    sek_advisor = UserFactory(organisation=sek)
    first = refer(owned_request, sek, advisor)
    services.decline_referral(referral=first, by=sek_advisor, reason="Too small a deal for SEK.")
    second = refer(owned_request, ekn, advisor)
    services.accept_referral(referral=second, by=ekn_advisor)
    # The new owner refers onwards, and withdraws.
    third = refer(owned_request, sek, ekn_advisor, needs=[credit_risk()])
    assert third.from_organisation == ekn
    services.withdraw_referral(referral=third, by=ekn_advisor)

    kinds = list(
        reload(owned_request)
        .events.filter(referral__isnull=False)
        .order_by("pk")
        .values_list("kind", "referral")
    )
    assert kinds == [
        ("referred", first.pk),
        ("referral_declined", first.pk),
        ("referred", second.pk),
        ("referral_accepted", second.pk),
        ("referred", third.pk),
        ("referral_withdrawn", third.pk),
    ]
    company_events = list(
        CompanyEvent.objects.filter(company=owned_request.company, kind__startswith="referr")
        .order_by("pk")
        .values_list("kind", "summary")
    )
    reference = owned_request.reference
    assert company_events == [
        ("referred", f"{reference}: Almi Uppsala → SEK"),
        ("referral_declined", f"{reference}: Almi Uppsala → SEK"),
        ("referred", f"{reference}: Almi Uppsala → EKN"),
        ("referral_accepted", f"{reference}: Almi Uppsala → EKN"),
        ("referred", f"{reference}: EKN → SEK"),
        ("referral_withdrawn", f"{reference}: EKN → SEK"),
    ]


# --- When the request reached its final owner ---------------------------------------------------------


def test_owner_since_is_stamped_when_the_organisation_changes(
    make_submission, operator, advisor, ekn, ekn_advisor
):
    request = services.submit_request(submission=make_submission())
    assert request.owner_since is None
    routed = services.assign(request=request, by=advisor, organisation=ekn, expected_version=request.version)
    assert routed.owner_since is not None
    # An advisor of the same organisation: the organisation had it already.
    same = services.assign(
        request=routed, by=ekn_advisor, advisor=ekn_advisor, expected_version=routed.version
    )
    assert same.owner_since == routed.owner_since

    queued = services.submit_request(submission=make_submission(contact_email="q@konsult.example"))
    queued = services.assign(
        request=queued, by=advisor, organisation=advisor.organisation, expected_version=1
    )
    taken = services.claim(request=queued, advisor=advisor)  # its own organisation's queue: unchanged
    assert reload(taken).owner_since == queued.owner_since

    fresh = services.submit_request(submission=make_submission(contact_email="f@konsult.example"))
    assert reload(services.claim(request=fresh, advisor=ekn_advisor)).owner_since is not None


# --- Deadlines -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        # During working hours: the same time on the next working day.
        (datetime(2026, 11, 23, 10, 15), datetime(2026, 11, 24, 10, 15)),
        # Friday afternoon: Monday, same time.
        (datetime(2026, 11, 27, 14, 0), datetime(2026, 11, 30, 14, 0)),
        # After hours on a Friday: the end of Monday.
        (datetime(2026, 11, 27, 18, 0), datetime(2026, 11, 30, 17, 0)),
        # Maundy Thursday 2026 in the afternoon: Good Friday to Easter Monday are closed.
        (datetime(2026, 4, 2, 15, 30), datetime(2026, 4, 7, 15, 30)),
        # The day before Midsummer Eve: the Monday after.
        (datetime(2026, 6, 18, 11, 0), datetime(2026, 6, 22, 11, 0)),
        # 23 December: Christmas is closed until Monday 28 December.
        (datetime(2026, 12, 23, 9, 30), datetime(2026, 12, 28, 9, 30)),
    ],
)
def test_the_answer_is_due_one_working_day_later(owned_request, ekn, advisor, refer, monkeypatch, sent, due):
    monkeypatch.setattr(timezone, "now", lambda: sent.replace(tzinfo=STOCKHOLM))
    referral = refer(owned_request, ekn, advisor)
    assert referral.due_at == due.replace(tzinfo=STOCKHOLM)


@pytest.mark.time_machine(WORKING_DAY_MORNING, tick=False)
def test_due_state_and_overdue(owned_request, ekn, advisor, refer, time_machine):
    referral = refer(owned_request, ekn, advisor)  # Wednesday morning: due Thursday morning
    assert referral.due_state == "open" and not referral.is_overdue
    time_machine.move_to(WORKING_DAY_MORNING + timedelta(hours=23), tick=False)  # Thursday, 09:00
    assert referral.due_state == "due_today" and not referral.is_overdue
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timezone.timedelta(minutes=1))
    late = reload(referral)
    assert late.is_overdue and late.due_state == "overdue"
    assert list(Referral.objects.overdue()) == [late]


# --- Notifications -------------------------------------------------------------------------------------


def test_a_new_referral_notifies_the_receiver(
    owned_request, ekn, ekn_advisor, advisor, refer, django_capture_on_commit_callbacks
):
    colleague = UserFactory(organisation=ekn, preferred_language="en")
    UserFactory(organisation=ekn, is_active=False)
    with django_capture_on_commit_callbacks(execute=False):
        referral = refer(owned_request, ekn, advisor)
    email = OutboundEmail.objects.get(key=f"referral-received:{referral.pk}")
    assert email.to == "info@ekn.example"
    assert owned_request.reference in email.subject and "Almi Uppsala" in email.body_text
    assert "/advisor/referrals/" in email.body_text
    assert "The buyer" not in email.body_text  # the handover note stays in the portal
    notes = Notification.objects.filter(kind=notices.Kind.REFERRAL_RECEIVED)
    assert set(notes.values_list("recipient", flat=True)) == {ekn_advisor.pk, colleague.pk}
    english = notes.get(recipient=colleague)
    with translation.override("en"):  # worded in the reader's language when it is read
        assert english.title.startswith("Almi Uppsala referred")
        assert str(owned_request.public_id) in english.url and english.url.startswith("/en/")
    with translation.override("sv"):
        assert english.title.startswith("Almi Uppsala har hänvisat")
    assert not notes.filter(recipient=advisor).exists()


def test_notifications_are_idempotent(owned_request, ekn, ekn_advisor, advisor, refer):
    referral = refer(owned_request, ekn, advisor)
    emails, notes = OutboundEmail.objects.count(), Notification.objects.count()
    notices.referral_received(referral)  # a retry of the same side effects
    assert (OutboundEmail.objects.count(), Notification.objects.count()) == (emails, notes)


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_an_answer_notifies_the_sender(owned_request, ekn, ekn_advisor, advisor, operator, refer, action):
    referral = refer(owned_request, ekn, advisor)
    answer(action, referral, {"receiver": ekn_advisor, "sender": advisor})
    status = RESULT[action]
    email = OutboundEmail.objects.get(key=f"referral-{status}:{referral.pk}")
    assert email.to == "uppsala@almi.example"  # the sending organisation's functional address
    assert "EKN" in email.subject
    if action == "decline":
        assert "Not for us." in email.body_text
    note = Notification.objects.get(key=f"referral-{status}:{referral.pk}")
    assert note.recipient == advisor and note.kind == f"referral_{status}"


def test_a_withdrawal_notifies_the_receiver(owned_request, ekn, ekn_advisor, advisor, refer):
    referral = refer(owned_request, ekn, advisor)
    services.withdraw_referral(referral=referral, by=advisor)
    email = OutboundEmail.objects.get(key=f"referral-withdrawn:{referral.pk}")
    assert email.to == "info@ekn.example"
    assert Notification.objects.get(key=f"referral-withdrawn:{referral.pk}").recipient == ekn_advisor


def test_an_inactive_sender_leaves_the_answer_to_the_organisation(
    owned_request, ekn, ekn_advisor, advisor, refer
):
    referral = refer(owned_request, ekn, advisor)
    colleague = UserFactory(organisation=advisor.organisation)
    advisor.is_active = False
    advisor.save()
    services.accept_referral(referral=referral, by=ekn_advisor)
    recipients = set(
        Notification.objects.filter(kind="referral_accepted").values_list("recipient", flat=True)
    )
    assert colleague.pk in recipients and advisor.pk not in recipients


# --- Concurrency ---------------------------------------------------------------------------------------


def race(**calls) -> dict[str, str]:
    """Run the calls at the same moment, each in its own thread and connection: name -> "won" or "lost"."""
    barrier = threading.Barrier(len(calls))
    results = {}

    def run(name, call):
        try:
            barrier.wait()
            call()
            results[name] = "won"
        except services.ReferralNotPending:
            results[name] = "lost"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level concurrency needs PostgreSQL")
@pytest.mark.parametrize("attempt", range(3))
def test_accept_racing_withdraw_exactly_one_wins(
    make_submission, operator, organisation, region, consent, attempt
):
    advisor = UserFactory(organisation=organisation)
    ekn = OrganisationFactory(slug="ekn-race", kind="ekn", regions=[region])
    receiver = UserFactory(organisation=ekn)
    request = services.claim(request=services.submit_request(submission=make_submission()), advisor=advisor)
    referral = services.refer_request(
        request=request,
        to_organisation=ekn,
        by=advisor,
        needs=[],
        note="x",
        consent=consent,
        expected_version=reload(request).version,
    )
    results = race(
        accept=lambda: services.accept_referral(referral=referral, by=receiver),
        withdraw=lambda: services.withdraw_referral(referral=referral, by=advisor),
    )
    assert sorted(results.values()) == ["lost", "won"], results
    winner = next(name for name, result in results.items() if result == "won")
    referral.refresh_from_db()
    request.refresh_from_db()
    assert referral.status == {"accept": "accepted", "withdraw": "withdrawn"}[winner]
    assert request.owner_organisation_id == (ekn.pk if winner == "accept" else organisation.pk)
    assert request.events.filter(kind__in=["referral_accepted", "referral_withdrawn"]).count() == 1
