from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Company,
    CompanyEvent,
    CompanyImport,
    Contact,
    County,
    Municipality,
    SNICode,
    SNISection,
    TurnoverClass,
)


class ReadOnlyReferenceAdmin(admin.ModelAdmin):
    """Reference data comes from SCB's files via `load_reference_data`; the admin only shows it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "email", "phone", "is_primary", "legal_basis", "source", "consent_given_on"]


class CompanyEventInline(admin.TabularInline):
    model = CompanyEvent
    extra = 0
    fields = ["created_at", "kind", "summary", "actor"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    """For support and data repair. Advisors use the portal's pages, which record the timeline."""

    list_display = [
        "name",
        "org_number_masked",
        "municipality",
        "employee_band",
        "source",
        "merged_into",
        "updated_at",
    ]
    list_filter = [
        "source",
        "legal_form",
        "employee_band",
        "export_experience",
        "municipality__county",
        "legal_hold",
    ]
    list_select_related = ["municipality", "merged_into"]
    search_fields = ["name", "org_number"]
    raw_id_fields = ["merged_into", "responsible_advisor", "created_by", "updated_by", "sni_code"]
    readonly_fields = [
        "public_id",
        "version",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "anonymised_at",
    ]
    inlines = [ContactInline, CompanyEventInline]
    show_full_result_count = False  # no COUNT(*) over a million rows

    @admin.display(description=_("organisation number"))
    def org_number_masked(self, obj):
        return obj.org_number_masked


@admin.register(CompanyImport)
class CompanyImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "created_by", "created_at", "status", "applied_at"]
    list_filter = ["status"]
    readonly_fields = [
        "public_id",
        "filename",
        "content",
        "status",
        "summary",
        "created_by",
        "created_at",
        "applied_at",
    ]

    def has_add_permission(self, request):
        return False
