"""Dates in the English interface read the European way: 7 Dec 2026 17:00, never 12/07/2026 5 p.m."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

# 17:00 in Stockholm (winter time).
EVENING = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("en", "DATETIME_FORMAT", "7 December 2026 17:00"),
        ("en", "SHORT_DATETIME_FORMAT", "7 Dec 2026 17:00"),
        ("en", "DATE_FORMAT", "7 December 2026"),
        ("en", "SHORT_DATE_FORMAT", "7 Dec 2026"),
        ("en", "TIME_FORMAT", "17:00"),
        ("sv", "DATETIME_FORMAT", "7 december 2026 17:00"),
        ("sv", "SHORT_DATETIME_FORMAT", "2026-12-07 17:00"),
        ("sv", "DATE_FORMAT", "7 december 2026"),
        ("sv", "SHORT_DATE_FORMAT", "2026-12-07"),
        ("sv", "TIME_FORMAT", "17:00"),
    ],
)
def test_named_formats(settings, language, name, expected):
    with translation.override(language):
        assert Template(f'{{{{ value|date:"{name}" }}}}').render(Context({"value": EVENING})) == expected


def test_localize_without_a_filter_and_the_week_starts_on_monday():
    with translation.override("en"):
        rendered = Template("{{ when }} / {{ day }}").render(
            Context({"when": EVENING, "day": date(2026, 12, 7)})
        )
        assert rendered == "7 December 2026 17:00 / 7 December 2026"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_english_date_inputs_are_iso_or_day_first():
    with translation.override("en"):
        inputs = formats.get_format("DATE_INPUT_FORMATS")
    assert inputs[0] == "%Y-%m-%d"
    assert not any(fmt.startswith("%m/") for fmt in inputs)
