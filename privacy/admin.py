from django.contrib import admin

from .models import RetentionRun


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """The log is written by the job only."""

    list_display = [
        "started_at",
        "trigger",
        "locked_out",
        "requests_anonymised",
        "contacts_anonymised",
        "requests_on_hold",
        "contacts_on_hold",
    ]
    list_filter = ["trigger", "locked_out"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
