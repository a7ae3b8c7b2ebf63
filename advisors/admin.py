from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .forms import EligibilityFieldsMixin
from .models import Organisation, Region, Service, User
from .person_changes import record_person_changes
from .services import SERVICE_FIELDS


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "operator", "is_active"]
    list_select_related = ["operator"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["counties"]
    search_fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "email", "is_active"]
    list_filter = ["kind", "is_active", "regions"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["regions"]
    search_fields = ["name", "email"]


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


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "role", "handles_triage", "is_active", "last_login"]
    list_filter = ["role", "handles_triage", "is_active", "is_staff", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Person"),
            {"fields": ["full_name", "organisation", "role", "handles_triage", "preferred_language"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "organisation", "role", "password1", "password2"],
            },
        )
    ]

    def save_model(self, request, obj, form, change):
        # The admin saves in a transaction: the audit entry is written in it, or not at all.
        before = {}
        if change:
            before = type(obj).objects.filter(pk=obj.pk).values("role", "organisation_id").first() or {}
        super().save_model(request, obj, form, change)
        record_person_changes(
            person=obj,
            role_before=before.get("role"),
            organisation_before=before.get("organisation_id"),
            by=request.user,
        )
