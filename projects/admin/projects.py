"""The admin of programmes and projects (with their partners and activities)."""

from django.contrib import admin
from django.db import models

from ..models import Programme, Project, ProjectActivity, ProjectPartner

# Links typed without a scheme are https (Django 6's default, without its warning).
HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name_sv", "name_en", "code", "fund", "period", "is_active"]
    list_filter = ["fund", "is_active"]
    search_fields = ["code", "name_sv", "name_en"]
    readonly_fields = ["version"]
    formfield_overrides = HTTPS


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "acronym",
        "programme",
        "region",
        "status",
        "starts_on",
        "ends_on",
        "budget_total_eur",
    ]
    list_filter = ["status", "programme", "region"]
    list_select_related = ["programme", "region"]
    search_fields = ["name", "acronym", "description"]
    date_hierarchy = "starts_on"
    filter_horizontal = ["regions"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["public_id", "version", "created_at", "updated_at"]
    inlines = [ProjectPartnerInline]
    formfield_overrides = HTTPS


@admin.register(ProjectActivity)
class ProjectActivityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "host_region", "host_country"]
    list_select_related = ["project", "activity"]
    search_fields = ["title", "project__name", "host_region"]
    raw_id_fields = ["activity", "project", "visiting_partners"]
