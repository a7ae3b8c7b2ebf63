"""REST API of the dashboards: `/api/v1/stats/summary/` and one endpoint per figure, all taking the
dashboard page's period and filters (validated by the same form as the page)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from exportcenter.api.problems import NOT_FOUND, VALIDATION_ERROR, invalid_form

from . import selectors
from .forms import PERIOD_CHOICES, SCOPE_CHOICES, DashboardQueryForm

# --- Query parameters -------------------------------------------------------------------------------

STATS_PARAMETERS = [
    OpenApiParameter("region", str, description="Region slug; default: the user's first region."),
    OpenApiParameter(
        "scope", str, enum=[key for key, _label in SCOPE_CHOICES], description="Whose figures (by role)."
    ),
    OpenApiParameter(
        "period",
        str,
        enum=[key for key, _label in PERIOD_CHOICES],
        description="Default: year, or custom when start or end is given. Start and end only go with custom.",
    ),
    OpenApiParameter("day", OpenApiTypes.DATE, description="A day in the period; default today."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day of a custom period."),
    OpenApiParameter(
        "end",
        OpenApiTypes.DATE,
        description=(
            "Last day of a custom period (inclusive). Dates run from 2000 to five years ahead; a period "
            "is at most three years. A query that is not valid is a 400 with the errors per field; "
            "nothing is computed."
        ),
    ),
    OpenApiParameter("organisation", str, description="Owning organisation (slug)."),
    OpenApiParameter("county", str, description="County code (2 digits)."),
    OpenApiParameter("municipality", str, description="Municipality code (4 digits)."),
    OpenApiParameter("need", str, description="Need category (slug)."),
    OpenApiParameter("sni_section", str, description="SNI 2025 section (A–V)."),
    OpenApiParameter("size_band", str, description="SCB employee band, e.g. 10-19."),
]


def _resolve(request):
    form = DashboardQueryForm(request.query_params or None, user=request.user)
    if form.is_bound and not form.is_valid():
        raise invalid_form(form)
    scope, period, filters = form.resolved()
    if scope is None:
        raise Http404
    return scope, period, filters


# --- Responses --------------------------------------------------------------------------------------


class CountRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SpeedSerializer(serializers.Serializer):
    median_first_response_seconds = serializers.FloatField(allow_null=True)
    median_first_response_hours = serializers.FloatField(allow_null=True)
    decided = serializers.IntegerField()
    owner_within_one_working_day = serializers.IntegerField()
    owner_within_one_working_day_percent = serializers.FloatField(allow_null=True)


class WorkloadRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_null=True)
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()


class WorkloadSerializer(serializers.Serializer):
    per_organisation = WorkloadRowSerializer(many=True)
    per_advisor = WorkloadRowSerializer(many=True)


class ReferralRowSerializer(serializers.Serializer):
    from_key = serializers.CharField()
    from_label = serializers.CharField()
    to_key = serializers.CharField()
    to_label = serializers.CharField()
    count = serializers.IntegerField()
    answered = serializers.IntegerField()
    accepted = serializers.IntegerField()
    acceptance_percent = serializers.FloatField(allow_null=True)
    median_answer_hours = serializers.FloatField(allow_null=True)


class FunnelRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The campaign's public id.")
    label = serializers.CharField()
    targeted = serializers.IntegerField()
    contacted = serializers.IntegerField()
    requested = serializers.IntegerField()
    exporting = serializers.IntegerField()


class TrendRowSerializer(serializers.Serializer):
    month = serializers.CharField()
    new = serializers.IntegerField()
    total = serializers.IntegerField()


class GoalTrackerSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    baseline = serializers.IntegerField(allow_null=True)
    target = serializers.IntegerField(allow_null=True)
    actual = serializers.IntegerField()
    new_this_year = serializers.IntegerField()
    progress_percent = serializers.FloatField(allow_null=True)
    trend = TrendRowSerializer(many=True)


class GoalRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    baseline = serializers.IntegerField()
    target = serializers.IntegerField()
    actual = serializers.IntegerField(allow_null=True)
    progress_percent = serializers.FloatField(allow_null=True)


class RequestsByDimensionSerializer(serializers.Serializer):
    channel = CountRowSerializer(many=True)
    need = CountRowSerializer(many=True)
    municipality = CountRowSerializer(many=True)
    sni_section = CountRowSerializer(many=True)
    size_band = CountRowSerializer(many=True)
    target_market = CountRowSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class CountSerializer(serializers.Serializer):
    period = PeriodSerializer()
    count = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    period = PeriodSerializer()
    requests_received = serializers.IntegerField()
    companies_reached = serializers.IntegerField()
    new_international_companies = serializers.IntegerField()
    requests_by_month = CountRowSerializer(many=True)
    requests_by = RequestsByDimensionSerializer()
    speed = SpeedSerializer()
    workload = WorkloadSerializer()
    referral_matrix = ReferralRowSerializer(many=True)
    outreach_funnel = FunnelRowSerializer(many=True)
    goal_tracker = GoalTrackerSerializer()
    goals = GoalRowSerializer(many=True)


def _period(period) -> dict:
    return {"start": period.start, "end": period.end}


def _stats_view(name: str, serializer, compute, description: str, *, many: bool = False):
    @extend_schema(
        operation_id=f"stats_{name}",
        parameters=STATS_PARAMETERS,
        responses={200: serializer(many=many), 400: VALIDATION_ERROR, 404: NOT_FOUND},
        description=description,
    )
    @api_view(["GET"])
    def view(request):
        scope, period, filters = _resolve(request)
        return Response(serializer(compute(scope, period, filters), many=many).data)

    view.__name__ = f"stats_{name}"
    return view


summary = _stats_view(
    "summary",
    SummarySerializer,
    lambda scope, period, filters: {"period": _period(period), **selectors.summary(scope, period, filters)},
    "Every figure of the dashboard for one scope, period and set of filters.",
)
requests_received = _stats_view(
    "requests_received",
    CountSerializer,
    lambda s, p, f: {"period": _period(p), "count": selectors.requests_received(s, p, f)},
    "Requests received in the period (Stockholm calendar days).",
)
companies_reached = _stats_view(
    "companies_reached",
    CountSerializer,
    lambda s, p, f: {"period": _period(p), "count": selectors.companies_reached(s, p, f)},
    "Distinct companies with a request received or a referral made in the period; merged companies once.",
)
new_international_companies = _stats_view(
    "new_international_companies",
    CountSerializer,
    lambda s, p, f: {"period": _period(p), "count": selectors.new_international_companies(s.region, p, f)},
    "Companies in the region whose first sign of international business was recorded in the period.",
)
requests_by_month = _stats_view(
    "requests_by_month",
    CountRowSerializer,
    lambda s, p, f: selectors.requests_by_month(s, p, f),
    "Requests received per calendar month, Stockholm time.",
    many=True,
)
requests_by = _stats_view(
    "requests_by",
    RequestsByDimensionSerializer,
    lambda s, p, f: {
        **{d: selectors.requests_by(d, s, p, f) for d in selectors.DIMENSIONS},
        "target_market": selectors.requests_by_target_market(s, p, f),
    },
    "Requests received in the period by channel, need, municipality, SNI section, size band and target "
    "market.",
)
speed = _stats_view(
    "speed",
    SpeedSerializer,
    lambda s, p, f: selectors.speed(s, p, f),
    "Median time to first response and the share with the right partner within one working day.",
)
workload = _stats_view(
    "workload",
    WorkloadSerializer,
    lambda s, p, f: selectors.workload(s, f),
    "Open and overdue requests now, per organisation and per advisor (the period does not apply).",
)
referral_matrix = _stats_view(
    "referral_matrix",
    ReferralRowSerializer,
    lambda s, p, f: selectors.referral_matrix(s, p, f),
    "Referrals sent in the period, from → to: count, acceptance rate, median time to answer.",
    many=True,
)
outreach_funnel = _stats_view(
    "outreach_funnel",
    FunnelRowSerializer,
    lambda s, p, f: selectors.outreach_funnel(s, p, f),
    "Per campaign running in the period: companies targeted, contacted, went on to a request, became "
    "exporters.",
    many=True,
)
goal_tracker = _stats_view(
    "goal_tracker",
    GoalTrackerSerializer,
    lambda s, p, f: selectors.goal_tracker(s.region, p.end.year, f),
    "Companies doing international business against the region's goal for the period's last year.",
)
