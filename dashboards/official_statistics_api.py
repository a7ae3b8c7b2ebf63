"""`/api/v1/statistics/counties/`: official county statistics per county and year (issue 19).

One row per county and year with a population or trade figure: each figure with its source, table and
vintage (publication date); a missing figure is null, never zero. People working in a region see its
counties; the national role sees every county (advisors/access/statistics.py); others get an empty list.
Two queries (the population and the trade figures), whatever the number of rows.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated

from advisors import access
from exportcenter.api.problems import FORBIDDEN, VALIDATION_ERROR, invalid_form
from reference.models import CountyExportStatistic, CountyPopulation

from .official_statistics import TRADE_MEASURES
from .official_statistics_forms import CountyStatisticsFilterForm


class CountyStatisticsPagination(PageNumberPagination):
    page_size = 100  # 21 counties: a page holds about five years


class ProvenanceSerializer(serializers.Serializer):
    source = serializers.CharField()
    table = serializers.CharField(help_text=_("The table's id at the source, for example BE0101N1."))
    vintage = serializers.DateField(
        allow_null=True, help_text=_("The date the source published the figures.")
    )
    is_sample = serializers.BooleanField(help_text=_("Made-up sample figures, not the source's."))


class CountyStatisticsSerializer(serializers.Serializer):
    county = serializers.CharField(help_text=_("County code (2 digits)."))
    county_name = serializers.CharField()
    year = serializers.IntegerField()
    population = serializers.IntegerField(allow_null=True, help_text=_("31 December of the year."))
    goods_exports_msek = serializers.DecimalField(max_digits=14, decimal_places=1, allow_null=True)
    goods_imports_msek = serializers.DecimalField(max_digits=14, decimal_places=1, allow_null=True)
    exporting_companies = serializers.IntegerField(allow_null=True)
    importing_companies = serializers.IntegerField(allow_null=True)
    exporting_smes = serializers.IntegerField(allow_null=True)
    population_provenance = ProvenanceSerializer(allow_null=True)
    trade_provenance = ProvenanceSerializer(
        allow_null=True,
        help_text=_(
            "Goods trade is counted where the company is registered, not where it produces: an industrial "
            "county whose plants belong to companies registered elsewhere is under-counted."
        ),
    )


def _provenance(row) -> dict | None:
    if row is None:
        return None
    return {"source": row.source, "table": row.table, "vintage": row.vintage, "is_sample": row.is_sample}


class CountyStatisticsList(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CountyStatisticsSerializer
    pagination_class = CountyStatisticsPagination
    filter_backends: list = []
    queryset = CountyExportStatistic.objects.none()  # for the schema; the rows are built in get_queryset

    def get_queryset(self):
        form = CountyStatisticsFilterForm(self.request.query_params)
        if not form.is_valid():
            raise invalid_form(form)
        wanted = {}
        if form.cleaned_data["county"]:
            wanted["county_id"] = form.cleaned_data["county"]
        if form.cleaned_data["year"] is not None:
            wanted["year"] = form.cleaned_data["year"]
        user = self.request.user
        populations = access.visible(user, CountyPopulation.objects.filter(**wanted).select_related("county"))
        trade = access.visible(user, CountyExportStatistic.objects.filter(**wanted).select_related("county"))
        rows: dict = {}
        for item in [*populations, *trade]:
            rows.setdefault((item.county_id, item.year), {"county": item.county})[
                "population" if isinstance(item, CountyPopulation) else "trade"
            ] = item
        result = []
        for (code, year), found in sorted(rows.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
            population, figures = found.get("population"), found.get("trade")
            result.append(
                {
                    "county": code,
                    "county_name": found["county"].name,
                    "year": year,
                    "population": population.population if population else None,
                    **{m: getattr(figures, m) if figures else None for m in TRADE_MEASURES},
                    "population_provenance": _provenance(population),
                    "trade_provenance": _provenance(figures),
                }
            )
        return result

    @extend_schema(
        operation_id="statistics_counties_list",
        summary=_("Official statistics per county and year"),
        description=_(
            "SCB's / Tillväxtverket's county figures as imported: population, goods exports and imports (SEK "
            "million), exporting and importing companies and exporting SMEs, each with its source, table and "
            "vintage. A missing figure is null, never zero. People working in a region see its counties; the "
            "national role sees every county."
        ),
        parameters=[
            OpenApiParameter("county", str, description=_("County code (2 digits).")),
            OpenApiParameter("year", int, description=_("The year.")),
        ],
        responses={200: CountyStatisticsSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


counties = CountyStatisticsList.as_view()
