"""Regional goals: regional staff set them per region, year and kind (callers ask `access`).

"Newly international companies" (issue 18) has a period, a target increase counted from 0, and optionally
an official figure with its source and year, kept beside the goal and never in its progress.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RegionalGoal

GOAL_FIELDS = [
    "region",
    "year",
    "kind",
    "name",
    "baseline",
    "target",
    "starts_on",
    "ends_on",
    "official_baseline",
    "official_baseline_source",
    "official_baseline_year",
]
EARLIEST_YEAR = 2000
MAX_PERIOD_YEARS = 10
EARLIEST_OFFICIAL_YEAR = 1990


def goal_errors(goal: RegionalGoal, *, today: date | None = None) -> dict[str, list[str]]:
    """What is wrong with a goal, per field (empty: nothing). The forms and the API show these."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if goal.kind == RegionalGoal.Kind.CUSTOM and not goal.name:
        error("name", _("A custom goal needs a name."))
    if goal.kind != RegionalGoal.Kind.CUSTOM and goal.name:
        error("name", _("Only custom goals have a name."))
    for field in ("baseline", "target", "official_baseline"):
        value = getattr(goal, field)
        if value is not None and value < 0:
            error(field, _("Enter 0 or more."))
    if goal.kind == RegionalGoal.Kind.INTERNATIONAL_COMPANIES:
        if goal.baseline:
            error(
                "baseline",
                _(
                    "Newly international companies are counted from 0. Enter an official count of the "
                    "county's companies as the official figure instead."
                ),
            )
        if goal.target is not None and goal.target < 1:
            error("target", _("Enter how many more companies are to become international: at least 1."))
    if goal.year:
        start = goal.starts_on or date(goal.year, 1, 1)
        end = goal.ends_on or date(goal.year, 12, 31)
        if end <= start:
            error("ends_on", _("The period must end after it starts."))
        elif (end - start).days > MAX_PERIOD_YEARS * 366:
            error(
                "ends_on", _("A goal's period may be at most %(years)s years.") % {"years": MAX_PERIOD_YEARS}
            )
        elif not start.year <= goal.year <= end.year:
            error(
                "year",
                _("The goal's year must be within its period (%(start)s – %(end)s).")
                % {"start": start.isoformat(), "end": end.isoformat()},
            )
        for field, day in (("starts_on", goal.starts_on), ("ends_on", goal.ends_on)):
            if day and not EARLIEST_YEAR <= day.year <= today.year + 50:
                error(
                    field,
                    _("Enter a date from %(first)s to %(last)s.")
                    % {"first": EARLIEST_YEAR, "last": today.year + 50},
                )
    official = goal.official_baseline
    if goal.official_baseline_year is not None and not (
        EARLIEST_OFFICIAL_YEAR <= goal.official_baseline_year <= today.year
    ):
        error(
            "official_baseline_year",
            _("Enter the year the official figure describes, from %(first)s to %(last)s.")
            % {"first": EARLIEST_OFFICIAL_YEAR, "last": today.year},
        )
    if official is None and (goal.official_baseline_source or goal.official_baseline_year is not None):
        error("official_baseline", _("Enter the official figure, or leave its source and year empty."))
    if official is not None:
        if not goal.official_baseline_source:
            error(
                "official_baseline_source", _("Enter where the official figure comes from, for example SCB.")
            )
        if goal.official_baseline_year is None:
            error("official_baseline_year", _("Enter the year the official figure describes."))
    return errors


def save_goal(*, goal: RegionalGoal | None = None, data: dict[str, Any]) -> RegionalGoal:
    """Create or change a goal. One per region, year and kind (a custom goal has a name, the others none).
    Raises ValidationError with the errors per field; nothing is written then."""
    goal = goal or RegionalGoal()
    for field in GOAL_FIELDS:
        if field in data:
            setattr(goal, field, data[field])
    goal.name = " ".join((goal.name or "").split())
    goal.official_baseline_source = " ".join((goal.official_baseline_source or "").split())
    if goal.baseline is None:
        goal.baseline = 0
    if errors := goal_errors(goal):
        raise ValidationError(errors)
    # The period is stored whole, so that every reader (dashboards, worklist, national) sees the same.
    goal.starts_on = goal.starts_on or date(goal.year, 1, 1)
    goal.ends_on = goal.ends_on or date(goal.year, 12, 31)
    try:
        with transaction.atomic():
            goal.save()
    except IntegrityError:
        raise ValidationError(
            {"kind": _("The region already has this goal for the year: change that one instead.")}
        ) from None
    return goal


def delete_goal(*, goal: RegionalGoal) -> None:
    goal.delete()
