"""The hourly catch-up sweep (`notifications.tasks.catch_up_reminders`, `reminders-catch-up` in the beat
schedule): it sends what is still unsent for today and the previous REMINDER_CATCH_UP_DAYS working days, once
through the ledger, with each reminder's own occurrence date; digests only for today; nothing stale.

The clock is frozen with time-machine at Stockholm times around the working-day calendar of
`exportcenter.workdays` (Christmas 2026: Thursday 24 to Sunday 27 December are no working days).
"""

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.core import mail

from advisors.models import User
from notifications import reminders
from notifications.models import Reminder
from notifications.tasks import catch_up_reminders
from outreach.models import FollowUp
from outreach.reminder_kinds import Kind as FollowUpKind
from referrals.models import AdviceRequest
from referrals.reminder_kinds import Kind as RequestKind
from tests.outreach.factories import FollowUpFactory, make_request

ROOT = Path(__file__).resolve().parents[2]
STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = (date(2026, 11, 23) + timedelta(days=n) for n in range(5))
SATURDAY = date(2026, 11, 28)
LAST_FRIDAY = date(2026, 11, 20)
BEFORE_CHRISTMAS = date(2026, 12, 23)  # Wednesday: the last working day before Monday 28 December
AFTER_CHRISTMAS = date(2026, 12, 28)

DUE = FollowUpKind.FOLLOW_UP_DUE
OVERDUE = FollowUpKind.FOLLOW_UPS_OVERDUE
ESCALATION = FollowUpKind.OVERDUE_ESCALATION
DIGEST = FollowUpKind.WEEKLY_DIGEST
NOT_TRIAGED = RequestKind.REQUEST_NOT_TRIAGED
NOT_ANSWERED = RequestKind.REFERRAL_NOT_ANSWERED


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    monkeypatch.setattr(User._meta.get_field("preferred_language"), "default", "en")


@pytest.fixture
def clock(time_machine):
    def set_to(day: date, hour: int, minute: int = 0):
        time_machine.move_to(at(day, hour, minute), tick=False)

    return set_to


@pytest.fixture
def catch_up(django_capture_on_commit_callbacks):
    """Publish the catch-up task as beat does (eager here: the chunks and the emails run at commit)."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return catch_up_reminders.delay().get()

    return run


def due_mails():
    return [m for m in mail.outbox if m.subject.startswith("Follow-up due")]


def ledger(kind):
    return sorted(Reminder.objects.filter(kind=kind).values_list("target_id", "occurrence"))


# --- Which date each kind is caught up for ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # A working day after the reminder time: today, for every kind that is caught up at all.
        (
            at(TUESDAY, 9, 30),
            {
                DUE: TUESDAY,
                NOT_TRIAGED: TUESDAY,
                NOT_ANSWERED: TUESDAY,
                OVERDUE: TUESDAY,
                ESCALATION: TUESDAY,
            },
        ),
        # Before the reminder time today's run has not happened: the previous working day, never a digest.
        (at(TUESDAY, 7, 0), {DUE: MONDAY, NOT_TRIAGED: MONDAY, NOT_ANSWERED: MONDAY}),
        # Monday after the digest's time: this Monday's weekly digest too; before 08:00 only the digest.
        (
            at(MONDAY, 8, 30),
            {DUE: MONDAY, NOT_TRIAGED: MONDAY, NOT_ANSWERED: MONDAY, OVERDUE: MONDAY, ESCALATION: MONDAY}
            | {DIGEST: MONDAY},
        ),
        (
            at(MONDAY, 7, 45),
            {DIGEST: MONDAY, DUE: LAST_FRIDAY, NOT_TRIAGED: LAST_FRIDAY, NOT_ANSWERED: LAST_FRIDAY},
        ),
        # A Saturday: Friday's reminders; no digest is caught up on a day without its run.
        (at(SATURDAY, 10), {DUE: FRIDAY, NOT_TRIAGED: FRIDAY, NOT_ANSWERED: FRIDAY}),
        # After Christmas, before the morning run: the last working day before the holidays.
        (
            at(AFTER_CHRISTMAS, 7),
            {DUE: BEFORE_CHRISTMAS, NOT_TRIAGED: BEFORE_CHRISTMAS, NOT_ANSWERED: BEFORE_CHRISTMAS}
            | {DIGEST: None},
        ),
    ],
    ids=["working-day", "before-the-run", "monday", "monday-early", "saturday", "after-christmas"],
)
def test_each_kind_is_caught_up_for_its_latest_run_that_has_passed(now, expected):
    found = {kind: reminders.catch_up_date(spec, now) for kind, spec in reminders.REGISTRY.items()}
    assert {kind: day for kind, day in found.items() if day} == {k: v for k, v in expected.items() if v}


def test_no_catch_up_beyond_the_catch_up_days(settings):
    spec = reminders.kind_for(DUE)
    settings.REMINDER_CATCH_UP_DAYS = 0  # today only
    assert reminders.catch_up_date(spec, at(TUESDAY, 7)) is None
    assert reminders.catch_up_date(spec, at(TUESDAY, 9)) == TUESDAY
    assert reminders.catch_up_date(spec, at(SATURDAY, 10)) is None
    settings.REMINDER_CATCH_UP_DAYS = 1
    assert reminders.catch_up_date(spec, at(SATURDAY, 10)) == FRIDAY
    # Monday 28 December: one working day back is the 23rd, across the Christmas holidays.
    assert reminders.catch_up_date(spec, at(AFTER_CHRISTMAS, 7)) == BEFORE_CHRISTMAS


# --- Follow-ups due -----------------------------------------------------------------------------------------


def test_a_follow_up_due_yesterday_whose_reminder_was_lost_is_sent_once_for_yesterday(
    clock, catch_up, advisor, company
):
    clock(MONDAY, 12)
    lost = FollowUpFactory(owner=advisor, company=company, due_on=TUESDAY)
    done = FollowUpFactory(owner=advisor, company=company, due_on=TUESDAY, status=FollowUp.Status.DONE)
    too_old = FollowUpFactory(owner=advisor, company=company, due_on=date(2026, 11, 18))  # 4 working days
    # Tuesday's run queued its chunk, and the chunk was lost (no ledger row). Wednesday, 09:30:
    clock(WEDNESDAY, 9, 30)
    catch_up()
    assert ledger(DUE) == [(lost.pk, TUESDAY)]  # its own day, not the catch-up's
    assert [m.to for m in due_mails()] == [[advisor.email]]
    assert lost.description in due_mails()[0].body
    assert done.pk not in dict(ledger(DUE)) and too_old.pk not in dict(ledger(DUE))
    # The next hour's catch-up, and the next day's: nothing again.
    clock(WEDNESDAY, 10, 30)
    catch_up()
    clock(THURSDAY, 9, 30)
    catch_up()
    assert ledger(DUE) == [(lost.pk, TUESDAY)] and len(due_mails()) == 1


def test_todays_reminders_are_caught_up_after_the_morning_run_not_before(clock, catch_up, advisor, company):
    clock(MONDAY, 12)
    today = FollowUpFactory(owner=advisor, company=company, due_on=WEDNESDAY)
    clock(WEDNESDAY, 7)
    catch_up()
    assert ledger(DUE) == []  # the morning run (08:00) sends it, not an early catch-up
    clock(WEDNESDAY, 8, 30)  # the morning run's chunk was lost
    catch_up()
    assert ledger(DUE) == [(today.pk, WEDNESDAY)]
    catch_up()
    assert ledger(DUE) == [(today.pk, WEDNESDAY)] and len(due_mails()) == 1


def test_a_follow_up_done_after_its_chunk_was_lost_is_not_reminded(clock, catch_up, advisor, company):
    clock(MONDAY, 12)
    follow_up = FollowUpFactory(owner=advisor, company=company, due_on=TUESDAY)
    clock(TUESDAY, 8, 10)  # the chunk was lost; the advisor did it anyway
    FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUp.Status.DONE)
    clock(TUESDAY, 8, 30)
    catch_up()
    assert ledger(DUE) == [] and due_mails() == []


def test_the_reminders_before_the_holidays_are_caught_up_after_them(clock, catch_up, advisor, company):
    clock(date(2026, 12, 21), 12)
    before = FollowUpFactory(owner=advisor, company=company, due_on=date(2026, 12, 24))  # reminds on the 23rd
    clock(AFTER_CHRISTMAS, 9, 30)
    catch_up()
    assert ledger(DUE) == [(before.pk, BEFORE_CHRISTMAS)]
    catch_up()
    assert len(due_mails()) == 1


# --- Digests: today only ----------------------------------------------------------------------


def test_the_overdue_digest_is_caught_up_for_today_only(clock, catch_up, advisor, company):
    clock(date(2026, 11, 16), 12)
    FollowUpFactory(owner=advisor, company=company, due_on=date(2026, 11, 17))
    clock(TUESDAY, 7)  # before today's run: Monday's lost digest is stale, not sent
    catch_up()
    assert ledger(OVERDUE) == []
    clock(TUESDAY, 9, 30)
    catch_up()
    assert ledger(OVERDUE) == [(advisor.pk, TUESDAY)]
    catch_up()
    assert ledger(OVERDUE) == [(advisor.pk, TUESDAY)]
    assert len([m for m in mail.outbox if "overdue follow-up" in m.subject]) == 1


def test_the_weekly_digest_is_caught_up_on_its_monday_only(clock, catch_up, advisor, company):
    clock(date(2026, 11, 20), 12)
    FollowUpFactory(owner=advisor, company=company, due_on=date(2026, 12, 10))
    clock(TUESDAY, 9, 30)  # Monday's digest was lost: on Tuesday "your week" is stale
    catch_up()
    assert ledger(DIGEST) == []
    clock(date(2026, 11, 30), 8, 30)  # the next Monday, its digest lost too
    catch_up()
    assert ledger(DIGEST) == [(advisor.pk, date(2026, 11, 30))]
    catch_up()
    assert ledger(DIGEST) == [(advisor.pk, date(2026, 11, 30))]


# --- Requests --------------------------------------------------------------------------------


def test_a_request_late_before_the_holidays_is_caught_up_once_unless_triaged_since(
    clock, catch_up, uppsala, organisation, advisor, lead, company
):
    uppsala.operator = organisation
    uppsala.save()
    advisor.handles_triage = True
    advisor.save()
    clock(date(2026, 12, 21), 12)
    late = make_request(company=company, region=uppsala, due=at(date(2026, 12, 22), 17))
    triaged = make_request(company=company, region=uppsala, due=at(date(2026, 12, 22), 17))
    AdviceRequest.objects.filter(pk=triaged.pk).update(status=AdviceRequest.Status.TRIAGED)
    clock(AFTER_CHRISTMAS, 9, 30)  # the reminder of the 23rd was lost
    catch_up()
    assert set(ledger(NOT_TRIAGED)) == {(late.pk, date(2026, 12, 22))}
    assert Reminder.objects.filter(kind=NOT_TRIAGED, recipient=advisor).count() == 1
    count = Reminder.objects.count()
    catch_up()
    assert Reminder.objects.count() == count


# --- The schedule -----------------------------------------------------------------------------------------


def test_the_catch_up_runs_hourly_in_office_hours_on_working_days(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reminders-catch-up"]
    assert entry["task"] == catch_up_reminders.name == "notifications.tasks.catch_up_reminders"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.hour == set(range(8, 18)) and schedule.minute == {30}
    assert schedule.day_of_week == {1, 2, 3, 4, 5}
    assert entry["options"]["expires"] < 60 * 60  # a stale run is dropped: the next hour's does the same


@pytest.mark.parametrize(
    ("environment", "expected"), [({}, 900), ({"CELERY_VISIBILITY_TIMEOUT": "120"}, 120)]
)
def test_the_visibility_timeout_comes_from_the_environment(environment, expected):
    """Celery's configuration in a fresh process (settings are read once): Redis as the broker."""
    script = (
        "import django; django.setup(); from exportcenter.celery import app; "
        "print(app.conf.broker_transport_options['visibility_timeout'], "
        "app.conf.result_backend_transport_options['visibility_timeout'])"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REDIS_"))}
    env.update(environment, DJANGO_SETTINGS_MODULE="exportcenter.settings", REDIS_URL="redis://127.0.0.1:1/0")
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert output == [str(expected), str(expected)]
