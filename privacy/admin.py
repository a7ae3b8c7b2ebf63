from django.contrib import admin

from exportcenter.admin import ReadOnlyAdmin

from .models import RetentionRun


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
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
