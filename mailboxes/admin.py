"""The admin of mailboxes (without the password: only whether one is stored) and of the messages taken
(read-only: they are a record)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import InboundMessage, Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "address",
        "region",
        "organisation",
        "kind",
        "is_active",
        "last_poll_at",
        "last_error",
    ]
    list_filter = ["kind", "is_active", "region"]
    list_select_related = ["region", "organisation"]
    search_fields = ["name", "address", "host", "username"]
    raw_id_fields = ["created_by"]
    # The password (password_encrypted) is not editable and never shown; the pages and the API set it.
    exclude = ["password_encrypted"]
    readonly_fields = [
        "public_id",
        "has_password_display",
        "last_poll_at",
        "last_success_at",
        "last_error",
        "last_error_at",
        "messages_taken",
        "uidvalidity",
        "version",
        "created_at",
        "updated_at",
    ]

    @admin.display(description=_("password stored"), boolean=True)
    def has_password_display(self, obj):
        return obj.has_password

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1  # so that a page or API client holding the old version is told (stale)
        super().save_model(request, obj, form, change)


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["taken_at", "mailbox", "from_address", "subject", "outcome", "request"]
    list_filter = ["outcome", "mailbox"]
    list_select_related = ["mailbox", "request"]
    search_fields = ["from_address", "subject", "message_id", "request__reference"]
    date_hierarchy = "taken_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # viewing needs only the view permission

    def has_delete_permission(self, request, obj=None):
        return False
