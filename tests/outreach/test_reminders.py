"""The reminder sweeps: who is reminded of what, when, by which channel, and never twice.

Celery runs eagerly in the tests: a sweep's chunk tasks and the outbox's delivery run when the sweep's
transaction commits (`sweep()` below runs the on-commit callbacks).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation

from advisors.models import User
from notifications import reminders
from notifications.models import Notification, NotificationPreference, OutboundEmail, Reminder
from notifications.tasks import send_reminders, sweep_reminders
from outreach.models import FollowUp
from outreach.reminder_kinds import Kind as FollowUpKind
from referrals.models import AdviceRequest, Referral
from referrals.reminder_kinds import Kind as RequestKind
from tests.clock import SATURDAY_MORNING, WORKING_DAY_MORNING
from tests.factories import UserFactory
from tests.outreach.factories import FollowUpFactory, make_request

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TUESDAY = date(2026, 11, 24)
MONDAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """People read English here, so that the assertions do not depend on the Swedish catalogue (the
    language test sets Swedish explicitly)."""
    monkeypatch.setattr(User._meta.get_field("preferred_language"), "default", "en")


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(kind, run_date, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.sweep(kind, run_date, **kwargs)

    return run


def follow_up(owner, company, due_on, **fields):
    return FollowUpFactory(owner=owner, company=company, due_on=due_on, **fields)


def ledger(kind=None):
    rows = Reminder.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("recipient__email", "kind", "target_type", "target_id", "occurrence"))


# --- Follow-up due ---------------------------------------------------------------------------------------


def test_a_follow_up_due_today_is_reminded_once_in_app_and_by_email(sweep, advisor, company):
    due = follow_up(advisor, company, TUESDAY, description="Ring Karin om offerten", due_time=time(14, 30))

    result = sweep(FollowUpKind.FOLLOW_UP_DUE, TUESDAY)

    assert (result.chunks, result.targets) == (1, 1)
    assert ledger() == [(advisor.email, "follow_up_due", "outreach.followup", due.pk, TUESDAY)]
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (advisor, "follow_up_due")
    assert "Ring Karin om offerten" in notification.title and company.name in notification.title
    with translation.override("en"):  # worded and linked in the reader's language when it is read
        assert notification.url == "/en/advisor/follow-ups/"
    email = OutboundEmail.objects.get()
    assert (email.to, email.status) == (advisor.email, OutboundEmail.Status.SENT)
    [message] = mail.outbox
    assert message.to == [advisor.email]
    assert "Ring Karin om offerten" in message.subject
    assert "14:30" in message.body
    assert "http://127.0.0.1:8000/en/advisor/notifications/preferences/" in message.body
    html = message.alternatives[0][0]
    assert 'href="http://127.0.0.1:8000/en/advisor/notifications/preferences/"' in html
    assert (
        f'<a href="http://127.0.0.1:8000/en/companies/{company.public_id}/">Ring Karin om offerten</a>'
        in html
    )
    assert message.extra_headers["Message-ID"] == email.message_id  # stored when queued (an HMAC id)


def test_a_second_sweep_sends_nothing_new(sweep, advisor, company):
    for day in (TUESDAY, TUESDAY + timedelta(days=1)):
        follow_up(advisor, company, day)
    sweep(FollowUpKind.FOLLOW_UP_DUE, TUESDAY)
    before = (
        Reminder.objects.count(),
        Notification.objects.count(),
        OutboundEmail.objects.count(),
        len(mail.outbox),
    )
    assert before == (1, 1, 1, 1)

    again = sweep(FollowUpKind.FOLLOW_UP_DUE, TUESDAY)

    assert again.targets == 0  # the ledger already holds it: not even a chunk is queued
    after = (
        Reminder.objects.count(),
        Notification.objects.count(),
        OutboundEmail.objects.count(),
        len(mail.outbox),
    )
    assert after == before
    # Sending the same chunk again (a redelivered task, an overlapping sweep) is a no-op too.
    target = FollowUp.objects.get(due_on=TUESDAY)
    assert send_reminders.delay("follow_up_due", TUESDAY.isoformat(), [target.pk]).get() == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("due_on", "quiet_on", "reminded_on"),
    [
        (date(2026, 11, 28), date(2026, 11, 26), date(2026, 11, 27)),  # Saturday: Friday, not Thursday
        (date(2026, 6, 19), date(2026, 6, 17), date(2026, 6, 18)),  # Midsummer Eve: Thursday
        (date(2026, 12, 24), date(2026, 12, 22), date(2026, 12, 23)),  # Christmas Eve: the 23rd
        (date(2026, 4, 6), date(2026, 4, 1), date(2026, 4, 2)),  # Easter Monday: Maundy Thursday
    ],
)
def test_a_due_date_off_work_reminds_on_the_working_day_before(
    sweep, advisor, company, due_on, quiet_on, reminded_on
):
    due = follow_up(advisor, company, due_on)
    assert due.remind_on == reminded_on

    sweep(FollowUpKind.FOLLOW_UP_DUE, quiet_on)
    assert ledger() == []
    sweep(FollowUpKind.FOLLOW_UP_DUE, reminded_on)
    assert ledger() == [(advisor.email, "follow_up_due", "outreach.followup", due.pk, reminded_on)]
    # On the due date itself (a holiday or weekend) the sweep does not run, and would add nothing.
    assert sweep(FollowUpKind.FOLLOW_UP_DUE, due_on).targets == 0
    assert len(mail.outbox) == 1


def test_a_missed_morning_is_caught_up_by_the_next_sweep(sweep, advisor, company):
    """A follow-up whose reminder day has passed unswept (the worker was down, or it was added after that
    day's run) is reminded by the next sweep, once (tests/outreach/test_reminder_catch_up.py has more)."""
    friday = date(2026, 11, 27)
    due = follow_up(advisor, company, friday)
    late = follow_up(advisor, company, date(2026, 11, 28))  # Saturday: reminds Friday
    sweep(FollowUpKind.FOLLOW_UP_DUE, friday)
    assert {row[3] for row in ledger()} == {due.pk, late.pk}
    # Due yesterday and never reminded: caught up today, and only once.
    missed = follow_up(advisor, company, date(2026, 11, 26))
    assert sweep(FollowUpKind.FOLLOW_UP_DUE, friday).targets == 1
    assert sweep(FollowUpKind.FOLLOW_UP_DUE, friday).targets == 0
    assert {row[3] for row in ledger()} == {due.pk, late.pk, missed.pk}


def test_the_chunk_uses_the_sweeps_run_date_not_today(advisor, company):
    """A chunk that waited in a backlog still works for the day it was queued for."""
    due = follow_up(advisor, company, TUESDAY)
    assert (
        send_reminders.delay("follow_up_due", (TUESDAY - timedelta(days=1)).isoformat(), [due.pk]).get() == 0
    )
    assert send_reminders.delay("follow_up_due", TUESDAY.isoformat(), [due.pk]).get() == 1
    assert ledger()[0][4] == TUESDAY


def test_done_cancelled_and_moved_follow_ups_are_not_reminded(sweep, advisor, company):
    follow_up(advisor, company, TUESDAY, status=FollowUp.Status.DONE, completed_at=datetime.now(STOCKHOLM))
    follow_up(
        advisor, company, TUESDAY, status=FollowUp.Status.CANCELLED, completed_at=datetime.now(STOCKHOLM)
    )
    inactive = UserFactory(email="gone@almi.example", organisation=advisor.organisation, is_active=False)
    follow_up(inactive, company, TUESDAY)
    sweep(FollowUpKind.FOLLOW_UP_DUE, TUESDAY)
    assert ledger() == []


def test_a_rescheduled_follow_up_is_reminded_again_on_its_new_day(sweep, advisor, company):
    from outreach import services

    due = follow_up(advisor, company, MONDAY)
    sweep(FollowUpKind.FOLLOW_UP_DUE, MONDAY)
    services.update_follow_up(follow_up=due, by=advisor, expected_version=due.version, due_on=TUESDAY)
    sweep(FollowUpKind.FOLLOW_UP_DUE, TUESDAY)
    assert [row[4] for row in ledger()] == [MONDAY, TUESDAY]


def test_the_sweep_walks_the_targets_in_chunks(sweep, advisor, colleague, company):
    due = [follow_up(person, company, TUESDAY) for person in (advisor, colleague) for _ in range(3)]
    result = sweep(FollowUpKind.FOLLOW_UP_DUE, TUESDAY, chunk_size=4)
    assert (result.chunks, result.targets) == (2, 6)
    assert sorted(row[3] for row in ledger()) == sorted(f.pk for f in due)
    assert Notification.objects.count() == 6 and len(mail.outbox) == 6


@pytest.mark.parametrize(
    ("now", "working"),
    [(WORKING_DAY_MORNING, True), (SATURDAY_MORNING, False)],
    ids=["working-day", "saturday"],
)
def test_the_periodic_task_sweeps_today_by_default(
    now, working, time_machine, advisor, company, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    time_machine.move_to(now, tick=False)
    today = timezone.localdate()
    assert today == now.date() and reminders.is_working_day(today) is working
    due = follow_up(advisor, company, today)
    with django_capture_on_commit_callbacks(execute=True):
        chunks = sweep_reminders.delay("follow_up_due").get()
    assert chunks == (1 if working else 0)
    assert Reminder.objects.filter(target_id=due.pk).exists() is working


# --- Preferences and languages ----------------------------------------------------------------------


def test_email_preferences_switch_the_email_off_but_never_the_notification(
    sweep, advisor, colleague, company
):
    NotificationPreference.objects.create(user=advisor, kind="follow_up_due", email=False)
    NotificationPreference.objects.create(user=colleague, kind="weekly_digest", email=False)  # another kind
    follow_up(advisor, company, TUESDAY)
    follow_up(colleague, company, TUESDAY)

    sweep(FollowUpKind.FOLLOW_UP_DUE, TUESDAY)

    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        advisor.email,
        colleague.email,
    }
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert set(OutboundEmail.objects.values_list("to", flat=True)) == {colleague.email}


def test_each_person_gets_the_reminder_in_their_language(sweep, advisor, colleague, company):
    User.objects.filter(pk=advisor.pk).update(preferred_language="en")
    User.objects.filter(pk=colleague.pk).update(preferred_language="sv")
    follow_up(advisor, company, TUESDAY)
    follow_up(colleague, company, TUESDAY)
    sweep(FollowUpKind.FOLLOW_UP_DUE, TUESDAY)
    html = {m.to[0]: m.alternatives[0][0] for m in mail.outbox}
    assert '<html lang="en">' in html[advisor.email]
    assert '<html lang="sv">' in html[colleague.email]
    english = OutboundEmail.objects.get(to=advisor.email)
    assert english.subject.startswith("Follow-up due 24 November 2026") or english.subject.startswith(
        "Follow-up due Nov. 24, 2026"
    )
    assert "Choose which reminders you get by email" in english.body_html


# --- Overdue follow-ups -----------------------------------------------------------------------------


def test_overdue_follow_ups_come_in_one_daily_digest(sweep, advisor, colleague, company):
    for due_on in (date(2026, 11, 19), date(2026, 11, 20), MONDAY):
        follow_up(advisor, company, due_on)
    follow_up(advisor, company, TUESDAY)  # due today: not overdue
    follow_up(colleague, company, TUESDAY)

    sweep(FollowUpKind.FOLLOW_UPS_OVERDUE, TUESDAY)

    assert ledger() == [(advisor.email, "follow_ups_overdue", "advisors.user", advisor.pk, TUESDAY)]
    notification = Notification.objects.get()
    with translation.override("en"):
        assert notification.title == "You have 3 overdue follow-ups"
    [message] = mail.outbox
    assert message.body.count("Ring upp om offerten") == 3
    assert sweep(FollowUpKind.FOLLOW_UPS_OVERDUE, TUESDAY).targets == 0
    sweep(FollowUpKind.FOLLOW_UPS_OVERDUE, TUESDAY + timedelta(days=1))  # the next day: the next digest
    assert Reminder.objects.filter(kind="follow_ups_overdue", recipient=advisor).count() == 2


def test_a_long_digest_lists_ten_and_counts_the_rest(sweep, advisor, company):
    for n in range(13):
        follow_up(advisor, company, date(2026, 11, 2) + timedelta(days=n))
    sweep(FollowUpKind.FOLLOW_UPS_OVERDUE, TUESDAY)
    [message] = mail.outbox
    assert message.body.count("Ring upp om offerten") == 10
    assert "and 3 more" in message.body


def test_after_some_working_days_overdue_the_leads_hear_of_it(
    sweep, settings, advisor, lead, colleague, company
):
    settings.OVERDUE_ESCALATION_WORKING_DAYS = 3
    old = follow_up(advisor, company, MONDAY)  # three working days overdue on Thursday
    follow_up(colleague, company, date(2026, 11, 25))  # Wednesday: only one on Thursday

    sweep(FollowUpKind.OVERDUE_ESCALATION, date(2026, 11, 25))  # Wednesday: two days, not yet
    assert ledger() == []
    sweep(FollowUpKind.OVERDUE_ESCALATION, date(2026, 11, 26))
    assert ledger() == [
        (
            lead.email,
            "overdue_escalation",
            "advisors.organisation",
            advisor.organisation_id,
            date(2026, 11, 26),
        )
    ]
    notification = Notification.objects.get()
    assert notification.recipient == lead
    with translation.override("en"):
        assert notification.title == "1 follow-up in Almi Uppsala is overdue by 3 working days or more"
    [message] = mail.outbox
    assert old.description in message.body and advisor.full_name in message.body
    assert "Ring upp" in message.body and message.body.count("Ring upp") == 1


# --- Requests and referrals ------------------------------------------------------------------------


@pytest.fixture
def operated(uppsala, organisation):
    uppsala.operator = organisation
    uppsala.save()
    return uppsala


def test_a_request_not_triaged_in_time_reaches_triage_and_the_leads(
    sweep, operated, advisor, lead, partner, partner_advisor, company
):
    partner_lead = UserFactory(
        email="lead@bs.example", organisation=partner, role=User.Role.ORGANISATION_LEAD
    )
    monday_evening = datetime(2026, 11, 23, 17, 0, tzinfo=STOCKHOLM)
    late = make_request(company=company, region=operated, due=monday_evening, owner_organisation=partner)
    make_request(company=company, region=operated, due=monday_evening, status=AdviceRequest.Status.TRIAGED)
    later = make_request(
        company=company, region=operated, due=datetime(2026, 11, 24, 17, 0, tzinfo=STOCKHOLM)
    )

    sweep(RequestKind.REQUEST_NOT_TRIAGED, MONDAY)  # Monday morning: the deadline has not passed
    assert ledger() == []
    sweep(RequestKind.REQUEST_NOT_TRIAGED, TUESDAY)

    # Whoever owns it now: the queue it was routed to (Business Sweden has nobody on triage duty, so its
    # lead), and that organisation's leads; not Almi, which runs the center but no longer holds it.
    assert {row[0] for row in ledger()} == {partner_lead.email}
    assert {row[3:] for row in ledger()} == {(late.pk, MONDAY)}
    assert partner_advisor.email not in {m.to[0] for m in mail.outbox}
    with translation.override("en"):
        assert Notification.objects.get().url == f"/en/advisor/requests/{late.public_id}/"
    # Wednesday: the request due on Tuesday evening is late now; the first one is not reminded again.
    advisor.handles_triage = True  # Almi's queue: the advisor on triage duty, not the lead
    advisor.save()
    assert sweep(RequestKind.REQUEST_NOT_TRIAGED, TUESDAY + timedelta(days=1)).targets == 1
    assert Reminder.objects.filter(target_id=late.pk).count() == 1
    assert set(Reminder.objects.filter(target_id=later.pk).values_list("recipient", flat=True)) == {
        advisor.pk
    }


def test_a_referral_not_answered_in_time_reaches_the_receivers_leads(
    sweep, operated, advisor, partner, partner_advisor, company
):
    partner_lead = UserFactory(
        email="lead@bs.example", organisation=partner, role=User.Role.ORGANISATION_LEAD
    )
    request = make_request(company=company, region=operated, status=AdviceRequest.Status.IN_PROGRESS)
    referral = Referral.objects.create(
        request=request,
        from_organisation=advisor.organisation,
        to_organisation=partner,
        note="Behöver exportkreditgaranti.",
        consent_confirmed=True,
        consent_method=Referral.ConsentMethod.PHONE,
        due_at=datetime(2026, 11, 23, 10, 15, tzinfo=STOCKHOLM),
    )
    sweep(RequestKind.REFERRAL_NOT_ANSWERED, TUESDAY)
    assert ledger() == [
        (partner_lead.email, "referral_not_answered", "referrals.referral", referral.pk, MONDAY)
    ]
    assert request.reference in Notification.objects.get().title
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.ACCEPTED, answered_at=datetime.now(STOCKHOLM)
    )
    assert sweep(RequestKind.REFERRAL_NOT_ANSWERED, TUESDAY + timedelta(days=1)).targets == 0


def test_without_a_lead_the_whole_receiving_organisation_hears_of_it(
    sweep, operated, advisor, partner, partner_advisor, company
):
    request = make_request(company=company, region=operated, status=AdviceRequest.Status.IN_PROGRESS)
    Referral.objects.create(
        request=request,
        from_organisation=advisor.organisation,
        to_organisation=partner,
        note="x",
        consent_confirmed=True,
        consent_method=Referral.ConsentMethod.PHONE,
        due_at=datetime(2026, 11, 23, 10, 15, tzinfo=STOCKHOLM),
    )
    sweep(RequestKind.REFERRAL_NOT_ANSWERED, TUESDAY)
    assert [row[0] for row in ledger()] == [partner_advisor.email]


# --- The weekly digest ------------------------------------------------------------------------------


def test_the_weekly_digest_lists_what_waits_and_skips_people_with_nothing(
    sweep, operated, advisor, colleague, partner, partner_advisor, company
):
    follow_up(advisor, company, TUESDAY, description="Skicka offert")
    follow_up(advisor, company, date(2026, 12, 1), description="Boka studiebesök")
    mine = make_request(
        company=company, region=operated, status=AdviceRequest.Status.IN_PROGRESS, owner_advisor=advisor
    )
    make_request(
        company=company,
        region=operated,
        status=AdviceRequest.Status.CLOSED,
        owner_advisor=advisor,
        outcome="helped",
        closed_at=datetime.now(STOCKHOLM),
    )
    Referral.objects.create(
        request=mine,
        from_organisation=advisor.organisation,
        to_organisation=partner,
        note="x",
        consent_confirmed=True,
        consent_method=Referral.ConsentMethod.PHONE,
        due_at=datetime(2026, 11, 24, 10, 15, tzinfo=STOCKHOLM),
    )

    sweep(FollowUpKind.WEEKLY_DIGEST, MONDAY)

    assert {row[0] for row in ledger()} == {advisor.email, partner_advisor.email}  # not the colleague
    digest = {m.to[0]: m for m in mail.outbox}
    body = digest[advisor.email].body
    assert "Skicka offert" in body and "Boka studiebesök" in body and mine.reference in body
    assert "Your open follow-ups" in body and "Requests waiting for you" in body
    assert "Referrals waiting for your organisation" in digest[partner_advisor.email].body
    with translation.override("en"):
        title = Notification.objects.get(recipient=advisor).title
    assert "2 open follow-ups, 1 request, 0 referrals" in title
    sweep(FollowUpKind.WEEKLY_DIGEST, MONDAY)
    assert Reminder.objects.count() == 2 and len(mail.outbox) == 2


# --- The lock --------------------------------------------------------------------------------------------


def test_a_sweep_that_finds_the_lock_taken_does_nothing(sweep, advisor, company, is_postgres):
    if is_postgres:
        pytest.skip("on PostgreSQL the advisory lock is tested with two connections (test_concurrency)")
    follow_up(advisor, company, TUESDAY)
    cache.add("advisory-lock:reminders:follow_up_due", 1)
    try:
        result = sweep(FollowUpKind.FOLLOW_UP_DUE, TUESDAY)
    finally:
        cache.delete("advisory-lock:reminders:follow_up_due")
    assert result.locked_out and ledger() == []
    assert sweep(FollowUpKind.FOLLOW_UP_DUE, TUESDAY).targets == 1


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown reminder kind"):
        reminders.sweep("birthday", TUESDAY)


def test_each_reminder_kind_has_a_schedule_entry(settings):
    scheduled = {
        entry["kwargs"]["kind"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "notifications.tasks.sweep_reminders"
    }
    assert scheduled == set(reminders.REGISTRY)
    entry = settings.CELERY_BEAT_SCHEDULE["reminders-follow-up-due"]
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {0})
    digest = settings.CELERY_BEAT_SCHEDULE["reminders-weekly-digest"]["schedule"]
    assert (digest.hour, digest.minute, digest.day_of_week) == ({7}, {30}, {1})
