"""With DASHBOARD_REFRESH_BY_WORKER (production, with Redis), no web request computes a dashboard that has
figures computed before: after a change, the reader gets the last figures at once and a Celery task
computes the current ones (issue 16: a web worker computing them held every request queued behind it)."""

from datetime import date

import pytest
from django.core.cache import cache as django_cache
from django.utils import translation

from dashboards import cache, stats, tasks
from dashboards.selectors import Filters, Period, Scope
from tests.dashboards.conftest import stockholm

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
# A view with a filter and in English: the task must compute the very entry the reader asked for.
FILTERS = Filters(county="03")


@pytest.fixture
def by_worker(dash, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    settings.DASHBOARD_REFRESH_BY_WORKER = True
    cache.changed(dash.region.pk)  # stamps of this test's own: no entry of another test can match
    cache.changed()
    return dash


@pytest.fixture
def queued(monkeypatch):
    """A broker that takes the task and runs nothing yet (the worker is busy): [(task, args)]."""
    published = []

    def publish(task, *args):
        published.append((task, args))
        return True

    monkeypatch.setattr(cache.broker, "publish", publish)
    return published


def received(dash) -> int:
    with translation.override("en"):
        return stats.summary(Scope(dash.region), MARCH, FILTERS)["requests_received"]


def changed_after_one_request(dash, make_request, django_capture_on_commit_callbacks):
    make_request(stockholm(2026, 3, 2, 9))
    assert received(dash) == 1  # the first figures: computed by the reader (there were none before)
    with django_capture_on_commit_callbacks(execute=True):
        make_request(stockholm(2026, 3, 3, 9))  # commits and stamps the region


def test_after_a_change_the_reader_gets_the_last_figures_at_once_and_a_worker_computes_them(
    by_worker, make_request, queued, django_assert_num_queries, django_capture_on_commit_callbacks
):
    changed_after_one_request(by_worker, make_request, django_capture_on_commit_callbacks)
    queued.clear()
    with django_assert_num_queries(0):
        assert received(by_worker) == 1  # the last figures, not computed here
    [(task, (view, claim))] = queued
    assert task.name == "dashboards.tasks.refresh_summary"
    assert view["filters"]["county"] == "03" and view["language"] == "en"
    assert django_cache.get(claim) == 1  # the reader's claim: the next readers do not publish again
    with django_assert_num_queries(0):
        assert received(by_worker) == 1
    assert len(queued) == 1

    tasks.refresh_summary(view, claim)  # the worker, with the task's JSON arguments

    assert django_cache.get(claim) is None  # let go
    with django_assert_num_queries(0):
        assert received(by_worker) == 2  # the current figures, for every reader, from the cache
    # A task queued again for the same figures (a burst of changes) reads the region and computes nothing.
    with django_assert_num_queries(1):
        tasks.refresh_summary(view, claim)


def test_with_the_broker_down_the_reader_computes_the_figures_itself(
    by_worker, make_request, monkeypatch, django_capture_on_commit_callbacks
):
    changed_after_one_request(by_worker, make_request, django_capture_on_commit_callbacks)
    monkeypatch.setattr(cache.broker, "publish", lambda task, *args: False)
    assert received(by_worker) == 2


def test_an_eager_worker_has_computed_them_when_the_reader_asks(
    by_worker, make_request, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The test suite's Celery runs tasks at once (CELERY_TASK_ALWAYS_EAGER): the reader gets what the
    task kept, and it stays kept."""
    changed_after_one_request(by_worker, make_request, django_capture_on_commit_callbacks)
    assert received(by_worker) == 2
    with django_assert_num_queries(0):
        assert received(by_worker) == 2


def test_a_task_for_a_region_deleted_meanwhile_computes_nothing(by_worker):
    view = {"region": 0, "organisation": None, "advisor": None, "start": "2026-03-01", "end": "2026-03-31"}
    assert tasks.refresh_summary({**view, "filters": {}, "language": "sv"}, "no-claim") is None
