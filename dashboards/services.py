"""Regional goals: regional staff set a baseline and a target per region, year and kind (callers ask
`access`)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import RegionalGoal

GOAL_FIELDS = ["region", "year", "kind", "name", "baseline", "target"]


def save_goal(*, goal: RegionalGoal | None = None, data: dict[str, Any]) -> RegionalGoal:
    """Create or change a goal. A custom goal has a name; the others do not. One per region, year and kind."""
    goal = goal or RegionalGoal()
    for field in GOAL_FIELDS:
        if field in data:
            setattr(goal, field, data[field])
    goal.name = " ".join((goal.name or "").split())
    if goal.kind == RegionalGoal.Kind.CUSTOM and not goal.name:
        raise ValidationError({"name": _("A custom goal needs a name.")})
    if goal.kind != RegionalGoal.Kind.CUSTOM and goal.name:
        raise ValidationError({"name": _("Only custom goals have a name.")})
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
