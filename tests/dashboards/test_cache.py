"""The dashboards' cached figures: served without a query until what they count changes and commits, never
stale after that, and computed as before when the cache is down."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import cache, stats
from dashboards.models import RegionalGoal
from dashboards.selectors import Filters, Period, Scope
from exportcenter import stamps
from outreach.models import Campaign
from tests.dashboards.conftest import stockholm

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def cached(dash, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    settings.DASHBOARD_REFRESH_BY_WORKER = False  # a reader computes (test_cache_refresh.py: a worker does)
    cache.changed(dash.region.pk)  # a stamp of this test's own: no entry of another test can match
    cache.changed()
    return dash


def _received(dash) -> int:
    return stats.summary(Scope(dash.region), MARCH, Filters())["requests_received"]


def test_a_summary_is_served_from_the_cache_until_a_change_commits(
    cached, make_request, django_assert_num_queries, django_capture_on_commit_callbacks
):
    make_request(stockholm(2026, 3, 2, 9))
    assert _received(cached) == 1
    with django_assert_num_queries(0):
        assert _received(cached) == 1
    make_request(stockholm(2026, 3, 3, 9))  # not committed (the test's transaction): not seen yet
    assert _received(cached) == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_request(stockholm(2026, 3, 4, 9))  # the refresh commits and stamps the region
    assert _received(cached) == 3


@pytest.mark.parametrize("change", ["goal", "campaign", "other region"])
def test_what_other_figures_count_stamps_them_too(
    cached, change, other_region, django_capture_on_commit_callbacks
):
    _received(cached)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "goal":
            RegionalGoal.objects.create(
                region=cached.region,
                year=2026,
                kind=RegionalGoal.Kind.COMPANIES_REACHED,
                baseline=1,
                target=9,
            )
        elif change == "campaign":
            Campaign.objects.create(
                region=cached.region,
                organisation=cached.almi,
                name="Norge 2026",
                starts_on=date(2026, 3, 1),
                ends_on=date(2026, 5, 1),
                created_by=cached.staff,
            )
        else:
            cache.changed(other_region.pk)
    with CaptureQueriesContext(connection) as queries:
        summary = stats.summary(Scope(cached.region), MARCH, Filters())
    if change == "other region":
        assert not queries.captured_queries  # another region's change leaves this one cached
    else:
        assert queries.captured_queries  # computed again
    if change == "goal":
        assert [goal["kind"] for goal in summary["goals"]] == ["companies_reached"]


def test_a_dashboard_opened_while_another_process_computes_shows_the_last_figures_at_once(
    cached, make_request, monkeypatch, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A change in a busy region must not have every open dashboard compute the same figures at once
    (seconds each at national scale): one computes, the others get the figures computed last."""
    make_request(stockholm(2026, 3, 2, 9))
    assert _received(cached) == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_request(stockholm(2026, 3, 3, 9))
    computing, release = threading.Event(), threading.Event()

    def slow(scope, period, filters):  # the other process's computation, held until released
        computing.set()
        assert release.wait(10)
        return {"requests_received": 2}

    monkeypatch.setattr(stats, "compute_summary", slow)
    with ThreadPoolExecutor(1) as pool:
        other = pool.submit(_received, cached)
        assert computing.wait(10)
        with django_assert_num_queries(0):
            assert _received(cached) == 1  # the last figures, without waiting or computing
        release.set()
        assert other.result(timeout=10) == 2
    with django_assert_num_queries(0):
        assert _received(cached) == 2  # what the other process computed, for everyone


def test_a_cache_that_is_down_costs_only_the_computation(cached, make_request, monkeypatch):
    make_request(stockholm(2026, 3, 2, 9))

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get_many", "get", "set", "set_many"):
        monkeypatch.setattr(stamps.cache, method, down)
    assert _received(cached) == 1
    cache.changed(cached.region.pk)  # no error either


def test_the_language_is_part_of_the_key(cached, make_request):
    from django.utils import translation

    make_request(stockholm(2026, 3, 2, 9))
    with translation.override("sv"):
        swedish = stats.summary(Scope(cached.region), MARCH, Filters())["requests_by"]["channel"][0]["label"]
    with translation.override("en"):
        english = stats.summary(Scope(cached.region), MARCH, Filters())["requests_by"]["channel"][0]["label"]
    assert (swedish, english) == ("Webbformulär", "Web form")


def test_a_cached_dashboard_page_makes_seven_queries(
    cached, make_request, client, django_assert_max_num_queries
):
    from django.urls import reverse

    make_request(stockholm(2026, 3, 2, 9))
    client.force_login(cached.staff)
    url = reverse("dashboards:dashboard")
    client.get(url, {"period": "month", "day": "2026-03-02"})  # computes and keeps the figures and options
    with django_assert_max_num_queries(7):
        response = client.get(url, {"period": "month", "day": "2026-03-02"})
    assert response.status_code == 200


def test_only_what_the_figures_count_on_a_company_stamps_them(
    cached, make_request, django_capture_on_commit_callbacks
):
    """A submission saves its company; unless what the figures count changed, every region stays cached."""
    company = make_request(stockholm(2026, 3, 2, 9)).company
    _received(cached)
    for change, recomputed in [
        ({"name": "Nytt Namn AB"}, False),
        ({"became_international_on": date(2026, 3, 5)}, True),
        ({"employee_band": "50-99"}, True),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            company = type(company).objects.get(pk=company.pk)  # loaded, as a service loads it
            for field, value in change.items():
                setattr(company, field, value)
            company.save()
        with CaptureQueriesContext(connection) as queries:
            _received(cached)
        assert bool(queries.captured_queries) is recomputed, change
