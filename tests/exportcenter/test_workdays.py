from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from exportcenter.workdays import (
    end_of_next_working_day,
    is_working_day,
    midsummer_eve,
    next_working_day,
    one_working_day_after,
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


def test_previous_working_day():
    assert previous_working_day(date(2026, 12, 27)) == date(2026, 12, 23)
    assert previous_working_day(date(2026, 11, 23)) == date(2026, 11, 23)


def test_working_day_end_is_configurable(settings):
    settings.WORKING_DAY_ENDS_AT = "16:30"
    deadline = end_of_next_working_day(datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM))
    assert (deadline.hour, deadline.minute) == (16, 30)


# --- One working day (the deadline of a referral) -------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        # During working hours: the same clock time on the next working day.
        (datetime(2026, 11, 23, 10, 15), datetime(2026, 11, 24, 10, 15)),
        (datetime(2026, 11, 23, 16, 59), datetime(2026, 11, 24, 16, 59)),
        # Friday afternoon: Monday at the same time; the weekend does not count.
        (datetime(2026, 11, 27, 14, 0), datetime(2026, 11, 30, 14, 0)),
        # Before the day starts (up to and including 08:00): the end of that same day.
        (datetime(2026, 11, 23, 6, 30), datetime(2026, 11, 23, 17, 0)),
        (datetime(2026, 11, 23, 8, 0), datetime(2026, 11, 23, 17, 0)),
        # From the end of the day on: the end of the next working day.
        (datetime(2026, 11, 23, 17, 0), datetime(2026, 11, 24, 17, 0)),
        (datetime(2026, 11, 27, 18, 0), datetime(2026, 11, 30, 17, 0)),
        # Weekends: the end of Monday.
        (datetime(2026, 11, 28, 11, 0), datetime(2026, 11, 30, 17, 0)),
        (datetime(2026, 11, 29, 23, 59), datetime(2026, 11, 30, 17, 0)),
        # Easter 2026: Maundy Thursday afternoon → Tuesday after Easter Monday; during Easter → its end.
        (datetime(2026, 4, 2, 15, 30), datetime(2026, 4, 7, 15, 30)),
        (datetime(2026, 4, 4, 12, 0), datetime(2026, 4, 7, 17, 0)),
        # Midsummer: Thursday 18 June → Monday 22 June (Midsummer Eve is closed); on the Eve → end of Monday.
        (datetime(2026, 6, 18, 11, 0), datetime(2026, 6, 22, 11, 0)),
        (datetime(2026, 6, 19, 10, 0), datetime(2026, 6, 22, 17, 0)),
        # Christmas: 23 December → Monday 28 December; New Year: 30 December → Monday 4 January 2027.
        (datetime(2026, 12, 23, 9, 30), datetime(2026, 12, 28, 9, 30)),
        (datetime(2026, 12, 24, 9, 30), datetime(2026, 12, 28, 17, 0)),
        (datetime(2026, 12, 30, 13, 0), datetime(2027, 1, 4, 13, 0)),
        # Ascension Day (Thursday 14 May 2026): Wednesday afternoon → Friday.
        (datetime(2026, 5, 13, 15, 0), datetime(2026, 5, 15, 15, 0)),
    ],
)
def test_one_working_day_after(sent, due):
    assert one_working_day_after(sent.replace(tzinfo=STOCKHOLM)) == due.replace(tzinfo=STOCKHOLM)


def test_one_working_day_is_counted_in_stockholm_time():
    # 22:30 UTC on a Sunday in winter is 23:30 in Stockholm: still Sunday, so the end of Monday.
    assert one_working_day_after(datetime(2026, 11, 22, 22, 30, tzinfo=UTC)) == datetime(
        2026, 11, 23, 17, 0, tzinfo=STOCKHOLM
    )
    # 07:30 UTC on a Monday in summer is 09:30 in Stockholm: Tuesday 09:30.
    assert one_working_day_after(datetime(2026, 6, 8, 7, 30, tzinfo=UTC)) == datetime(
        2026, 6, 9, 9, 30, tzinfo=STOCKHOLM
    )


def test_one_working_day_keeps_the_clock_across_the_summer_time_switch():
    # Friday 23 October 2026 at 10:00 (CEST) → Monday 26 October at 10:00 (CET): 72 hours and one more.
    due = one_working_day_after(datetime(2026, 10, 23, 10, 0, tzinfo=STOCKHOLM))
    assert due == datetime(2026, 10, 26, 10, 0, tzinfo=STOCKHOLM)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


def test_working_hours_are_configurable(settings):
    settings.WORKING_DAY_STARTS_AT = "09:00"
    settings.WORKING_DAY_ENDS_AT = "16:00"
    assert one_working_day_after(datetime(2026, 11, 23, 8, 30, tzinfo=STOCKHOLM)) == datetime(
        2026, 11, 23, 16, 0, tzinfo=STOCKHOLM
    )
    assert one_working_day_after(datetime(2026, 11, 23, 16, 30, tzinfo=STOCKHOLM)) == datetime(
        2026, 11, 24, 16, 0, tzinfo=STOCKHOLM
    )
