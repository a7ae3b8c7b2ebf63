"""The Swedish working-day calendar: the clock behind "the right partner within one working day".

Weekends and Swedish public holidays (the `holidays` package) are not working days, nor are Midsummer Eve,
Christmas Eve and New Year's Eve: they are not public holidays in law, but offices are closed, and Swedish
law treats them like Sundays for working time.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def midsummer_eve(year: int) -> date:
    """The Friday between 19 and 25 June."""
    day = date(year, 6, 19)
    return day + timedelta(days=(4 - day.weekday()) % 7)


@lru_cache(maxsize=64)
def non_working_days(year: int) -> frozenset[date]:
    days = set(holidays.country_holidays("SE", years=year, include_sundays=False))
    days |= {midsummer_eve(year), date(year, 12, 24), date(year, 12, 31)}
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in non_working_days(day.year)


def next_working_day(day: date) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def local_date(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


def _clock(setting: str) -> time:
    hour, minute = (int(part) for part in setting.split(":"))
    return time(hour, minute)


def start_of_working_day(day: date) -> datetime:
    """When a working day starts in Stockholm (WORKING_DAY_STARTS_AT), as an aware datetime."""
    return datetime.combine(day, _clock(settings.WORKING_DAY_STARTS_AT), tzinfo=STOCKHOLM)


def end_of_working_day(day: date) -> datetime:
    """When a working day ends in Stockholm (WORKING_DAY_ENDS_AT), as an aware datetime."""
    return datetime.combine(day, _clock(settings.WORKING_DAY_ENDS_AT), tzinfo=STOCKHOLM)


def end_of_next_working_day(moment: datetime) -> datetime:
    """The deadline for something that arrives at `moment`: the end of the next Swedish working day."""
    return end_of_working_day(next_working_day(local_date(moment)))


def one_working_day_after(moment: datetime) -> datetime:
    """When one Swedish working day has passed since `moment`: the deadline for answering a referral.

    One working day is a full day of working hours (WORKING_DAY_STARTS_AT to WORKING_DAY_ENDS_AT,
    Stockholm time) on working days only:

    - sent during working hours: the same clock time on the next working day (Monday 10:15 → Tuesday
      10:15; Friday 14:00 → Monday 14:00);
    - sent before working hours on a working day (up to and including the start): the end of that day;
    - sent after working hours (from the end on), or on a weekend or holiday: the end of the next working
      day (Friday 18:00 → Monday 17:00; Maundy Thursday 18:00 → Tuesday after Easter 17:00).
    """
    local = moment.astimezone(STOCKHOLM)
    day = local.date()
    if is_working_day(day):
        if local <= start_of_working_day(day):
            return end_of_working_day(day)
        if local < end_of_working_day(day):
            return datetime.combine(next_working_day(day), local.time(), tzinfo=STOCKHOLM)
    return end_of_working_day(next_working_day(day))


def working_days_between(start: date, end: date) -> int:
    """How many working days come after `start`, up to and including `end` (0 when `end <= start`)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def latest_day_overdue_by(day: date, count: int) -> date:
    """The latest due date that is overdue by at least `count` working days on `day`.

    A follow-up due on Monday is one working day overdue on Tuesday and three on Thursday; one due on a
    Saturday counts from the Monday after. Everything due on or before the returned date qualifies.
    """
    candidate = day - timedelta(days=1)
    while working_days_between(candidate, day) < count:
        candidate -= timedelta(days=1)
    return candidate


def moment(day: date, at: str) -> datetime:
    """`day` at the Stockholm time `at` ("08:00"), as an aware datetime."""
    return datetime.combine(day, _clock(at), tzinfo=STOCKHOLM)
