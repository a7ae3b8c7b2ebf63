"""Issue 18: the goal "companies doing international business" becomes "newly international companies".

Before, a goal's baseline was an official county figure (about 1,000 companies in Uppsala län) and its
actual the companies in the portal's register with a flag, so progress compared two populations (-468.9 %).
Now the official figure is kept beside the goal (`official_baseline`, with its year), never in the progress;
the target is the increase (target − baseline: "500 more companies"), counted from 0 over the goal's period
(the goal's year, unless a longer period is set).
"""

from datetime import date

from django.db import migrations


def forwards(apps, schema_editor):
    RegionalGoal = apps.get_model("dashboards", "RegionalGoal")
    for goal in RegionalGoal.objects.all():
        goal.starts_on = goal.starts_on or date(goal.year, 1, 1)
        goal.ends_on = goal.ends_on or date(goal.year, 12, 31)
        if goal.kind == "international_companies":
            if goal.baseline:
                goal.official_baseline = goal.baseline
                goal.official_baseline_year = goal.year - 1
                goal.official_baseline_source = "Tillväxtverket/SCB"
            goal.target = max(goal.target - goal.baseline, 0) if goal.target > goal.baseline else goal.target
            goal.baseline = 0
        goal.save()


def backwards(apps, schema_editor):
    RegionalGoal = apps.get_model("dashboards", "RegionalGoal")
    for goal in RegionalGoal.objects.filter(kind="international_companies"):
        if goal.official_baseline is not None:
            goal.baseline = goal.official_baseline
            goal.target = goal.official_baseline + goal.target
            goal.save()


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0003_goal_periods")]

    operations = [migrations.RunPython(forwards, backwards)]
