"""The admin of surveys: to look up and support, read only (only the company answers, through its link)."""

from django.contrib import admin

from ..models import FollowUpSurvey, SatisfactionSurvey


class ReadOnlySurveyAdmin(admin.ModelAdmin):
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(ReadOnlySurveyAdmin):
    list_display = [
        "request",
        "organisation",
        "region",
        "status",
        "skip_reason",
        "satisfaction",
        "answered_at",
    ]
    list_filter = ["status", "skip_reason", "region", "organisation"]
    list_select_related = ["request", "organisation", "region"]
    search_fields = ["request__reference", "public_id"]
    raw_id_fields = ["request", "contact"]


@admin.register(FollowUpSurvey)
class FollowUpSurveyAdmin(ReadOnlySurveyAdmin):
    list_display = ["company", "wave", "helped_on", "region", "status", "skip_reason", "answered_at"]
    list_filter = ["status", "wave", "skip_reason", "region"]
    list_select_related = ["company", "region"]
    search_fields = ["company__name", "public_id"]
    raw_id_fields = ["company", "contact"]
