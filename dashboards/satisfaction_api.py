"""`/api/v1/stats/satisfaction/`: the Satisfaction page's figures (per partner and per region, suppressed
under five answers), with its region and period parameters. For organisation leads and regional staff."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from advisors import access
from advisors.models import Organisation
from effects.models import SatisfactionSurvey
from exportcenter.api.problems import FORBIDDEN, VALIDATION_ERROR, invalid_form

from . import satisfaction
from .forms import PERIOD_CHOICES


class SatisfactionDistributionSerializer(serializers.Serializer):
    score_1 = serializers.IntegerField()
    score_2 = serializers.IntegerField()
    score_3 = serializers.IntegerField()
    score_4 = serializers.IntegerField()
    score_5 = serializers.IntegerField()


class SatisfactionCellSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The partner's or region's slug (empty: no partner recorded)."))
    name = serializers.CharField()
    suppressed = serializers.BooleanField(
        help_text=_("Fewer than 5 answers (or hidden so that such a cell cannot be worked out): no figures.")
    )
    n = serializers.IntegerField(allow_null=True, help_text=_("Answers in the period; null when suppressed."))
    mean = serializers.DecimalField(max_digits=2, decimal_places=1, allow_null=True)
    distribution = SatisfactionDistributionSerializer(allow_null=True)


class SatisfactionStatsSerializer(serializers.Serializer):
    region = serializers.CharField(allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField()
    min_answers = serializers.IntegerField()
    by_partner = SatisfactionCellSerializer(many=True)
    by_region = SatisfactionCellSerializer(many=True)


def _cells(cells, slugs: dict) -> list[dict]:
    return [
        {
            "key": slugs.get(cell.key, ""),
            "name": str(cell.label),
            "suppressed": cell.suppressed,
            "n": cell.n,
            "mean": cell.mean,
            "distribution": (
                None if cell.distribution is None else {f"score_{s}": c for s, c in cell.distribution.items()}
            ),
        }
        for cell in cells
    ]


@extend_schema(
    operation_id="stats_satisfaction",
    summary=_("Satisfaction per partner and per region"),
    description=_(
        "The satisfaction surveys answered in the period (1–5): n, mean and distribution. A cell with fewer "
        "than 5 answers is suppressed. Organisation leads and regional staff."
    ),
    parameters=[
        OpenApiParameter("region", str, description="Region slug; default: your first region."),
        OpenApiParameter("period", str, enum=[key for key, _label in PERIOD_CHOICES]),
        OpenApiParameter("day", OpenApiTypes.DATE, description="A day in the period; default today."),
        OpenApiParameter("start", OpenApiTypes.DATE, description="First day of a custom period."),
        OpenApiParameter("end", OpenApiTypes.DATE, description="Last day of a custom period (inclusive)."),
    ],
    responses={200: SatisfactionStatsSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN},
)
@api_view(["GET"])
def satisfaction_stats(request):
    access.require(request.user, access.Action.OVERSEE, SatisfactionSurvey)
    form = satisfaction.SatisfactionQueryForm(request.query_params or None, user=request.user)
    if form.is_bound and not form.is_valid():
        raise invalid_form(form)
    region, period = form.chosen()
    regions = satisfaction.regions_for(form)
    partners = satisfaction.by_partner(region, period) if region else []
    slugs = dict(
        Organisation.objects.filter(pk__in=[c.key for c in partners if c.key]).values_list("pk", "slug")
    )
    data = {
        "region": region.slug if region else None,
        "start": period.start,
        "end": period.end,
        "min_answers": satisfaction.MIN_ANSWERS,
        "by_partner": _cells(partners, slugs),
        "by_region": _cells(satisfaction.by_region(regions, period), {r.pk: r.slug for r in regions}),
    }
    return Response(SatisfactionStatsSerializer(data).data)
