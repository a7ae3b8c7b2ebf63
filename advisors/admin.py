from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from . import tokens
from .forms import OrganisationRegionsCheckMixin, RoleCheckMixin
from .models import ApiToken, Organisation, Region, User
from .person_changes import record_person_changes


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "operator", "is_active"]
    list_select_related = ["operator"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["counties"]
    search_fields = ["name"]


class OrganisationAdminForm(OrganisationRegionsCheckMixin, forms.ModelForm):
    website = forms.URLField(label=_("website"), max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "slug",
            "kind",
            "email",
            "website",
            "description_sv",
            "description_en",
            "regions",
            "is_active",
        ]


class UserAdminChangeForm(RoleCheckMixin, UserChangeForm):
    """Roles: a national coordinator's organisation serves no region (issue 18)."""


class UserAdminCreationForm(RoleCheckMixin, AdminUserCreationForm):
    pass


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "email", "is_active"]
    list_filter = ["kind", "is_active", "regions"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["regions"]
    search_fields = ["name", "email"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners on the profile page, where the secret is shown once; here they
    are only looked at and revoked (the action, which is audited). The secret's hash is never shown."""

    actions = ["revoke"]

    list_display = [
        "name",
        "user",
        "scope",
        "display_prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email"]
    fields = [
        "user",
        "name",
        "scope",
        "display_prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_address",
        "revoked_at",
    ]
    readonly_fields = [
        "user",
        "name",
        "scope",
        "display_prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_address",
        "revoked_at",
    ]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            tokens.revoke_api_token(token=token, by=request.user, request=request)
