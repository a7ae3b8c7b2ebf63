"""The dashboard's figures as tables: one source for the page's data tables, the charts and the downloads,
so the numbers in a chart, its table and its CSV are the same numbers."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .selectors import DIMENSIONS


@dataclass
class Figure:
    key: str
    title: str
    how: str
    columns: list[str]
    rows: list[list]
    chart: str = "bar"  # "bar", "line" or "" (table only)
    series: list[int] = field(default_factory=lambda: [1])  # the value columns the chart draws

    @property
    def json_id(self) -> str:
        return f"chart-data-{self.key}"

    @property
    def table_id(self) -> str:
        return f"table-{self.key}"

    def chart_data(self) -> dict:
        return {
            "type": self.chart,
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {"label": str(self.columns[i]), "data": [row[i] for row in self.rows]} for i in self.series
            ],
        }

    def download_rows(self) -> list[list]:
        return [[str(c) for c in self.columns], *self.rows]


DIMENSION_TITLES = {
    "channel": (_("Requests by channel"), _("Channel")),
    "need": (_("Requests by need"), _("Need")),
    "municipality": (_("Requests by municipality"), _("Municipality")),
    "sni_section": (_("Requests by industry (SNI section)"), _("SNI section")),
    "size_band": (_("Requests by company size"), _("Employees")),
}
DIMENSION_HOW = {
    "channel": _("Requests received in the period, counted per channel (web form, email, phone, meeting)."),
    "need": _(
        "Requests received in the period, counted per need. A request with several needs counts once under "
        "each of them, so the rows may add up to more than the number of requests."
    ),
    "municipality": _("Requests received in the period, per the company's municipality in the register."),
    "sni_section": _(
        "Requests received in the period, per the SNI 2025 section of the company's industry code."
    ),
    "size_band": _("Requests received in the period, per the company's SCB employee band."),
}


def _fmt(value):
    return "" if value is None else value


def figures(summary: dict) -> list[Figure]:
    """The figures of one dashboard scope, in the order of the page."""
    speed = summary["speed"]
    goal = summary["goal_tracker"]
    result = [
        Figure(
            "key_figures",
            str(_("Key figures")),
            str(
                _(
                    "Requests received: requests that arrived in the period (Stockholm time) in the chosen "
                    "scope. "
                    "Companies reached: distinct companies with a request received or a referral made in the "
                    "period; a merged company counts once. New international companies: companies in the "
                    "region "
                    "whose first sign of international business was recorded in the period."
                )
            ),
            [_("Figure"), _("Value")],
            [
                [str(_("Requests received")), summary["requests_received"]],
                [str(_("Companies reached")), summary["companies_reached"]],
                [str(_("New international companies")), summary["new_international_companies"]],
            ],
            chart="",
        ),
        Figure(
            "goal_tracker",
            str(_("Goal: companies doing international business")),
            str(
                _(
                    "Actual: companies in the region's counties, not merged into another, with a recorded "
                    "first "
                    "sign of international business (any of the six flags) on or before the month's end. "
                    "Progress: (actual − baseline) / (target − baseline). Baseline and target are the "
                    "region's "
                    "goal for the year ({baseline} → {target})."
                )
            ).format(baseline=_fmt(goal["baseline"]) or "–", target=_fmt(goal["target"]) or "–"),
            [_("Month"), _("Companies, running total"), _("New in the month")],
            [[row["month"], row["total"], row["new"]] for row in goal["trend"]],
            chart="line",
        ),
        Figure(
            "goals",
            str(_("Goals for the year")),
            str(
                _(
                    "The region's goals for the period's last year. Actual: companies doing international "
                    "business (as in the goal tracker) and companies reached in the whole year; custom goals "
                    "have no actual in the portal. Progress: (actual − baseline) / (target − baseline)."
                )
            ),
            [_("Goal"), _("Baseline"), _("Target"), _("Actual"), _("Progress (%)")],
            [
                [
                    row["label"],
                    row["baseline"],
                    row["target"],
                    _fmt(row["actual"]),
                    _fmt(row["progress_percent"]),
                ]
                for row in summary["goals"]
            ],
            chart="",
        ),
        Figure(
            "requests_by_month",
            str(_("Requests per month")),
            str(_("Requests received, per calendar month in Swedish time (summer time included).")),
            [_("Month"), _("Requests")],
            [[row["label"], row["count"]] for row in summary["requests_by_month"]],
        ),
    ]
    for dimension in DIMENSIONS:
        title, column = DIMENSION_TITLES[dimension]
        result.append(
            Figure(
                f"requests_by_{dimension}",
                str(title),
                str(DIMENSION_HOW[dimension]),
                [column, _("Requests")],
                [[row["label"], row["count"]] for row in summary["requests_by"][dimension]],
            )
        )
    result.append(
        Figure(
            "requests_by_target_market",
            str(_("Top target markets")),
            str(
                _(
                    "Requests received in the period, per target market the company named, most wanted "
                    "first. A request with several target markets counts once under each of them."
                )
            ),
            [_("Target market"), _("Requests")],
            [[row["label"], row["count"]] for row in summary["requests_by"]["target_market"]],
        )
    )
    result.append(
        Figure(
            "speed",
            str(_("Speed")),
            str(
                _(
                    "Median time to first response: the middle value of (first response − received) over the "
                    "period's requests that have a first response. Right partner within one working day: the "
                    "share of the period's requests whose current owner got them no later than their "
                    "first-response deadline (the end of the next Swedish working day after arrival; "
                    "weekends, "
                    "public holidays, Midsummer, Christmas and New Year's Eve do not count). Requests "
                    "without "
                    "an owner whose deadline has not passed are left out."
                )
            ),
            [_("Figure"), _("Value")],
            [
                [str(_("Median time to first response (hours)")), _fmt(speed["median_first_response_hours"])],
                [str(_("Requests decided")), speed["decided"]],
                [
                    str(_("With the right partner within one working day")),
                    speed["owner_within_one_working_day"],
                ],
                [
                    str(_("Share within one working day (%)")),
                    _fmt(speed["owner_within_one_working_day_percent"]),
                ],
            ],
            chart="",
        )
    )
    workload = summary["workload"]
    how_workload = str(
        _(
            "Requests open now (every status but closed), whatever the period. Overdue: open, no first "
            "response "
            "yet, and the first-response deadline has passed."
        )
    )
    result += [
        Figure(
            "workload_organisations",
            str(_("Open requests per organisation")),
            how_workload,
            [_("Organisation"), _("Open"), _("Overdue")],
            [
                [row["label"] or str(_("No owner")), row["open"], row["overdue"]]
                for row in workload["per_organisation"]
            ],
            series=[1, 2],
        ),
        Figure(
            "workload_advisors",
            str(_("Open requests per advisor")),
            how_workload,
            [_("Advisor"), _("Open"), _("Overdue")],
            [[row["label"], row["open"], row["overdue"]] for row in workload["per_advisor"]],
            series=[1, 2],
        ),
        Figure(
            "referral_matrix",
            str(_("Referrals between partners")),
            str(
                _(
                    "Referrals sent in the period, from → to. Every referral counts, so one declined and "
                    "then "
                    "made again counts twice. Acceptance rate: accepted among answered (accepted or "
                    "declined). "
                    "Time to answer: the median of (answered − sent)."
                )
            ),
            [
                _("From → to"),
                _("Referrals"),
                _("Answered"),
                _("Accepted"),
                _("Acceptance rate (%)"),
                _("Median time to answer (hours)"),
            ],
            [
                [
                    f"{row['from_label']} → {row['to_label']}",
                    row["count"],
                    row["answered"],
                    row["accepted"],
                    _fmt(row["acceptance_percent"]),
                    _fmt(row["median_answer_hours"]),
                ]
                for row in summary["referral_matrix"]
            ],
        ),
    ]
    result.append(
        Figure(
            "outreach_funnel",
            str(_("Outreach funnel per campaign")),
            str(
                _(
                    "Campaigns of the region running during the period. Targeted: companies on the target "
                    "list. Contacted: an activity is logged or the status is past “to contact”. Request: the "
                    "company has a request received from the campaign's start on. Exporting: the company's "
                    "first sign of international business is from the campaign's start on, or the status is "
                    "“now exporting”."
                )
            ),
            [_("Campaign"), _("Targeted"), _("Contacted"), _("Went on to a request"), _("Became exporters")],
            [
                [row["label"], row["targeted"], row["contacted"], row["requested"], row["exporting"]]
                for row in summary["outreach_funnel"]
            ],
            series=[1, 2, 3, 4],
        )
    )
    return result
