"""REST API of the national roll-up: `/api/v1/stats/national/` (every region and the country),
`/api/v1/stats/national/regions/<slug>/` (one region) and `/api/v1/stats/national/region-of-the-year/`.

The same period and filters as the national page (validated by the same form). Aggregates only, suppressed
under 5 (a suppressed value is null and its name is in the row's `suppressed`). Who may ask: the national
role and regional staff (advisors/access/national.py); anyone else gets 403.
"""

from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from advisors import access
from advisors.models import Region
from exportcenter.api.problems import FORBIDDEN, NOT_FOUND, VALIDATION_ERROR, invalid_form

from . import national_snapshots
from .forms import PERIOD_CHOICES
from .models import NationalSnapshot
from .national import COLUMNS, OUTCOME_KINDS
from .national_forms import NationalQueryForm

PARAMETERS = [
    OpenApiParameter(
        "period",
        str,
        enum=[key for key, _label in PERIOD_CHOICES],
        description="Default: year, or custom when start or end is given.",
    ),
    OpenApiParameter("day", OpenApiTypes.DATE, description="A day in the period; default today."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day of a custom period."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day of a custom period (inclusive)."),
    OpenApiParameter("county", str, description="County code (2 digits)."),
    OpenApiParameter("need", str, description="Need category (slug)."),
    OpenApiParameter("sni_section", str, description="SNI 2025 section (A–V)."),
    OpenApiParameter("size_band", str, description="SCB employee band, e.g. 10-19."),
]
REGION_PARAMETER = OpenApiParameter(
    "region", str, description="One region only (slug); default: every region side by side."
)

# --- Serializers ------------------------------------------------------------------------------------


class RegionRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


def _figures_fields() -> dict:
    fields = {}
    for key, label, kind in COLUMNS:
        field = serializers.IntegerField if kind in ("count", "plain") else serializers.FloatField
        fields[key] = field(allow_null=True, help_text=label)  # lazy: the schema in the language asked for
    for kind, label in OUTCOME_KINDS:
        fields[f"outcomes_{kind}"] = serializers.IntegerField(
            allow_null=True, help_text=format_lazy("{}: {}", _("Confirmed export outcomes"), label)
        )
    fields["goal_period"] = serializers.CharField(allow_null=True, help_text="The goal's period, start/end.")
    fields["suppressed"] = serializers.ListField(
        child=serializers.CharField(), help_text="The figures not shown: counted from fewer than 5 (null)."
    )
    return fields


NationalFiguresSerializer = type("NationalFiguresSerializer", (serializers.Serializer,), _figures_fields())
RegionFiguresSerializer = type(
    "RegionFiguresSerializer", (NationalFiguresSerializer,), {"region": RegionRefSerializer()}
)


class NationalPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class RegionOfTheYearRowSerializer(serializers.Serializer):
    region = RegionRefSerializer()
    population = serializers.IntegerField(allow_null=True)
    population_year = serializers.IntegerField(allow_null=True)
    population_is_sample = serializers.BooleanField()
    portal_exporting_smes = serializers.IntegerField(allow_null=True)
    portal_exporting_smes_per_100k = serializers.FloatField(allow_null=True)
    portal_exporting_smes_per_100k_rank = serializers.IntegerField(allow_null=True)
    portal_goods_outcomes = serializers.IntegerField(allow_null=True)
    portal_goods_sek_per_inhabitant = serializers.FloatField(allow_null=True)
    portal_goods_growth_per_inhabitant_percent = serializers.FloatField(allow_null=True)
    portal_goods_growth_per_inhabitant_percent_rank = serializers.IntegerField(allow_null=True)
    official_exporting_smes_per_100k = serializers.FloatField(allow_null=True)
    official_exporting_smes_per_100k_rank = serializers.IntegerField(allow_null=True)
    official_goods_sek_per_inhabitant = serializers.FloatField(allow_null=True)
    official_goods_growth_per_inhabitant_percent = serializers.FloatField(allow_null=True)
    official_goods_growth_per_inhabitant_percent_rank = serializers.IntegerField(allow_null=True)
    official_year = serializers.IntegerField(allow_null=True)
    official_is_sample = serializers.BooleanField()
    suppressed = serializers.ListField(child=serializers.CharField())


class RegionOfTheYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    regions = RegionOfTheYearRowSerializer(many=True)


class NationalSerializer(serializers.Serializer):
    period = NationalPeriodSerializer()
    computed_at = serializers.DateTimeField(help_text="When these figures were computed.")
    regions = RegionFiguresSerializer(many=True)
    national = NationalFiguresSerializer()
    region_of_the_year = RegionOfTheYearSerializer()


class OneRegionSerializer(serializers.Serializer):
    period = NationalPeriodSerializer()
    computed_at = serializers.DateTimeField(help_text="When these figures were computed.")
    region = RegionFiguresSerializer()
    region_of_the_year = RegionOfTheYearRowSerializer(allow_null=True)


# --- Views ------------------------------------------------------------------------------------------


def _figures(request, params=None) -> dict:
    if not access.can(request.user, access.Action.VIEW, NationalSnapshot):
        raise PermissionDenied
    form = NationalQueryForm(
        params if params is not None else (request.query_params or None), user=request.user
    )
    if form.is_bound and not form.is_valid():
        raise invalid_form(form)
    return national_snapshots.figures(form.query())


RESPONSES = {400: VALIDATION_ERROR, 403: FORBIDDEN}


@extend_schema(
    operation_id="stats_national",
    parameters=[REGION_PARAMETER, *PARAMETERS],
    responses={200: NationalSerializer, **RESPONSES},
    description=(
        "The national roll-up for a period: every region's figures side by side, and the country's. "
        "Aggregates only; a figure counted from fewer than 5 is null and named in `suppressed`. "
        "For the national role and regional staff."
    ),
)
@api_view(["GET"])
def national(request):
    return Response(NationalSerializer(_figures(request)).data)


@extend_schema(
    operation_id="stats_national_region",
    parameters=PARAMETERS,
    responses={200: OneRegionSerializer, **RESPONSES, 404: NOT_FOUND},
    description="One region's national figures for a period (the same figures as a row of the roll-up).",
)
@api_view(["GET"])
def region(request, slug: str):
    if not access.can(request.user, access.Action.VIEW, NationalSnapshot):
        raise PermissionDenied
    if not Region.objects.filter(slug=slug, is_active=True).exists():
        raise Http404
    params = request.query_params.copy()
    params["region"] = slug
    figures = _figures(request, params)
    rows = figures["region_of_the_year"]["regions"]
    return Response(
        OneRegionSerializer(
            {
                "period": figures["period"],
                "computed_at": figures["computed_at"],
                "region": figures["regions"][0],
                "region_of_the_year": rows[0] if rows else None,
            }
        ).data
    )


@extend_schema(
    operation_id="stats_national_region_of_the_year",
    parameters=PARAMETERS,
    responses={200: RegionOfTheYearSerializer, **RESPONSES},
    description=(
        "“Export region of the year” for the year the period ends in: exporting SMEs per 100,000 "
        "inhabitants and growth in goods exports per inhabitant, from the portal's confirmed data and, when "
        "loaded, SCB's official county figures. `*_is_sample`: the population or official figures are the "
        "shipped SAMPLE, not SCB's."
    ),
)
@api_view(["GET"])
def region_of_the_year(request):
    return Response(RegionOfTheYearSerializer(_figures(request)["region_of_the_year"]).data)
