from django.contrib import admin

from exportcenter.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only, so nobody adds, changes or deletes entries here."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "object_label", "channel"]
    list_filter = ["action", "channel", "object_type"]
    search_fields = ["actor_label", "object_id", "object_label", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
    show_full_result_count = False  # the log grows large: no second COUNT(*) per page
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
