from django.contrib import admin

from .models import RegionalGoal


@admin.register(RegionalGoal)
class RegionalGoalAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "kind", "name", "baseline", "target"]
    list_filter = ["region", "year", "kind"]
    search_fields = ["name"]
