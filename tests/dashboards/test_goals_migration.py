"""Migration dashboards/0004, run for real: the goals written with the old meaning (an official county figure
as the baseline, the register's flagged companies as the actual: -468.9 %) come out as "newly international
companies" with the official figure kept apart, the target as the increase, and a sane progress."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dashboards.goals import goal_tracker
from dashboards.models import RegionalGoal
from dashboards.selectors import Filters
from tests.factories import CompanyFactory, RegionFactory

BEFORE = [("dashboards", "0003_goal_periods")]
AFTER = [("dashboards", "0004_goals_new_meaning")]
YEAR = 2026


@pytest.fixture
def old_state(transactional_db, reference_data):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield MigrationExecutor(connection).loader.project_state(BEFORE).apps
    call_command("migrate", verbosity=0)  # leave the database at the head for the next tests


def test_the_old_negative_goal_becomes_a_sane_one(old_state):
    region = RegionFactory(name="Exportcenter Uppsala län", slug="uppsala")
    region.counties.add("03")
    OldGoal = old_state.get_model("dashboards", "RegionalGoal")
    # The demo's goals before issue 18: 1,000 companies "now" (SCB's figure for the county), climbing to
    # 1,500 in the target year; this year's step was 1,167.
    OldGoal.objects.create(
        region_id=region.pk, year=YEAR, kind="international_companies", baseline=1000, target=1167
    )
    OldGoal.objects.create(
        region_id=region.pk, year=YEAR + 2, kind="international_companies", baseline=1000, target=1500
    )
    OldGoal.objects.create(region_id=region.pk, year=YEAR, kind="companies_reached", baseline=10, target=300)
    # 217 companies of the register with a flag; 40 of them first confirmed international this year.
    for n in range(217):
        confirmed = date(YEAR, 1 + n % 12, 1 + n % 28) if n < 40 else None
        CompanyFactory(
            exports_goods=True, became_international_on=date(2020, 1, 1), international_confirmed_on=confirmed
        )
    old_progress = round(100 * (217 - 1000) / (1167 - 1000), 1)  # what the old goal tracker showed
    assert old_progress == -468.9

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    call_command("migrate", verbosity=0)

    this_year = RegionalGoal.objects.get(year=YEAR, kind="international_companies")
    target_year = RegionalGoal.objects.get(year=YEAR + 2, kind="international_companies")
    for goal, increase in ((this_year, 167), (target_year, 500)):
        assert (goal.baseline, goal.target) == (0, increase)
        assert (goal.official_baseline, goal.official_baseline_year) == (1000, goal.year - 1)
        assert goal.official_baseline_source
        assert (goal.starts_on, goal.ends_on) == (date(goal.year, 1, 1), date(goal.year, 12, 31))
    reached = RegionalGoal.objects.get(kind="companies_reached")
    assert (reached.baseline, reached.target, reached.official_baseline) == (10, 300, None)  # unchanged

    tracker = goal_tracker(region, YEAR, Filters(), today=date(YEAR, 12, 31))
    assert (tracker["actual"], tracker["target"], tracker["official_baseline"]) == (40, 167, 1000)
    assert 0 <= tracker["progress_percent"] <= 100
    assert tracker["progress_percent"] == 24.0  # 40 of 167 more, not (217 − 1000) / 167

    # With the brief's numbers (official 1,000, target 1,500 → 500 more): 40 of 500.
    target_year.year, target_year.starts_on, target_year.ends_on = YEAR, date(YEAR, 1, 1), date(YEAR, 12, 31)
    this_year.delete()
    target_year.save()
    tracker = goal_tracker(region, YEAR, Filters(), today=date(YEAR, 12, 31))
    assert (tracker["target"], tracker["official_baseline"], tracker["progress_percent"]) == (500, 1000, 8.0)
