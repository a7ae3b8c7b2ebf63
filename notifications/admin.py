from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from exportcenter.admin import ReadOnlyAdmin

from . import services
from .models import Notification, NotificationPreference, OutboundEmail, Reminder


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox. Filter by status to find emails left "sending" (outcome unknown) and "held" ones
    (OUTBOX_SENDING_RECOVERY=hold): a person releases them (sent again, same Message-ID) or cancels them."""

    list_display = [
        "created_at",
        "to",
        "subject",
        "status",
        "attempts",
        "sending_since",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["release_held", "cancel_held"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected held emails again"), permissions=["change"])
    def release_held(self, request, queryset):
        count = services.release_held(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)s held email will be sent again.", "%(count)s held emails will be sent again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel the selected held emails"), permissions=["change"])
    def cancel_held(self, request, queryset):
        count = services.cancel_held(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)s held email was cancelled.", "%(count)s held emails were cancelled.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["key", "recipient__email"]
    raw_id_fields = ["recipient"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """The ledger is written by the reminder sweeps only: read it, never edit it (a deleted row would be
    sent again)."""

    list_display = ["created_at", "kind", "recipient", "target_type", "target_id", "occurrence"]
    list_filter = ["kind", "occurrence"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "in_app", "email", "updated_at"]
    list_filter = ["kind", "in_app", "email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
