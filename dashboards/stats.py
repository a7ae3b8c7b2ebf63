"""One registry of the dashboard's figures. Each figure is written once here: how it is computed (one
signature: scope, period, filters), what the API answers and the words that explain it. The registry makes
the dashboard's summary (the page, its tables, charts and downloads), the API's views and their URLs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import selectors
from . import serializers as answers
from .selectors import Filters, Period, Scope


@dataclass(frozen=True)
class Stat:
    name: str  # the summary's key, the API's operation (stats_<name>) and path (stats/<name-with-dashes>/)
    compute: Callable[[Scope, Period, Filters], Any]
    serializer: type
    how: Any  # how it is computed: the API's description
    many: bool = False
    counted: bool = False  # the API answers {"period": …, "count": …}

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


STATS = [
    Stat(
        "requests_received",
        _selector("requests_received"),
        answers.CountSerializer,
        _("Requests received in the period (Stockholm calendar days)."),
        counted=True,
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
    ),
    Stat(
        "new_international_companies",
        lambda scope, period, filters: selectors.new_international_companies(scope.region, period, filters),
        answers.CountSerializer,
        _("Companies in the region whose first sign of international business was recorded in the period."),
        counted=True,
    ),
    Stat(
        "requests_by_month",
        _selector("requests_by_month"),
        answers.CountRowSerializer,
        _("Requests received per calendar month, Stockholm time."),
        many=True,
    ),
    Stat(
        "requests_by",
        _requests_by,
        answers.RequestsByDimensionSerializer,
        _(
            "Requests received in the period by channel, need, municipality, SNI section, size band and "
            "target market."
        ),
    ),
    Stat(
        "speed",
        _selector("speed"),
        answers.SpeedSerializer,
        _("Median time to first response and the share with the right partner within one working day."),
    ),
    Stat(
        "workload",
        lambda scope, period, filters: selectors.workload(scope, filters),
        answers.WorkloadSerializer,
        _("Open and overdue requests now, per organisation and per advisor (the period does not apply)."),
    ),
    Stat(
        "referral_matrix",
        _selector("referral_matrix"),
        answers.ReferralRowSerializer,
        _("Referrals sent in the period, from → to: count, acceptance rate, median time to answer."),
        many=True,
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
    ),
    Stat(
        "goal_tracker",
        lambda scope, period, filters: selectors.goal_tracker(scope.region, period.end.year, filters),
        answers.GoalTrackerSerializer,
        _("Companies doing international business against the region's goal for the period's last year."),
    ),
]


def summary(scope: Scope, period: Period, filters: Filters) -> dict:
    """Every figure of the dashboard for one scope: what the page, its tables and downloads show.

    The goals' overview reuses the goal tracker's actual, so it is computed from it rather than again.
    """
    figures = {stat.name: stat.compute(scope, period, filters) for stat in STATS}
    figures["goals"] = selectors.goals_overview(
        scope.region, period.end.year, filters, international_actual=figures["goal_tracker"]["actual"]
    )
    return figures
