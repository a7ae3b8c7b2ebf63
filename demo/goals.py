"""Demo goals for the demo region: "500 more companies doing international business" over a period that
includes today, with the official figure (about 1,000 companies in Uppsala län, SCB/Tillväxtverket) kept
beside it, never in its progress (issue 18); companies reached and a custom goal this year. Idempotent."""

from datetime import date

from django.utils import timezone

from advisors.models import Region
from dashboards.models import RegionalGoal

INTERNATIONAL_TARGET = 500
OFFICIAL_FIGURE = 1000
OFFICIAL_SOURCE = "SCB/Tillväxtverket"


def seed() -> int:
    """Create or update the demo region's goals; returns how many they are (not the goals people add)."""
    region = Region.objects.get(slug="uppsala")
    this_year = timezone.localdate().year
    target_year = this_year + 1
    # Last year to next year: the demo's newly international companies were confirmed during it.
    international, _ = RegionalGoal.objects.update_or_create(
        region=region,
        year=target_year,
        kind=RegionalGoal.Kind.INTERNATIONAL_COMPANIES,
        name="",
        defaults={
            "baseline": 0,
            "target": INTERNATIONAL_TARGET,
            "starts_on": date(this_year - 1, 1, 1),
            "ends_on": date(target_year, 12, 31),
            "official_baseline": OFFICIAL_FIGURE,
            "official_baseline_source": OFFICIAL_SOURCE,
            "official_baseline_year": this_year - 2,
        },
    )
    # The yearly steps an earlier demo wrote (1,000 → 1,500 as baseline and target; migrated to an official
    # figure and an increase) would overlap this goal: the demo's own are replaced by it.
    RegionalGoal.objects.filter(
        region=region, kind=RegionalGoal.Kind.INTERNATIONAL_COMPANIES, official_baseline=OFFICIAL_FIGURE
    ).exclude(pk=international.pk).filter(
        official_baseline_source__in=["Tillväxtverket/SCB", OFFICIAL_SOURCE]
    ).delete()
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
    return len({goal.pk for goal in [international, reached, checks]})
