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


def add_working_days(day: date, count: int) -> date:
    for _ in range(count):
        day = next_working_day(day)
    return day


def previous_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def local_date(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


def end_of_working_day(day: date) -> datetime:
    """When a working day ends in Stockholm (WORKING_DAY_ENDS_AT), as an aware datetime."""
    hour, minute = (int(part) for part in settings.WORKING_DAY_ENDS_AT.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def end_of_next_working_day(moment: datetime) -> datetime:
    """The deadline for something that arrives at `moment`: the end of the next Swedish working day."""
    return end_of_working_day(next_working_day(local_date(moment)))
