"""The "follow-up due" reminder catches up on what a run missed: a follow-up added after its day's run, due
on a day already past, or a day whose run never happened, is reminded by the next run, exactly once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from notifications import reminders
from notifications.models import Reminder
from notifications.tasks import sweep_reminders
from outreach.reminder_kinds import Kind as FollowUpKind
from tests.outreach.factories import FollowUpFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY = (date(2026, 11, 23) + timedelta(days=n) for n in range(4))
DUE = FollowUpKind.FOLLOW_UP_DUE


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(run_date):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.sweep(DUE, run_date)

    return run


@pytest.fixture
def clock(monkeypatch):
    """Stockholm wall-clock time, frozen: `timezone.now()` (and so `localdate()`) answers it."""

    def set_to(day: date, hour: int, minute: int = 0):
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def reminded():
    return sorted(Reminder.objects.filter(kind=DUE).values_list("target_id", "occurrence"))


def test_a_follow_up_added_after_the_mornings_run_is_reminded_by_the_next_run_once(
    sweep, clock, advisor, company
):
    clock(TUESDAY, 8)
    assert sweep(TUESDAY).targets == 0  # the morning run: nothing is due yet
    clock(TUESDAY, 10, 30)
    due_today = FollowUpFactory(owner=advisor, company=company, due_on=TUESDAY)

    clock(WEDNESDAY, 8)
    assert sweep(WEDNESDAY).targets == 1
    assert reminded() == [(due_today.pk, TUESDAY)]
    assert sweep(WEDNESDAY).targets == 0  # exactly once: the ledger holds it
    clock(THURSDAY, 8)
    assert sweep(THURSDAY).targets == 0
    assert reminded() == [(due_today.pk, TUESDAY)]
    assert len(mail.outbox) == 1 and advisor.email in mail.outbox[0].to


def test_a_follow_up_due_on_a_day_whose_run_has_passed_is_reminded_once(sweep, clock, advisor, company):
    clock(WEDNESDAY, 14)
    late = FollowUpFactory(owner=advisor, company=company, due_on=MONDAY)  # entered afterwards

    clock(THURSDAY, 8)
    assert sweep(THURSDAY).targets == 1
    assert sweep(THURSDAY).targets == 0
    assert reminded() == [(late.pk, MONDAY)]


def test_a_day_without_a_run_is_caught_up_by_the_next_run(sweep, clock, advisor, company):
    clock(MONDAY, 12)
    missed = FollowUpFactory(owner=advisor, company=company, due_on=TUESDAY)
    # Tuesday's run never happened (the worker was down).
    clock(WEDNESDAY, 8)
    assert sweep(WEDNESDAY).targets == 1
    assert reminded() == [(missed.pk, TUESDAY)]


def test_the_periodic_task_catches_up_on_its_own_day(
    clock, advisor, company, django_capture_on_commit_callbacks
):
    """The scheduled task, with no run date given, works out "today" and catches up too."""
    clock(TUESDAY, 9)
    due_today = FollowUpFactory(owner=advisor, company=company, due_on=TUESDAY)
    done = FollowUpFactory(
        owner=advisor, company=company, due_on=MONDAY, status="done", completed_at=timezone.now()
    )
    clock(WEDNESDAY, 8)
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_reminders.delay(DUE).get()
    assert reminded() == [(due_today.pk, TUESDAY)]
    assert done.pk not in {target for target, _day in reminded()}


def test_catching_up_looks_back_only_so_many_working_days(sweep, clock, advisor, company, settings):
    """Older misses belong to the overdue digest: a first run after a long outage does not send a "due"
    reminder for every follow-up ever entered."""
    settings.REMINDER_CATCH_UP_DAYS = 2
    clock(THURSDAY, 7)
    old = FollowUpFactory(owner=advisor, company=company, due_on=MONDAY)  # three working days back
    recent = FollowUpFactory(owner=advisor, company=company, due_on=TUESDAY)  # two working days back
    clock(THURSDAY, 8)
    assert sweep(THURSDAY).targets == 1
    assert reminded() == [(recent.pk, TUESDAY)]
    assert old.pk not in {target for target, _day in reminded()}
