from django.contrib import admin

from exportcenter.admin import ReadOnlyAdmin
from reference.models import (
    County,
    CountyExportStatistic,
    CountyPopulation,
    Municipality,
    SNICode,
    SNISection,
    TurnoverClass,
)


class ReadOnlyReferenceAdmin(ReadOnlyAdmin):
    """Reference data comes from SCB's files via `load_reference_data`; the admin only shows it."""


@admin.register(County)
class CountyAdmin(ReadOnlyReferenceAdmin):
    list_display = ["code", "name", "short_name"]
    search_fields = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyReferenceAdmin):
    list_display = ["code", "short_name", "county"]
    list_filter = ["county"]
    list_select_related = ["county"]
    search_fields = ["code", "name"]


@admin.register(SNISection)
class SNISectionAdmin(ReadOnlyReferenceAdmin):
    list_display = ["code", "name_sv", "name_en"]


@admin.register(SNICode)
class SNICodeAdmin(ReadOnlyReferenceAdmin):
    list_display = ["code", "name_sv", "division", "section"]
    list_filter = ["section"]
    list_select_related = ["section"]
    search_fields = ["code", "name_sv"]


@admin.register(TurnoverClass)
class TurnoverClassAdmin(ReadOnlyReferenceAdmin):
    list_display = ["code", "label_sv", "label_en"]


@admin.register(CountyPopulation)
class CountyPopulationAdmin(ReadOnlyReferenceAdmin):
    """Loaded by `import_scb_population` (or the sample file); shown here, not edited."""

    list_display = ["county", "year", "population", "source", "is_sample"]
    list_filter = ["year", "is_sample"]


@admin.register(CountyExportStatistic)
class CountyExportStatisticAdmin(ReadOnlyReferenceAdmin):
    list_display = ["county", "year", "exporting_smes", "goods_exports_msek", "source", "is_sample"]
    list_filter = ["year", "is_sample"]
