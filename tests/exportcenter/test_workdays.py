from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from exportcenter.workdays import (
    add_working_days,
    end_of_next_working_day,
    is_working_day,
    midsummer_eve,
    next_working_day,
    previous_working_day,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 23), True),  # an ordinary Monday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 22), False),  # Sunday
        (date(2026, 6, 19), False),  # Midsummer Eve (a Friday)
        (date(2026, 6, 6), False),  # National Day
        (date(2026, 12, 24), False),  # Christmas Eve
        (date(2026, 12, 31), False),  # New Year's Eve
        (date(2026, 1, 6), False),  # Epiphany
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 14), False),  # Ascension Day
        (date(2026, 12, 23), True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize("year", range(2024, 2032))
def test_midsummer_eve_is_the_friday_between_19_and_25_june(year):
    eve = midsummer_eve(year)
    assert eve.weekday() == 4 and 19 <= eve.day <= 25 and eve.month == 6


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        # A Monday morning: the end of Tuesday.
        (datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM), datetime(2026, 11, 24, 17, 0, tzinfo=STOCKHOLM)),
        # Friday evening: the end of Monday.
        (datetime(2026, 11, 27, 22, 0, tzinfo=STOCKHOLM), datetime(2026, 11, 30, 17, 0, tzinfo=STOCKHOLM)),
        # Saturday: the end of Monday.
        (datetime(2026, 11, 28, 12, 0, tzinfo=STOCKHOLM), datetime(2026, 11, 30, 17, 0, tzinfo=STOCKHOLM)),
        # The Thursday before Midsummer: Friday is Midsummer Eve, so the end of Monday.
        (datetime(2026, 6, 18, 10, 0, tzinfo=STOCKHOLM), datetime(2026, 6, 22, 17, 0, tzinfo=STOCKHOLM)),
        # 23 December 2026 (a Wednesday): 24–27 are closed, so the end of Monday 28 December.
        (datetime(2026, 12, 23, 14, 0, tzinfo=STOCKHOLM), datetime(2026, 12, 28, 17, 0, tzinfo=STOCKHOLM)),
        # 30 December: New Year's Eve, New Year's Day and the weekend are closed: Monday 4 January 2027.
        (datetime(2026, 12, 30, 8, 0, tzinfo=STOCKHOLM), datetime(2027, 1, 4, 17, 0, tzinfo=STOCKHOLM)),
        # Maundy Thursday 2026 (2 April): Good Friday to Easter Monday closed, so the end of Tuesday 7 April.
        (datetime(2026, 4, 2, 9, 0, tzinfo=STOCKHOLM), datetime(2026, 4, 7, 17, 0, tzinfo=STOCKHOLM)),
        # 23:30 UTC on a Sunday is already Monday in Stockholm: the end of Tuesday.
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), datetime(2026, 11, 24, 17, 0, tzinfo=STOCKHOLM)),
    ],
)
def test_end_of_next_working_day(received, deadline):
    assert end_of_next_working_day(received) == deadline


def test_deadline_keeps_stockholm_time_across_the_summer_time_switch():
    # Summer time ends on Sunday 25 October 2026: a Friday request is due at 17:00 CET on Monday.
    deadline = end_of_next_working_day(datetime(2026, 10, 23, 12, 0, tzinfo=STOCKHOLM))
    assert deadline.astimezone(UTC) == datetime(2026, 10, 26, 16, 0, tzinfo=UTC)


def test_2027_new_year_is_closed_and_the_next_working_day_follows():
    assert next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)


def test_add_and_previous_working_days():
    assert add_working_days(date(2026, 12, 22), 2) == date(2026, 12, 28)
    assert previous_working_day(date(2026, 12, 27)) == date(2026, 12, 23)
    assert previous_working_day(date(2026, 11, 23)) == date(2026, 11, 23)


def test_working_day_end_is_configurable(settings):
    settings.WORKING_DAY_ENDS_AT = "16:30"
    deadline = end_of_next_working_day(datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM))
    assert (deadline.hour, deadline.minute) == (16, 30)
