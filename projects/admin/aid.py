"""The admin of participations, support, de minimis aid and undertaking links. Aid is read-only here: the
ceiling, the conversion and the override's log are the services' (record aid on the company page or the
API). The size at enrolment is a snapshot and never edited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import DeMinimisAid, Participation, Support, UndertakingLink


class SupportInline(admin.TabularInline):
    model = Support
    extra = 0
    fields = ["kind", "given_on", "hours", "value_sek", "description"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["company", "project", "joined_on", "left_on", "size_class"]
    list_filter = ["size_class", "project__programme"]
    list_select_related = ["company", "project"]
    search_fields = ["company__name", "company__org_number", "project__name", "project__acronym"]
    date_hierarchy = "joined_on"
    raw_id_fields = ["project", "company", "created_by"]
    readonly_fields = [
        "public_id",
        "size_class",
        "employee_band",
        "turnover_class",
        "version",
        "created_at",
        "updated_at",
    ]
    inlines = [SupportInline]


@admin.register(DeMinimisAid)
class DeMinimisAidAdmin(admin.ModelAdmin):
    list_display = [
        "company",
        "granted_on",
        "amount",
        "currency",
        "amount_eur",
        "granting_body",
        "overridden",
    ]
    list_filter = ["currency", "granted_outside_portal"]
    list_select_related = ["company"]
    search_fields = ["company__name", "company__org_number", "granting_body", "reference"]
    date_hierarchy = "granted_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("passed the ceiling"))
    def overridden(self, aid):
        return bool(aid.override_reason)


@admin.register(UndertakingLink)
class UndertakingLinkAdmin(admin.ModelAdmin):
    list_display = ["company", "linked_company", "note", "created_at"]
    list_select_related = ["company", "linked_company"]
    search_fields = ["company__name", "linked_company__name", "note"]
    raw_id_fields = ["company", "linked_company", "created_by"]

    def has_change_permission(self, request, obj=None):
        return False
