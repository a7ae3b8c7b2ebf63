from django.contrib import admin

from .models import Activity, Campaign, CampaignMember, FollowUp


class CampaignMemberInline(admin.TabularInline):
    model = CampaignMember
    extra = 0
    raw_id_fields = ["company", "added_by", "status_changed_by"]
    fields = ["company", "status", "removed_at", "added_at"]
    readonly_fields = ["added_at"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "organisation", "starts_on", "ends_on"]
    list_filter = ["region", "organisation"]
    list_select_related = ["region", "organisation"]
    search_fields = ["name"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["public_id", "target_filter", "created_at", "updated_at"]
    inlines = [CampaignMemberInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["occurred_on", "kind", "company", "organisation", "created_by"]
    list_filter = ["kind", "organisation"]
    list_select_related = ["company", "organisation", "created_by"]
    search_fields = ["company__name", "notes"]
    date_hierarchy = "occurred_on"
    raw_id_fields = ["company", "campaign_member", "request", "created_by", "participants", "contacts"]
    readonly_fields = ["public_id", "created_at", "updated_at"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["due_on", "description", "owner", "organisation", "company", "status"]
    list_filter = ["status", "organisation"]
    list_select_related = ["owner", "organisation", "company"]
    search_fields = ["description", "company__name", "owner__email"]
    date_hierarchy = "due_on"
    raw_id_fields = [
        "owner",
        "company",
        "request",
        "activity",
        "campaign_member",
        "completed_by",
        "created_by",
    ]
    readonly_fields = ["public_id", "remind_on", "created_at", "updated_at", "version"]
