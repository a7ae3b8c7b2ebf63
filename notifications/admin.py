from django.contrib import admin

from .models import Notification, NotificationPreference, OutboundEmail, Reminder


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["key", "recipient__email"]
    raw_id_fields = ["recipient"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The ledger is written by the reminder sweeps only: read it, never edit it (a deleted row would be
    sent again)."""

    list_display = ["created_at", "kind", "recipient", "target_type", "target_id", "occurrence"]
    list_filter = ["kind", "occurrence"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "in_app", "email", "updated_at"]
    list_filter = ["kind", "in_app", "email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
