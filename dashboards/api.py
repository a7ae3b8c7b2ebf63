"""REST API of the dashboards: `/api/v1/stats/summary/` and one endpoint per figure, all taking the
dashboard page's period and filters (validated by the same form as the page)."""

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from advisors import access
from advisors.models import Region
from exportcenter.api.base import APIViewSet, ValidatingSerializer
from exportcenter.api.problems import NOT_FOUND, VALIDATION_ERROR, invalid_form

from . import serializers as answers
from . import services as goal_services
from . import stats
from .forms import PERIOD_CHOICES, SCOPE_CHOICES, DashboardQueryForm
from .models import RegionalGoal

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


def _stats_view(name: str, serializer, compute, description, *, many: bool = False):
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
    answers.SummarySerializer,
    lambda scope, period, filters: {
        "period": {"start": period.start, "end": period.end},
        **stats.summary(scope, period, filters),
    },
    "Every figure of the dashboard for one scope, period and set of filters.",
)

# One view per figure of the registry (dashboards/stats.py).
VIEWS = {
    stat.name: _stats_view(stat.name, stat.serializer, stat.answer, stat.how, many=stat.many)
    for stat in stats.STATS
}


# --- Regional goals ---------------------------------------------------------------------------------


class GoalSerializer(ValidatingSerializer):
    region = serializers.SlugRelatedField(
        slug_field="slug", queryset=Region.objects.none(), help_text=_("The region's slug.")
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    baseline = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    target = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        help_text=_(
            "The value to reach; for newly international companies, how many more companies are to become "
            "international during the period (counted from 0)."
        ),
    )
    starts_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("The period's first day; empty: 1 January of the year.")
    )
    ends_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("The period's last day; empty: 31 December of the year.")
    )
    official_baseline = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        required=False,
        allow_null=True,
        help_text=_(
            "An official figure of another population (for example SCB's count of the county's companies "
            "doing international business): shown beside the goal, never part of its progress. Needs its "
            "source and year."
        ),
    )
    official_baseline_year = serializers.IntegerField(
        min_value=1990, max_value=2100, required=False, allow_null=True
    )

    class Meta:
        model = RegionalGoal
        fields = ["id", *goal_services.GOAL_FIELDS, "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # one goal per region, year and kind: the service answers a clash as a field error

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["region"].queryset = access.visible(getattr(request, "user", None), Region.objects.all())


class GoalFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        help_text=_("A region's slug."),
    )
    year = django_filters.NumberFilter(label=_("Year"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RegionalGoal.Kind.choices)

    class Meta:
        model = RegionalGoal
        fields = ["region", "year", "kind"]


@extend_schema_view(
    list=extend_schema(
        summary=_("List regional goals"),
        description=_("The goals of your regions, which the dashboards measure against."),
    ),
    retrieve=extend_schema(summary=_("Show a regional goal")),
    create=extend_schema(summary=_("Set a regional goal"), description=_("Regional staff of the region.")),
    update=extend_schema(summary=_("Change a regional goal")),
    partial_update=extend_schema(summary=_("Change some fields of a regional goal")),
    destroy=extend_schema(summary=_("Delete a regional goal")),
)
class GoalViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, APIViewSet):
    serializer_class = GoalSerializer
    filterset_class = GoalFilter
    lookup_field = "pk"
    lookup_value_converter = "int"

    def get_queryset(self):
        return access.visible(self.request.user, RegionalGoal.objects.select_related("region")).order_by(
            "region__name", "-year", "kind", "name", "pk"
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        access.require(request.user, access.Action.CREATE, RegionalGoal(region=data["region"]))
        goal = goal_services.save_goal(data=data)
        return Response(self.get_serializer(goal).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        goal = self.get_object()
        serializer = self.get_serializer(goal, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "region" in data:  # moving a goal: it must be the user's to set in the new region too
            access.require(request.user, access.Action.CHANGE, RegionalGoal(region=data["region"]))
        goal = goal_services.save_goal(goal=goal, data=data)
        return Response(self.get_serializer(goal).data)

    def perform_destroy(self, instance):
        goal_services.delete_goal(goal=instance)
