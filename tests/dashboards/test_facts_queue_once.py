"""A burst of changes in one region and day queues one refresh of its daily facts until that refresh starts
(`dashboards.facts.queue_once`, with DASHBOARD_REFRESH_BY_WORKER): each refresh stamps the region, which has
a worker compute every viewed dashboard of it again (issue 16)."""

import pytest
from django.core.cache import cache as django_cache
from django.utils import timezone

from dashboards import facts, signals, tasks
from dashboards.models import RequestFact
from tests.clock import WORKING_DAY_MORNING

# The signals see a request when it is saved: on the day it is received (the clock's).
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(WORKING_DAY_MORNING, tick=False)]

TODAY = "2026-03-04"
OTHER_DAY = "2026-03-02"


@pytest.fixture
def by_worker(settings):
    settings.DASHBOARD_REFRESH_BY_WORKER = True


@pytest.fixture
def queued(monkeypatch):
    """A broker that takes the task and runs nothing yet (the worker is busy): [(region id, days)]."""
    published = []

    def publish(task, region_id, days):
        published.append((region_id, days))
        return True

    monkeypatch.setattr(signals.broker, "publish", publish)
    return published


@pytest.fixture(autouse=True)
def _no_marks_before_or_after(dash):
    """The marks live in the cache, outside the test's transaction: none before, none left for later."""
    keys = [facts._queued_key(dash.region.pk, day) for day in (TODAY, OTHER_DAY)]
    django_cache.delete_many(keys)
    yield
    django_cache.delete_many(keys)


def committed(make_request, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_request(timezone.now())


def requests_counted(day: str) -> int:
    return sum(RequestFact.objects.filter(day=day).values_list("requests", flat=True))


def test_changes_while_the_refresh_is_queued_queue_nothing_more(
    dash, by_worker, queued, make_request, django_capture_on_commit_callbacks
):
    for _ in range(3):
        committed(make_request, django_capture_on_commit_callbacks)
    signals.refresh_days([(dash.region.pk, OTHER_DAY)])  # another day: its own refresh
    assert queued == [(dash.region.pk, [TODAY]), (dash.region.pk, [OTHER_DAY])]

    tasks.refresh_request_facts(*queued[0])  # the worker: it reads the day's requests, all three
    assert requests_counted(TODAY) == 3

    committed(make_request, django_capture_on_commit_callbacks)  # after the refresh started: queued again
    assert queued[2:] == [(dash.region.pk, [TODAY])]


def test_without_a_shared_cache_every_change_queues_its_refresh(
    dash, settings, queued, make_request, django_capture_on_commit_callbacks
):
    settings.DASHBOARD_REFRESH_BY_WORKER = False
    for _ in range(2):
        committed(make_request, django_capture_on_commit_callbacks)
    assert queued == [(dash.region.pk, [TODAY])] * 2


def test_with_the_broker_down_the_day_is_refreshed_here_and_not_left_marked(
    dash, by_worker, monkeypatch, make_request, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(signals.broker, "publish", lambda task, *args: False)
    committed(make_request, django_capture_on_commit_callbacks)
    committed(make_request, django_capture_on_commit_callbacks)
    assert requests_counted(TODAY) == 2
    assert django_cache.get(facts._queued_key(dash.region.pk, TODAY)) is None


def test_a_cache_that_fails_queues_every_change(dash, by_worker, queued):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    with pytest.MonkeyPatch.context() as patch:  # undone before the fixtures' clean-up uses the cache
        patch.setattr(facts.django_cache, "add", down)
        patch.setattr(facts.django_cache, "delete_many", down)
        signals.refresh_days([(dash.region.pk, OTHER_DAY)])
        signals.refresh_days([(dash.region.pk, OTHER_DAY)])
        facts.started(dash.region.pk, [OTHER_DAY])  # no error either
    assert queued == [(dash.region.pk, [OTHER_DAY])] * 2
