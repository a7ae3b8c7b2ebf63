from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Company, CompanyEvent, CompanyImport, Contact


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
