"""Demo goals for the demo region (seed 000: about 1,000 international companies now, 500 more by the
target year). Idempotent."""

from django.utils import timezone

from advisors.models import Region
from dashboards.models import RegionalGoal

DEMO_TARGET_YEARS = 3


def seed() -> int:
    """Create or update the demo region's goals; returns how many they are (not the goals people add)."""
    region = Region.objects.get(slug="uppsala")
    this_year = timezone.localdate().year
    goals = []
    for offset in range(DEMO_TARGET_YEARS):
        year = this_year + offset
        # The target climbs evenly to 1,500 in the last target year.
        target = 1000 + round(500 * (offset + 1) / DEMO_TARGET_YEARS)
        goal, _ = RegionalGoal.objects.update_or_create(
            region=region,
            year=year,
            kind=RegionalGoal.Kind.INTERNATIONAL_COMPANIES,
            name="",
            defaults={"baseline": 1000, "target": target},
        )
        goals.append(goal)
    reached, _ = RegionalGoal.objects.update_or_create(
        region=region,
        year=this_year,
        kind=RegionalGoal.Kind.COMPANIES_REACHED,
        name="",
        defaults={"baseline": 0, "target": 300},
    )
    checks, _ = RegionalGoal.objects.update_or_create(
        region=region,
        year=this_year,
        kind=RegionalGoal.Kind.CUSTOM,
        name="Internationaliseringscheckar beviljade",
        defaults={"baseline": 0, "target": 40},
    )
    return len({goal.pk for goal in [*goals, reached, checks]})
