"""One registry of the dashboard's figures. Each figure is written once here: how it is computed (one
signature: scope, period, filters), what the API answers, the words that explain it (the API's description
and the page's "how is this computed") and the tables it makes. The registry makes the dashboard's summary,
the page's tables, charts and downloads (dashboards/tables.py), the API's views and their URLs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import cache, goals, selectors
from . import serializers as answers
from .selectors import DIMENSIONS, Filters, Period, Scope


@dataclass(frozen=True)
class Table:
    """A table of the page (with its chart and its download), made from the dashboard's summary."""

    key: str
    title: Any
    how: Any  # how it is computed, on the page; `how_values(summary)` fills its {placeholders}
    columns: tuple
    rows: Callable[[dict], list[list]]
    chart: str = "bar"  # "bar", "line" or "" (table only)
    series: tuple[int, ...] = (1,)  # the value columns the chart draws
    how_values: Callable[[dict], dict] | None = None

    def how_text(self, summary: dict) -> str:
        text = str(self.how)
        return text.format(**self.how_values(summary)) if self.how_values else text


@dataclass(frozen=True)
class Stat:
    name: str  # the summary's key, the API's operation (stats_<name>) and path (stats/<name-with-dashes>/)
    compute: Callable[[Scope, Period, Filters], Any]
    serializer: type
    how: Any  # how it is computed: the API's description
    many: bool = False
    counted: bool = False  # the API answers {"period": …, "count": …}; a row of the page's key figures
    label: Any = ""  # a counted figure's row in the key figures
    tables: tuple[Table, ...] = ()  # the page's tables of this figure, in the page's order

    @property
    def path(self) -> str:
        return self.name.replace("_", "-")

    def answer(self, scope: Scope, period: Period, filters: Filters):
        value = self.compute(scope, period, filters)
        return {"period": _period(period), "count": value} if self.counted else value


def _selector(name: str) -> Callable[[Scope, Period, Filters], Any]:
    """A selector of `dashboards.selectors` with the registry's signature, looked up when it is called."""
    return lambda scope, period, filters: getattr(selectors, name)(scope, period, filters)


def _period(period: Period) -> dict:
    return {"start": period.start, "end": period.end}


def _requests_by(scope, period, filters) -> dict:
    return {
        **{
            dimension: selectors.requests_by(dimension, scope, period, filters)
            for dimension in selectors.DIMENSIONS
        },
        "target_market": selectors.requests_by_target_market(scope, period, filters),
    }


def _blank(value):
    """An unknown value (no answer yet, no goal) is an empty cell."""
    return "" if value is None else value


def _official(goal: dict) -> str:
    """An official figure with its source and year ("1000 (SCB/Tillväxtverket, 2025)"), or empty."""
    if goal.get("official_baseline") is None:
        return ""
    details = ", ".join(
        str(part)
        for part in (goal.get("official_baseline_source"), goal.get("official_baseline_year"))
        if part
    )
    return f"{goal['official_baseline']} ({details})" if details else str(goal["official_baseline"])


def _goal_how_values(tracker: dict) -> dict:
    official = _official(tracker)
    return {
        "start": tracker["starts_on"].isoformat(),
        "end": tracker["ends_on"].isoformat(),
        "actual": tracker["actual"],
        "target": _blank(tracker["target"]) or "–",
        "progress": _blank(tracker["progress_percent"]) or "–",
        "helped": tracker["helped"],
        "prerequisite": tracker["prerequisite"],
        "official": (
            str(
                _("Official figure, another population, not part of the progress: {official}.").format(
                    official=official
                )
            )
            if official
            else ""
        ),
    }


def _counted_rows(name: str) -> Callable[[dict], list[list]]:
    return lambda summary: [[row["label"], row["count"]] for row in summary[name]]


DIMENSION_TABLES = {
    "channel": (
        _("Requests by channel"),
        _("Channel"),
        _("Requests received in the period, counted per channel (web form, email, phone, meeting)."),
    ),
    "need": (
        _("Requests by need"),
        _("Need"),
        _(
            "Requests received in the period, counted per need. A request with several needs counts once "
            "under each of them, so the rows may add up to more than the number of requests."
        ),
    ),
    "municipality": (
        _("Requests by municipality"),
        _("Municipality"),
        _("Requests received in the period, per the company's municipality in the register."),
    ),
    "sni_section": (
        _("Requests by industry (SNI section)"),
        _("SNI section"),
        _("Requests received in the period, per the SNI 2025 section of the company's industry code."),
    ),
    "size_band": (
        _("Requests by company size"),
        _("Employees"),
        _("Requests received in the period, per the company's SCB employee band."),
    ),
}


def _requests_by_tables() -> tuple[Table, ...]:
    def rows(dimension):
        return lambda summary: [[row["label"], row["count"]] for row in summary["requests_by"][dimension]]

    tables = []
    for dimension in DIMENSIONS:
        title, column, how = DIMENSION_TABLES[dimension]
        tables.append(Table(f"requests_by_{dimension}", title, how, (column, _("Requests")), rows(dimension)))
    tables.append(
        Table(
            "requests_by_target_market",
            _("Top target markets"),
            _(
                "Requests received in the period, per target market the company named, most wanted "
                "first. A request with several target markets counts once under each of them."
            ),
            (_("Target market"), _("Requests")),
            rows("target_market"),
        )
    )
    return tuple(tables)


WORKLOAD_HOW = _(
    "Requests open now (every status but closed), whatever the period. Overdue: open, no first "
    "response yet, and the first-response deadline has passed."
)

STATS = [
    Stat(
        "requests_received",
        _selector("requests_received"),
        answers.CountSerializer,
        _("Requests received in the period (Stockholm calendar days)."),
        counted=True,
        label=_("Requests received"),
    ),
    Stat(
        "companies_reached",
        _selector("companies_reached"),
        answers.CountSerializer,
        _(
            "Distinct companies with a request received or a referral made in the period; "
            "merged companies once."
        ),
        counted=True,
        label=_("Companies reached"),
    ),
    Stat(
        "new_international_companies",
        lambda scope, period, filters: goals.new_international_companies(scope.region, period, filters),
        answers.CountSerializer,
        _(
            "Companies in the region whose first sign of international business was confirmed in the period "
            "(by the company, or by an advisor with a recorded source)."
        ),
        counted=True,
        label=_("Newly international companies"),
    ),
    Stat(
        "goal_tracker",
        lambda scope, period, filters: goals.goal_tracker(scope.region, period.end.year, filters),
        answers.GoalTrackerSerializer,
        _(
            "Newly international companies against the region's goal for the period's last year: the count "
            "over the goal's period, progress (actual ÷ target, never negative), how many the center helped, "
            "the monthly cumulative actual against the target's straight-line path, and the official figure "
            "apart."
        ),
        tables=(
            Table(
                "goal_tracker",
                _("Goal: newly international companies"),
                _(
                    "Actual: companies in the region's counties, not merged into another, whose first sign "
                    "of international business was confirmed during the goal's period ({start} – {end}) by "
                    "the company (an export outcome or a survey) or by an advisor with a recorded source; a "
                    "company confirmed before the period does not count, nor do unconfirmed signs. Progress: "
                    "actual ÷ target ({actual} of {target}: {progress} %), never negative. Target path: the "
                    "straight line from 0 at the period's start to the target at its end. Helped by the "
                    "center: {helped} (a closed request, a referral or an activity by their confirmation "
                    "day, or a confirmed export outcome); the support was a prerequisite: {prerequisite}. "
                    "{official}"
                ),
                (_("Month"), _("Newly international, cumulative"), _("Target path"), _("New in the month")),
                lambda summary: [
                    [row["month"], _blank(row["total"]), _blank(row["target_path"]), row["new"]]
                    for row in summary["goal_tracker"]["trend"]
                ],
                chart="line",
                series=(1, 2),
                how_values=lambda summary: _goal_how_values(summary["goal_tracker"]),
            ),
            Table(  # summary()'s "goals", made from the goal tracker's figures
                "goals",
                _("Goals for the year"),
                _(
                    "The region's goals for the period's last year. Newly international companies: as in the "
                    "goal tracker, over each goal's period; progress: actual ÷ target, never negative. "
                    "Companies reached: in the whole year; progress: (actual − baseline) ÷ (target − "
                    "baseline). Custom goals have no actual in the portal. An official figure is another "
                    "population's count (for example SCB's for the county) and is never part of the progress."
                ),
                (
                    _("Goal"),
                    _("Baseline"),
                    _("Target"),
                    _("Official figure (another population)"),
                    _("Actual"),
                    _("Helped by the center"),
                    _("Support a prerequisite"),
                    _("Progress (%)"),
                ),
                lambda summary: [
                    [
                        row["label"],
                        row["baseline"],
                        row["target"],
                        _official(row),
                        _blank(row["actual"]),
                        _blank(row.get("helped")),
                        _blank(row.get("prerequisite")),
                        _blank(row["progress_percent"]),
                    ]
                    for row in summary["goals"]
                ],
                chart="",
            ),
        ),
    ),
    Stat(
        "requests_by_month",
        _selector("requests_by_month"),
        answers.CountRowSerializer,
        _("Requests received per calendar month, Stockholm time."),
        many=True,
        tables=(
            Table(
                "requests_by_month",
                _("Requests per month"),
                _("Requests received, per calendar month in Swedish time (summer time included)."),
                (_("Month"), _("Requests")),
                _counted_rows("requests_by_month"),
            ),
        ),
    ),
    Stat(
        "requests_by",
        _requests_by,
        answers.RequestsByDimensionSerializer,
        _(
            "Requests received in the period by channel, need, municipality, SNI section, size band and "
            "target market."
        ),
        tables=_requests_by_tables(),
    ),
    Stat(
        "speed",
        _selector("speed"),
        answers.SpeedSerializer,
        _("Median time to first response and the share with the right partner within one working day."),
        tables=(
            Table(
                "speed",
                _("Speed"),
                _(
                    "Median time to first response: the middle value of (first response − received) over "
                    "the period's requests that have a first response. Right partner within one working "
                    "day: the share of the period's requests whose current owner got them no later than "
                    "their first-response deadline (the end of the next Swedish working day after arrival; "
                    "weekends, public holidays, Midsummer, Christmas and New Year's Eve do not count). "
                    "Requests without an owner whose deadline has not passed are left out."
                ),
                (_("Figure"), _("Value")),
                lambda summary: [
                    [
                        str(_("Median time to first response (hours)")),
                        _blank(summary["speed"]["median_first_response_hours"]),
                    ],
                    [str(_("Requests decided")), summary["speed"]["decided"]],
                    [
                        str(_("With the right partner within one working day")),
                        summary["speed"]["owner_within_one_working_day"],
                    ],
                    [
                        str(_("Share within one working day (%)")),
                        _blank(summary["speed"]["owner_within_one_working_day_percent"]),
                    ],
                ],
                chart="",
            ),
        ),
    ),
    Stat(
        "workload",
        lambda scope, period, filters: selectors.workload(scope, filters),
        answers.WorkloadSerializer,
        _("Open and overdue requests now, per organisation and per advisor (the period does not apply)."),
        tables=(
            Table(
                "workload_organisations",
                _("Open requests per organisation"),
                WORKLOAD_HOW,
                (_("Organisation"), _("Open"), _("Overdue")),
                lambda summary: [
                    [row["label"] or str(_("No owner")), row["open"], row["overdue"]]
                    for row in summary["workload"]["per_organisation"]
                ],
                series=(1, 2),
            ),
            Table(
                "workload_advisors",
                _("Open requests per advisor"),
                WORKLOAD_HOW,
                (_("Advisor"), _("Open"), _("Overdue")),
                lambda summary: [
                    [row["label"], row["open"], row["overdue"]] for row in summary["workload"]["per_advisor"]
                ],
                series=(1, 2),
            ),
        ),
    ),
    Stat(
        "referral_matrix",
        _selector("referral_matrix"),
        answers.ReferralRowSerializer,
        _("Referrals sent in the period, from → to: count, acceptance rate, median time to answer."),
        many=True,
        tables=(
            Table(
                "referral_matrix",
                _("Referrals between partners"),
                _(
                    "Referrals sent in the period, from → to. Every referral counts, so one declined and "
                    "then made again counts twice. Acceptance rate: accepted among answered (accepted or "
                    "declined). Time to answer: the median of (answered − sent)."
                ),
                (
                    _("From → to"),
                    _("Referrals"),
                    _("Answered"),
                    _("Accepted"),
                    _("Acceptance rate (%)"),
                    _("Median time to answer (hours)"),
                ),
                lambda summary: [
                    [
                        f"{row['from_label']} → {row['to_label']}",
                        row["count"],
                        row["answered"],
                        row["accepted"],
                        _blank(row["acceptance_percent"]),
                        _blank(row["median_answer_hours"]),
                    ]
                    for row in summary["referral_matrix"]
                ],
            ),
        ),
    ),
    Stat(
        "outreach_funnel",
        _selector("outreach_funnel"),
        answers.FunnelRowSerializer,
        _(
            "Per campaign running in the period: companies targeted, contacted, went on to a request, became "
            "exporters."
        ),
        many=True,
        tables=(
            Table(
                "outreach_funnel",
                _("Outreach funnel per campaign"),
                _(
                    "Campaigns of the region running during the period. Targeted: companies on the target "
                    "list. Contacted: an activity is logged or the status is past “to contact”. Request: the "
                    "company has a request received from the campaign's start on. Exporting: the company's "
                    "first sign of international business is from the campaign's start on, or the status is "
                    "“now exporting”."
                ),
                (
                    _("Campaign"),
                    _("Targeted"),
                    _("Contacted"),
                    _("Went on to a request"),
                    _("Became exporters"),
                ),
                lambda summary: [
                    [row["label"], row["targeted"], row["contacted"], row["requested"], row["exporting"]]
                    for row in summary["outreach_funnel"]
                ],
                series=(1, 2, 3, 4),
            ),
        ),
    ),
]

# The first table of the page: a row per counted figure (requests received, companies reached, …).
KEY_FIGURES = Table(
    "key_figures",
    _("Key figures"),
    _(
        "Requests received: requests that arrived in the period (Stockholm time) in the chosen scope. "
        "Companies reached: distinct companies with a request received or a referral made in the period; a "
        "merged company counts once. Newly international companies: companies in the region whose first "
        "sign of international business was confirmed in the period (by the company, or by an advisor with "
        "a recorded source)."
    ),
    (_("Figure"), _("Value")),
    lambda summary: [[str(stat.label), summary[stat.name]] for stat in STATS if stat.counted],
    chart="",
)


def tables() -> list[Table]:
    """The page's tables in its order: the key figures, then each figure's tables."""
    return [KEY_FIGURES, *(table for stat in STATS for table in stat.tables)]


def summary(scope: Scope, period: Period, filters: Filters) -> dict:
    """Every figure of the dashboard for one scope: what the page, its tables and downloads show.

    The goals' overview reuses the goal tracker's actual, so it is computed from it rather than again.
    Cached until what it counts changes (dashboards/cache.py).
    """
    return cache.summary(scope, period, filters, lambda: compute_summary(scope, period, filters))


def compute_summary(scope: Scope, period: Period, filters: Filters) -> dict:
    """The summary computed now (`summary` keeps it; the refresh task computes it on a worker)."""
    figures = {stat.name: stat.compute(scope, period, filters) for stat in STATS}
    year = period.end.year
    whole_year = Period(date(year, 1, 1), date(year, 12, 31))
    region_wide = scope.organisation_id is None and scope.advisor_id is None
    figures["goals"] = goals.goals_overview(
        scope.region,
        year,
        filters,
        tracker=figures["goal_tracker"],
        # The year's companies reached, when the page already counted exactly that.
        reached=figures["companies_reached"] if region_wide and period == whole_year else None,
    )
    return figures
