"""The admin of export outcomes. The company's answers are read-only here too: only the company confirms."""

from django.contrib import admin

from ..models import ExportOutcome, OutcomePartner
from ..services.outcomes import COMPANY_SIDE_FIELDS


class OutcomePartnerInline(admin.TabularInline):
    model = OutcomePartner
    extra = 0
    raw_id_fields = ["organisation"]
    readonly_fields = ["rating"]


@admin.register(ExportOutcome)
class ExportOutcomeAdmin(admin.ModelAdmin):
    list_display = ["company", "kind", "market", "value_band", "achieved_on", "status", "region"]
    list_filter = ["status", "kind", "sells", "value_band", "region"]
    list_select_related = ["company", "region"]
    search_fields = ["company__name", "description"]
    date_hierarchy = "achieved_on"
    raw_id_fields = ["company", "contact", "created_by", "updated_by", "requests", "activities", "referrals"]
    readonly_fields = ["public_id", *COMPANY_SIDE_FIELDS, "version", "created_at", "updated_at"]
    inlines = [OutcomePartnerInline]
