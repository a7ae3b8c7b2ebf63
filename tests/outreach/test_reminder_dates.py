"""When reminders go out: due dates on weekends and holidays, reminder times, overdue working days."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from exportcenter.workdays import latest_day_overdue_by, moment, working_days_between
from outreach.services import remind_on

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("due_on", "reminds_on"),
    [
        (date(2026, 11, 24), date(2026, 11, 24)),  # an ordinary Tuesday: that morning
        (date(2026, 11, 23), date(2026, 11, 23)),  # Monday: that morning, not the Friday before
        (date(2026, 11, 28), date(2026, 11, 27)),  # Saturday: the Friday before
        (date(2026, 11, 29), date(2026, 11, 27)),  # Sunday: the Friday before
        (date(2026, 6, 19), date(2026, 6, 18)),  # Midsummer Eve (a Friday): Thursday
        (date(2026, 6, 20), date(2026, 6, 18)),  # Midsummer Day (Saturday): Thursday
        (date(2026, 6, 22), date(2026, 6, 22)),  # the Monday after Midsummer
        (date(2026, 12, 24), date(2026, 12, 23)),  # Christmas Eve: the 23rd
        (date(2026, 12, 26), date(2026, 12, 23)),  # Boxing Day (Saturday): the 23rd
        (date(2026, 12, 31), date(2026, 12, 30)),  # New Year's Eve: the 30th
        (date(2027, 1, 1), date(2026, 12, 30)),  # New Year's Day: back across the year
        (date(2026, 4, 3), date(2026, 4, 2)),  # Good Friday: Maundy Thursday
        (date(2026, 4, 6), date(2026, 4, 2)),  # Easter Monday: Maundy Thursday
        (date(2026, 5, 1), date(2026, 4, 30)),  # May Day (a Friday): Thursday
        (date(2026, 5, 14), date(2026, 5, 13)),  # Ascension Day: Wednesday
        (date(2026, 6, 6), date(2026, 6, 5)),  # National Day (Saturday): Friday
        (date(2027, 6, 7), date(2027, 6, 7)),  # a Monday (National Day 2027 is a Sunday)
    ],
)
def test_a_follow_up_reminds_on_its_due_date_or_the_working_day_before(due_on, reminds_on):
    assert remind_on(due_on) == reminds_on


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        # 08:00 in Stockholm is 07:00 UTC in winter and 06:00 UTC in summer.
        (date(2026, 11, 24), "08:00", datetime(2026, 11, 24, 7, 0, tzinfo=ZoneInfo("UTC"))),
        (date(2026, 6, 18), "08:00", datetime(2026, 6, 18, 6, 0, tzinfo=ZoneInfo("UTC"))),
        # The Monday after the switch to summer time (29 March 2026).
        (date(2026, 3, 30), "07:30", datetime(2026, 3, 30, 5, 30, tzinfo=ZoneInfo("UTC"))),
        (date(2026, 3, 27), "07:30", datetime(2026, 3, 27, 6, 30, tzinfo=ZoneInfo("UTC"))),
    ],
)
def test_the_reminder_time_is_stockholm_time(day, at, expected):
    assert moment(day, at) == expected
    assert moment(day, at).astimezone(STOCKHOLM).strftime("%H:%M") == at


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 11, 23), date(2026, 11, 23), 0),
        (date(2026, 11, 23), date(2026, 11, 24), 1),  # Monday → Tuesday
        (date(2026, 11, 27), date(2026, 11, 30), 1),  # Friday → Monday: the weekend does not count
        (date(2026, 11, 28), date(2026, 11, 30), 1),  # Saturday → Monday
        (date(2026, 4, 2), date(2026, 4, 7), 1),  # Maundy Thursday → the Tuesday after Easter
        (date(2026, 12, 23), date(2027, 1, 4), 4),  # 28, 29, 30 Dec and 4 Jan (not 24, 31, 1 Jan)
        (date(2026, 11, 30), date(2026, 11, 23), 0),  # backwards
    ],
)
def test_working_days_between(start, end, count):
    assert working_days_between(start, end) == count


@pytest.mark.parametrize(
    ("run_date", "days", "latest_due"),
    [
        (date(2026, 11, 26), 3, date(2026, 11, 23)),  # Thursday, 3 days: due Monday or earlier
        (date(2026, 11, 26), 1, date(2026, 11, 25)),  # Thursday, 1 day: due Wednesday or earlier
        (date(2026, 11, 30), 1, date(2026, 11, 29)),  # Monday, 1 day: due on the weekend or before
        (date(2026, 11, 30), 3, date(2026, 11, 25)),  # Monday, 3 days: Wednesday
        (date(2026, 4, 7), 1, date(2026, 4, 6)),  # Tuesday after Easter, 1 day: due over Easter or before
        (date(2026, 4, 7), 2, date(2026, 4, 1)),  # 2 days: Wednesday before Easter (Thursday is 1 + 1)
        (date(2026, 6, 22), 2, date(2026, 6, 17)),  # Monday after Midsummer, 2 days: Wednesday before
    ],
)
def test_how_far_back_a_follow_up_is_overdue_by_working_days(run_date, days, latest_due):
    assert latest_day_overdue_by(run_date, days) == latest_due
    assert working_days_between(latest_due, run_date) >= days
    # The day after the latest one is not overdue long enough.
    assert working_days_between(latest_due + timedelta(days=1), run_date) < days
