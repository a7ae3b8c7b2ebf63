from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import calendar_feed
from .models import Activity, CalendarFeed, Campaign, CampaignMember, FollowUp


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


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Feeds are made by their owners on their page; here a feed is only revoked (say, for a lost phone).
    Neither the token nor its hash is shown."""

    list_display = ["owner", "renewed_at", "revoked_at", "last_fetched_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["owner"]
    search_fields = ["owner__email", "owner__full_name"]
    fields = ["owner", "public_id", "created_at", "renewed_at", "revoked_at", "last_fetched_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # revoke, with its audit entry, rather than delete
        return actions

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected calendar feeds"), permissions=["delete"])
    def revoke(self, request, queryset):
        revoked = 0
        for feed in queryset.filter(revoked_at__isnull=True).select_related("owner"):
            calendar_feed.revoke_feed(feed=feed, by=request.user, request=request)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d calendar feed revoked.", "%(count)d calendar feeds revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
