"""The goal "newly international companies" (README: "Goals"), and the regional goals' overview.

Split from `selectors` (the request figures): a goal counts companies, not requests, and reads the register
and the effects of the help (export outcomes), so it has its own module. `stats` registers its figures.
"""

from datetime import date, timedelta

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from advisors.models import Region
from companies.models import Company
from referrals.models import AdviceRequest, Referral

from .models import RegionalGoal
from .selectors import Filters, Period, Scope, companies_reached

# One definition, used by the goal tracker, the goals' overview, the worklist and the national roll-up
# (README: "Goals"): a company of the region (its counties, not merged away) counts when its first
# confirmed sign of international business (`international_confirmed_on`: confirmed by the company in an
# export outcome or a survey, or by an advisor with a recorded source) falls in the goal's period. A
# company confirmed before the period does not count; unconfirmed flags never count. The official figure
# (SCB/Tillväxtverket's count for the county) counts another population and is only shown beside it.


def goal_period(goal: RegionalGoal) -> Period:
    """The goal's period: `starts_on`–`ends_on`, each defaulting to its year's first or last day."""
    return Period(goal.starts_on or date(goal.year, 1, 1), goal.ends_on or date(goal.year, 12, 31))


def confirmed_international(region: Region, filters: Filters) -> QuerySet[Company]:
    """Companies of the region (its counties, not merged away) with a confirmed sign of international
    business, whenever it was first confirmed."""
    return Company.objects.active().filter(
        filters.company_q(prefix=""),
        municipality__county__in=region.counties.all(),
        international_confirmed_on__isnull=False,
    )


def newly_international(region: Region, period: Period, filters: Filters) -> QuerySet[Company]:
    """Companies of the region whose first confirmed sign of international business is in the period."""
    return confirmed_international(region, filters).filter(
        international_confirmed_on__gte=period.start, international_confirmed_on__lte=period.end
    )


def helped_by_center() -> Q:
    """A company (the outer query's row) that the center helped: a closed request or a referral received,
    or an activity held, no later than its confirmation day, or an export outcome it confirmed."""
    from effects.models import ExportOutcome
    from outreach.models import Activity

    confirmed_on = OuterRef("international_confirmed_on")
    return (
        Q(
            Exists(
                AdviceRequest.objects.filter(
                    company=OuterRef("pk"),
                    status=AdviceRequest.Status.CLOSED,
                    created_at__date__lte=confirmed_on,
                )
            )
        )
        | Q(
            Exists(
                Referral.objects.filter(request__company=OuterRef("pk"), created_at__date__lte=confirmed_on)
            )
        )
        | Q(Exists(Activity.objects.filter(company=OuterRef("pk"), occurred_on__lte=confirmed_on)))
        | Q(
            Exists(
                ExportOutcome.objects.filter(company=OuterRef("pk"), status=ExportOutcome.Status.CONFIRMED)
            )
        )
    )


def support_was_prerequisite() -> Q:
    """A company (the outer query's row) that confirmed an export outcome saying the support was a
    prerequisite."""
    from effects.models import ExportOutcome

    return Q(
        Exists(
            ExportOutcome.objects.filter(
                company=OuterRef("pk"),
                status=ExportOutcome.Status.CONFIRMED,
                support_meaning=ExportOutcome.SupportMeaning.PREREQUISITE,
            )
        )
    )


def progress_percent(actual: int | None, target: int | None) -> float | None:
    """Newly international companies: actual ÷ target (the increase) in per cent, never negative; None
    without a target."""
    if actual is None or not target:
        return None
    return max(round(100 * actual / target, 1), 0.0)


def international_goal(region: Region, year: int) -> RegionalGoal | None:
    """The region's "newly international companies" goal for the year: the one of that year, else the
    latest-ending one whose period overlaps the year."""
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    return (
        RegionalGoal.objects.filter(region=region, kind=RegionalGoal.Kind.INTERNATIONAL_COMPANIES, name="")
        .filter(Q(year=year) | Q(starts_on__lte=year_end, ends_on__gte=year_start))
        .annotate(_this_year=Case(When(year=year, then=Value(0)), default=Value(1)))
        .order_by("_this_year", "-ends_on", "-pk")
        .first()
    )


def _months(period: Period) -> list[date]:
    """The first day of each calendar month the period touches."""
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def goal_figures(
    region: Region, period: Period, filters: Filters, *, target: int | None, today: date | None = None
) -> dict:
    """Newly international companies in the period (one query, grouped by month): the total, how many
    the center helped and how many said the support was a prerequisite, and the monthly cumulative actual
    against the target's straight-line path (0 at the period's start, the target at its end)."""
    today = today or timezone.localdate()
    rows = (
        newly_international(region, period, filters)
        .annotate(month=TruncMonth("international_confirmed_on"))
        .values("month")
        .annotate(
            new=Count("pk"),
            helped=Count("pk", filter=helped_by_center()),
            prerequisite=Count("pk", filter=support_was_prerequisite()),
        )
        .order_by("month")
    )
    by_month = {row["month"]: row for row in rows}  # one row per month, not per company
    days = (period.end - period.start).days + 1
    trend, running = [], 0
    for month in _months(period):
        new = by_month.get(month, {}).get("new", 0)
        running += new
        month_end = min((month + timedelta(days=32)).replace(day=1) - timedelta(days=1), period.end)
        path = None if target is None else round(target * ((month_end - period.start).days + 1) / days, 1)
        trend.append(
            {
                "month": month.strftime("%Y-%m"),
                "new": new,
                # A month that has not begun has no actual yet (a gap in the chart, not a flat line).
                "total": running if month <= today else None,
                "target_path": path,
            }
        )
    actual = sum(row["new"] for row in by_month.values())
    return {
        "actual": actual,
        "helped": sum(row["helped"] for row in by_month.values()),
        "prerequisite": sum(row["prerequisite"] for row in by_month.values()),
        "progress_percent": progress_percent(actual, target),
        "trend": trend,
    }


def goal_tracker(region: Region, year: int, filters: Filters, *, today: date | None = None) -> dict:
    """Newly international companies in the region against its goal for the year (README: "Goals").

    Actual: companies of the region whose first confirmed sign of international business falls in the
    goal's period (without a goal, the calendar year). Progress: actual ÷ target (the increase), in per
    cent, never negative. The official figure is returned apart and never enters the progress.
    Two queries: the goal, and the companies grouped by month.
    """
    goal = international_goal(region, year)
    period = goal_period(goal) if goal else Period(date(year, 1, 1), date(year, 12, 31))
    figures = goal_figures(region, period, filters, target=goal.target if goal else None, today=today)
    return {
        "year": year,
        "goal_id": goal.pk if goal else None,
        "starts_on": period.start,
        "ends_on": period.end,
        "target": goal.target if goal else None,
        "official_baseline": goal.official_baseline if goal else None,
        "official_baseline_source": goal.official_baseline_source if goal else "",
        "official_baseline_year": goal.official_baseline_year if goal else None,
        **figures,
    }


def goals_overview(
    region: Region,
    year: int,
    filters: Filters,
    *,
    international_actual: int | None = None,
    tracker: dict | None = None,
    reached: int | None = None,
) -> list[dict]:
    """Every goal of the region for the year, with the actual value where the portal can count it:
    newly international companies (the goal tracker's definition, over each goal's period) and companies
    reached in the whole year (region-wide). Custom goals are reported against their baseline and target
    only. The progress of newly international companies is never negative."""
    goals = list(RegionalGoal.objects.filter(region=region, year=year).order_by("kind", "name"))
    if reached is None and any(goal.kind == RegionalGoal.Kind.COMPANIES_REACHED for goal in goals):
        reached = companies_reached(Scope(region), Period(date(year, 1, 1), date(year, 12, 31)), filters)
    rows = []
    for goal in goals:  # a handful of goals, not data rows
        helped = prerequisite = None
        if goal.kind == RegionalGoal.Kind.INTERNATIONAL_COMPANIES:
            if tracker is not None and tracker.get("goal_id") == goal.pk:
                figures = tracker
            elif international_actual is not None and tracker is None:
                figures = {"actual": international_actual, "helped": None, "prerequisite": None}
            else:
                figures = goal_figures(region, goal_period(goal), filters, target=goal.target)
            actual, helped, prerequisite = figures["actual"], figures["helped"], figures["prerequisite"]
            progress = progress_percent(actual, goal.target)
        else:
            actual = reached if goal.kind == RegionalGoal.Kind.COMPANIES_REACHED else None
            progress = None
            if actual is not None and goal.target != goal.baseline:
                progress = round(100 * (actual - goal.baseline) / (goal.target - goal.baseline), 1)
        period = goal_period(goal)
        rows.append(
            {
                "kind": goal.kind,
                "label": goal.name or str(goal.get_kind_display()),
                "starts_on": period.start,
                "ends_on": period.end,
                "baseline": goal.baseline,
                "target": goal.target,
                "actual": actual,
                "progress_percent": progress,
                "helped": helped,
                "prerequisite": prerequisite,
                "official_baseline": goal.official_baseline,
                "official_baseline_source": goal.official_baseline_source,
                "official_baseline_year": goal.official_baseline_year,
            }
        )
    return rows


def new_international_companies(region: Region, period: Period, filters: Filters) -> int:
    """Companies in the region whose first sign of international business was confirmed in the period
    (the goal's definition, see `newly_international`)."""
    return newly_international(region, period, filters).count()
