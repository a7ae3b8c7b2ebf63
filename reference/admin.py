from django.contrib import admin

from exportcenter.admin import ReadOnlyAdmin
from reference.models import (
    County,
    CountyExportStatistic,
    CountyPopulation,
    Municipality,
    SNICode,
    SNISection,
    StatisticsImport,
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

    list_display = ["county", "year", "population", "source", "table", "vintage", "is_sample"]
    list_filter = ["year", "is_sample", "source"]
    list_select_related = ["county"]


@admin.register(CountyExportStatistic)
class CountyExportStatisticAdmin(ReadOnlyReferenceAdmin):
    list_display = [
        "county",
        "year",
        "goods_exports_msek",
        "goods_imports_msek",
        "exporting_companies",
        "importing_companies",
        "exporting_smes",
        "source",
        "table",
        "vintage",
        "is_sample",
    ]
    list_filter = ["year", "is_sample", "source"]
    list_select_related = ["county"]


@admin.register(StatisticsImport)
class StatisticsImportAdmin(ReadOnlyReferenceAdmin):
    """The log of official statistics imports (the import page and the commands write it)."""

    list_display = ["imported_at", "kind", "source", "table", "vintage", "file_name", "rows", "imported_by"]
    list_filter = ["kind", "is_sample", "source"]
    search_fields = ["table", "file_name", "imported_by"]
    date_hierarchy = "imported_at"
