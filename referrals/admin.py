from django import forms
from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .forms.catalogue import EligibilityFieldsMixin
from .models import (
    AdviceRequest,
    CannedReply,
    NeedCategory,
    ReferenceCounter,
    RequestEvent,
    SavedView,
    Service,
)
from .services.catalogue import SERVICE_FIELDS


@admin.register(NeedCategory)
class NeedCategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name_sv",
        "name_en",
        "primary_partner_kinds",
        "secondary_partner_kinds",
        "position",
        "is_active",
    ]
    list_editable = ["position", "is_active"]
    search_fields = ["name_sv", "name_en", "slug"]


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "body"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AdviceRequest)
class AdviceRequestAdmin(admin.ModelAdmin):
    """For support. Advisors work in the inbox, whose services keep the timeline and the SLA clocks."""

    list_display = ["reference", "company", "status", "channel", "region", "owner_organisation", "created_at"]
    list_filter = ["status", "channel", "region", "needs", "legal_hold"]
    list_select_related = ["company", "region", "owner_organisation"]
    search_fields = ["reference", "company__name"]
    raw_id_fields = ["company", "contact", "owner_advisor"]
    readonly_fields = [
        "public_id",
        "reference",
        "year",
        "number",
        "idempotency_key",
        "version",
        "created_at",
        "updated_at",
        "anonymised_at",
    ]
    filter_horizontal = ["needs"]
    inlines = [RequestEventInline]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(admin.ModelAdmin):
    list_display = ["year", "last_number"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "organisation", "is_shared", "view", "created_at"]
    list_filter = ["is_shared", "view", "organisation"]
    list_select_related = ["owner", "organisation"]
    search_fields = ["name", "owner__email", "owner__full_name"]
    raw_id_fields = ["owner"]


# --- Referrals ---------------------------------------------------------------------------------------
# Imported here so that this section stands on its own at the end of the file.
from .models import CoHandling, Referral  # noqa: E402


class CoHandlingInline(admin.TabularInline):
    model = CoHandling
    extra = 0
    fields = ["organisation", "need", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """For support, read-only: referrals change through `referrals.services`, which keep the timelines,
    the ownership and the notifications in step."""

    list_display = [
        "request",
        "from_organisation",
        "to_organisation",
        "scope",
        "status",
        "due_at",
        "created_at",
    ]
    list_filter = ["status", "scope", "to_organisation", "from_organisation"]
    list_select_related = ["request", "from_organisation", "to_organisation"]
    search_fields = ["request__reference", "request__company__name", "public_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [CoHandlingInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Referral._meta.fields] + ["needs"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdminForm(EligibilityFieldsMixin, forms.ModelForm):
    """Checkboxes instead of raw JSON for the eligibility lists."""

    url = forms.URLField(label=_("Link"), max_length=300, required=False, assume_scheme="https")

    class Meta:
        model = Service
        fields = ["organisation", *SERVICE_FIELDS]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm
    list_display = ["name_sv", "organisation", "is_active", "updated_at"]
    list_filter = ["is_active", "organisation", "needs"]
    list_select_related = ["organisation"]
    search_fields = ["name_sv", "name_en", "organisation__name"]
    filter_horizontal = ["needs"]
    readonly_fields = ["version", "updated_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["organisation", "name_sv", "name_en", "description_sv", "description_en", "url"]}),
        (
            _("Needs and eligibility"),
            {"fields": ["needs", "employee_bands", "turnover_classes", "sni_sections"]},
        ),
        (_("Status"), {"fields": ["is_active", "version", "updated_by", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        # An edit here makes a form opened before it stale, as an edit through the services would.
        obj.updated_by = request.user
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    """The model's validators refuse unknown placeholders here too; the constraints, a second owner."""

    list_display = ["title", "language", "scope", "organisation", "region", "is_active", "updated_at"]
    list_filter = ["language", "scope", "is_active", "region", "organisation"]
    list_select_related = ["organisation", "region"]
    search_fields = ["title", "body", "organisation__name", "region__name"]
    readonly_fields = ["version", "created_by", "updated_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["scope", "organisation", "region"]}),
        (None, {"fields": ["title", "language", "body"]}),
        (
            _("Status"),
            {"fields": ["is_active", "version", "created_by", "updated_by", "created_at", "updated_at"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        # An edit here makes a form opened before it stale, as an edit through the services would.
        obj.updated_by = request.user
        if change:
            obj.version = F("version") + 1
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])


from .models import Attachment  # noqa: E402


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Read only: files come through the forms and email, go through privacy's erasure, and are downloaded
    only through the access-checked views (the admin shows no link to the file)."""

    list_display = ["name", "request", "source", "content_type", "size", "scan", "created_at", "erased_at"]
    list_filter = ["source", "scan"]
    list_select_related = ["request"]
    search_fields = ["public_id", "request__reference", "sha256"]
    date_hierarchy = "created_at"
    fields = [
        "public_id",
        "request",
        "event",
        "name",
        "content_type",
        "size",
        "sha256",
        "source",
        "scan",
        "scan_detail",
        "uploaded_by",
        "created_at",
        "erased_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
