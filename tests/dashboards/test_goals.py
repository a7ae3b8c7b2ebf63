"""The goal "newly international companies" (issue 18): one definition for the goal tracker, the goals'
overview, the worklist and the API; the official figure apart; progress never negative; the target's path;
attribution to the center; a small, constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies.models import Company
from dashboards import stats
from dashboards.goals import goal_tracker, goals_overview, new_international_companies, progress_percent
from dashboards.models import RegionalGoal
from dashboards.selectors import Filters, Period, Scope
from effects.models import ExportOutcome
from referrals.models import AdviceRequest
from tests.dashboards.conftest import stockholm
from tests.factories import CompanyFactory
from tests.outreach.factories import ActivityFactory
from worklist.selectors import goals_progress

pytestmark = pytest.mark.django_db

NO_FILTERS = Filters()
MID_2026 = date(2026, 6, 15)


def confirmed(day: date, **fields) -> Company:
    return CompanyFactory(became_international_on=day, international_confirmed_on=day, **fields)


def goal(dash, **fields) -> RegionalGoal:
    values = {"year": 2026, "kind": RegionalGoal.Kind.INTERNATIONAL_COMPANIES, "target": 10, **fields}
    return RegionalGoal.objects.create(region=dash.region, **values)


def outcome(dash, company, *, status=ExportOutcome.Status.CONFIRMED, meaning="") -> ExportOutcome:
    return ExportOutcome.objects.create(
        company=company,
        region=dash.region,
        organisation=dash.almi,
        market="DE",
        kind=ExportOutcome.Kind.FIRST_EXPORT,
        sells=ExportOutcome.Sells.GOODS,
        value_band=ExportOutcome.ValueBand.FROM_100K,
        achieved_on=date(2026, 3, 1),
        status=status,
        support_meaning=meaning,
    )


# --- The definition ---------------------------------------------------------------------------------


def test_only_companies_first_confirmed_in_the_period_count(dash):
    goal(dash, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), target=4)
    confirmed(date(2026, 3, 1))  # counts
    confirmed(date(2026, 12, 31))  # the period's last day: counts
    confirmed(date(2025, 12, 31))  # confirmed before the period: already international, not new
    CompanyFactory(became_international_on=date(2026, 3, 1))  # flags without a source: unconfirmed
    merged = confirmed(date(2026, 4, 1))
    Company.objects.filter(pk=merged.pk).update(merged_into=confirmed(date(2026, 4, 2)))  # once, as survivor
    confirmed(date(2026, 5, 1), municipality_id="2180")  # Göteborg: another region
    result = goal_tracker(dash.region, 2026, NO_FILTERS, today=MID_2026)
    assert (result["actual"], result["target"], result["progress_percent"]) == (3, 4, 75.0)
    assert (
        new_international_companies(dash.region, Period(date(2026, 1, 1), date(2026, 12, 31)), NO_FILTERS)
        == 3
    )


def test_progress_is_never_negative_and_needs_a_target():
    assert progress_percent(0, 500) == 0.0
    assert progress_percent(-3, 500) == 0.0  # cannot happen, and still not shown as negative
    assert progress_percent(600, 500) == 120.0  # beyond the goal
    assert progress_percent(5, 0) is None
    assert progress_percent(5, None) is None


def test_the_target_path_is_a_straight_line_per_month_and_the_actual_cumulative(dash):
    goal(dash, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), target=365)
    confirmed(date(2026, 1, 10))
    confirmed(date(2026, 3, 5))
    confirmed(date(2026, 3, 6))
    trend = goal_tracker(dash.region, 2026, NO_FILTERS, today=date(2026, 4, 2))["trend"]
    assert [row["month"] for row in trend][:2] == ["2026-01", "2026-02"] and len(trend) == 12
    assert [row["target_path"] for row in trend[:3]] == [31.0, 59.0, 90.0]  # days elapsed at each month's end
    assert trend[-1]["target_path"] == 365.0
    assert [row["total"] for row in trend[:5]] == [1, 1, 3, 3, None]  # May has not begun on 2 April
    assert [row["new"] for row in trend[:4]] == [1, 0, 2, 0]


def test_a_period_over_several_years_is_followed_month_by_month(dash):
    goal(dash, year=2027, starts_on=date(2025, 7, 1), ends_on=date(2027, 6, 30), target=24)
    confirmed(date(2025, 8, 1))
    confirmed(date(2026, 2, 1))
    result = goal_tracker(
        dash.region, 2026, NO_FILTERS, today=MID_2026
    )  # no goal of 2026: the overlapping one
    assert (result["starts_on"], result["ends_on"], result["actual"]) == (
        date(2025, 7, 1),
        date(2027, 6, 30),
        2,
    )
    assert len(result["trend"]) == 24 and result["trend"][0]["month"] == "2025-07"


def test_the_official_figure_is_shown_apart_and_never_in_the_progress(dash):
    goal(
        dash, target=500, official_baseline=1000, official_baseline_source="SCB", official_baseline_year=2025
    )
    for day in range(20):
        confirmed(date(2026, 2, 1) + timedelta(days=day))
    result = goal_tracker(dash.region, 2026, NO_FILTERS, today=MID_2026)
    assert (result["actual"], result["progress_percent"]) == (
        20,
        4.0,
    )  # 20 / 500, whatever the official figure
    assert (
        result["official_baseline"],
        result["official_baseline_source"],
        result["official_baseline_year"],
    ) == (
        1000,
        "SCB",
        2025,
    )


def test_attribution_helped_by_the_center_and_support_a_prerequisite(dash, make_request, make_referral):
    goal(dash)
    day = date(2026, 3, 10)
    by_request, by_referral, by_activity, by_outcome, prerequisite, alone, too_late, pending = (
        confirmed(day) for _ in range(8)
    )
    make_request(stockholm(2026, 2, 1, 9), company=by_request, status=AdviceRequest.Status.CLOSED)
    make_referral(
        make_request(stockholm(2026, 3, 9, 9), company=by_referral),
        sent_at=stockholm(2026, 3, 9, 10),
        to=dash.ekn,
    )
    ActivityFactory(company=by_activity, created_by=dash.advisor, occurred_on=date(2026, 1, 20))
    outcome(dash, by_outcome, meaning=ExportOutcome.SupportMeaning.FASTER)
    outcome(dash, prerequisite, meaning=ExportOutcome.SupportMeaning.PREREQUISITE)
    make_request(stockholm(2026, 2, 1, 9), company=alone)  # open, not closed: no help yet
    ActivityFactory(company=too_late, created_by=dash.advisor, occurred_on=date(2026, 4, 1))  # after
    outcome(
        dash, pending, status=ExportOutcome.Status.PENDING, meaning=ExportOutcome.SupportMeaning.PREREQUISITE
    )
    result = goal_tracker(dash.region, 2026, NO_FILTERS, today=MID_2026)
    assert (result["actual"], result["helped"], result["prerequisite"]) == (8, 5, 1)


def test_the_overview_and_the_worklist_count_the_same(dash):
    goal(dash, target=8, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    RegionalGoal.objects.create(region=dash.region, year=2026, kind="companies_reached", baseline=0, target=4)
    confirmed(date(2025, 5, 1))
    confirmed(date(2026, 5, 1))
    confirmed(date(2026, 6, 1))
    CompanyFactory(became_international_on=date(2026, 3, 1))
    tracker = goal_tracker(dash.region, 2026, NO_FILTERS, today=MID_2026)
    rows = {row["kind"]: row for row in goals_overview(dash.region, 2026, NO_FILTERS, tracker=tracker)}
    alone = {row["kind"]: row for row in goals_overview(dash.region, 2026, NO_FILTERS)}
    assert rows["international_companies"]["actual"] == alone["international_companies"]["actual"] == 2
    assert rows["international_companies"]["progress_percent"] == 25.0
    worklist = {goal.kind: goal for goal in goals_progress(dash.staff, today=MID_2026).rows}
    assert (
        worklist["international_companies"].actual,
        worklist["international_companies"].progress_percent,
    ) == (
        2,
        25.0,
    )


def test_a_confirmation_moves_the_cached_dashboard(dash, settings, django_capture_on_commit_callbacks):
    from companies import services
    from companies.models import FlagSource

    settings.DASHBOARD_CACHE_SECONDS = 300
    goal(dash, target=10)
    company = CompanyFactory()
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    assert stats.summary(Scope(dash.region), period, NO_FILTERS)["goal_tracker"]["actual"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_international_flags(
            company=company,
            flags={"exports_goods": True},
            source=FlagSource.COMPANY_SURVEY,
            on=date(2026, 5, 5),
        )
    assert stats.summary(Scope(dash.region), period, NO_FILTERS)["goal_tracker"]["actual"] == 1


# --- Query budget -----------------------------------------------------------------------------------


@pytest.mark.parametrize("companies", [3, 30])
def test_the_goal_tracker_costs_two_queries_however_many_companies(dash, companies, make_request):
    goal(
        dash, target=100, official_baseline=1000, official_baseline_source="SCB", official_baseline_year=2025
    )
    for n in range(companies):
        company = confirmed(date(2026, 1 + n % 12, 1 + n % 28))
        if n % 3 == 0:
            outcome(dash, company, meaning=ExportOutcome.SupportMeaning.PREREQUISITE)
        if n % 3 == 1:
            ActivityFactory(company=company, created_by=dash.advisor, occurred_on=date(2026, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        result = goal_tracker(dash.region, 2026, NO_FILTERS, today=date(2026, 12, 31))
    assert result["actual"] == companies
    assert len(queries.captured_queries) == 2  # the goal; the companies grouped by month


# --- The form and the API ---------------------------------------------------------------------------


def form(**overrides) -> dict:
    return {
        "year": 2026,
        "kind": "international_companies",
        "name": "",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "baseline": 0,
        "target": 500,
        "official_baseline": 1000,
        "official_baseline_source": "SCB/Tillväxtverket",
        "official_baseline_year": 2025,
        **overrides,
    }


def test_regional_staff_set_a_goal_with_its_official_figure(dash, client):
    client.force_login(dash.staff)
    response = client.post("/en/advisor/goals/new/", form(region=dash.region.pk))
    assert response.status_code == 302, response.content.decode()
    saved = RegionalGoal.objects.get()
    assert (saved.starts_on, saved.ends_on, saved.target, saved.official_baseline) == (
        date(2026, 1, 1),
        date(2028, 12, 31),
        500,
        1000,
    )
    page = client.get("/en/advisor/goals/").content.decode()
    assert "Official figure (another population)" in page and "SCB/Tillväxtverket" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on": "2025-12-31"}, "ends_on", "The period must end after it starts."),
        ({"ends_on": "2026-01-01"}, "ends_on", "The period must end after it starts."),
        ({"official_baseline_year": 2199}, "official_baseline_year", "Enter the year the official figure"),
        ({"official_baseline_year": 1850}, "official_baseline_year", "Enter the year the official figure"),
        ({"official_baseline": -5}, "official_baseline", "greater than or equal to 0"),
        ({"target": -1}, "target", "greater than or equal to 0"),
        ({"target": 0}, "target", "at least 1"),
        ({"baseline": 1000}, "baseline", "counted from 0"),
        (
            {"official_baseline_source": ""},
            "official_baseline_source",
            "where the official figure comes from",
        ),
        ({"official_baseline": ""}, "official_baseline", "Enter the official figure, or leave"),
        ({"year": 2030}, "year", "within its period"),
    ],
)
def test_a_bad_goal_is_a_localised_error_next_to_its_field(dash, client, overrides, field, message):
    client.force_login(dash.staff)
    response = client.post("/en/advisor/goals/new/", form(region=dash.region.pk, **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and message in page
    assert not RegionalGoal.objects.exists()
    swedish = client.post(reverse("dashboards:goal_create"), form(region=dash.region.pk, **overrides))
    assert f'id="id_{field}_error"' in swedish.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": "2025-06-30"}, "ends_on"),
        ({"official_baseline_year": 2199}, "official_baseline_year"),
        ({"official_baseline": -1}, "official_baseline"),
        ({"baseline": 1000}, "baseline"),
        ({"official_baseline_source": ""}, "official_baseline_source"),
    ],
)
def test_the_api_answers_bad_goals_with_field_errors(dash, overrides, field):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(dash.staff)
    response = api.post("/api/v1/goals/", form(region=dash.region.slug, **overrides), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    good = api.post("/api/v1/goals/", form(region=dash.region.slug), format="json")
    assert good.status_code == 201, good.json()
    assert (good.json()["official_baseline"], good.json()["ends_on"]) == (1000, "2028-12-31")


def test_the_dashboard_shows_the_progress_and_the_official_figure_apart(dash, client):
    goal(
        dash, target=500, official_baseline=1000, official_baseline_source="SCB", official_baseline_year=2025
    )
    confirmed(date(2026, 2, 1))
    client.force_login(dash.staff)
    page = client.get("/en/advisor/dashboard/", {"period": "year", "day": "2026-03-01"}).content.decode()
    assert "<strong>1</strong> newly international company of the target <strong>500 more</strong>" in page
    assert "Progress: <strong>0.2 %</strong>" in page
    assert "Official figure, another population: 1,000 companies" in page
    assert "It is not part of the progress." in page
    assert "Target path" in page  # the chart's table (its text alternative)
