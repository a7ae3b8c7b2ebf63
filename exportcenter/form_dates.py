"""Dates typed into forms: ones outside 2000 to a few years ahead are typing errors (1900, 9999), and far
ones would overflow the period maths."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = datetime.date(2000, 1, 1)


def latest_date(years_ahead: int) -> datetime.date:
    return datetime.date(timezone.localdate().year + years_ahead, 12, 31)


def plausible_date(value: datetime.date | None, *, years_ahead: int) -> datetime.date | None:
    """A form field's date (None: not given), or its field error outside 2000-01-01 to the end of the year
    `years_ahead` from now."""
    latest = latest_date(years_ahead)
    if value is not None and not EARLIEST_DATE <= value <= latest:
        raise forms.ValidationError(
            _("Choose a date from %(earliest)s to %(latest)s."),
            code="out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": latest.isoformat()},
        )
    return value
