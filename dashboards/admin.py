from django.contrib import admin

from exportcenter.admin import ReadOnlyAdmin

from .models import RegionalGoal, RequestFact


@admin.register(RegionalGoal)
class RegionalGoalAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "kind", "name", "baseline", "target"]
    list_filter = ["region", "year", "kind"]
    search_fields = ["name"]


@admin.register(RequestFact)
class RequestFactAdmin(ReadOnlyAdmin):
    """Derived data, shown for checking: `manage.py rebuild_dashboard_facts` writes it, nobody edits it."""

    list_display = [
        "region",
        "day",
        "owner_organisation",
        "channel",
        "municipality",
        "need",
        "market",
        "requests",
    ]
    list_filter = ["region", "channel"]
    date_hierarchy = "day"
    list_select_related = ["region", "owner_organisation", "municipality", "need"]
