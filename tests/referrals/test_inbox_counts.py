"""The inbox's view counts, cached until a request they count changes (referrals/inbox_counts.py): read
without a database query while nothing changed, never stale after a commit that changes them (for the
region's partners, the owner organisation, a referral's receiver in another region, and a superuser), and
computed as before when the cache is down."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exportcenter import stamps
from referrals import inbox_counts, selectors, services
from referrals.models import AdviceRequest, InboxView
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = AdviceRequest.Status


@pytest.fixture(autouse=True)
def cached(settings):
    settings.INBOX_COUNT_CACHE_SECONDS = 60


@pytest.fixture
def submit(make_submission, operator, django_capture_on_commit_callbacks):
    """A new request from a new company, its after-commit callbacks run (as after a real commit)."""
    counter = iter(range(1, 1000))

    def make():
        n = next(counter)
        submission = make_submission(
            number=None, company_name=f"Företag {n} AB", contact_email=f"p{n}@x.example"
        )
        with django_capture_on_commit_callbacks(execute=True):
            return services.submit_request(submission=submission)

    return make


def committed(django_capture_on_commit_callbacks, change):
    with django_capture_on_commit_callbacks(execute=True):
        return change()


def test_counts_are_read_from_the_cache_while_nothing_changes(submit, advisor):
    submit()
    first = selectors.view_counts(advisor)
    assert first[InboxView.NEW] == 1
    with CaptureQueriesContext(connection) as queries:
        again = selectors.view_counts(advisor)
    assert again == first
    assert len(queries) == 0


def test_a_new_request_shows_at_once_for_the_region(submit, advisor, ekn_advisor):
    submit()
    assert selectors.view_counts(advisor)[InboxView.NEW] == 1
    assert selectors.view_counts(ekn_advisor)[InboxView.NEW] == 1
    submit()
    assert selectors.view_counts(advisor)[InboxView.NEW] == 2
    assert selectors.view_counts(ekn_advisor)[InboxView.NEW] == 2


def test_taking_and_closing_move_the_counts_at_once(submit, advisor, django_capture_on_commit_callbacks):
    request = submit()
    before = selectors.view_counts(advisor)
    assert (before[InboxView.NEW], before[InboxView.MINE], before[InboxView.ORGANISATION]) == (1, 0, 0)

    request = committed(
        django_capture_on_commit_callbacks, lambda: services.claim(request=request, advisor=advisor)
    )
    taken = selectors.view_counts(advisor)
    assert (taken[InboxView.NEW], taken[InboxView.MINE], taken[InboxView.ORGANISATION]) == (0, 1, 1)

    committed(
        django_capture_on_commit_callbacks,
        lambda: services.transition(
            request=request,
            to_status=Status.CLOSED,
            by=advisor,
            expected_version=request.version,
            outcome="spam",
        ),
    )
    closed = selectors.view_counts(advisor)
    assert (closed[InboxView.OPEN], closed[InboxView.CLOSED]) == (0, 1)


def test_a_referral_to_another_regions_partner_shows_in_its_counts_at_once(
    owned_request, advisor, far_advisor, refer, django_capture_on_commit_callbacks
):
    assert selectors.view_counts(far_advisor)[InboxView.OPEN] == 0
    committed(
        django_capture_on_commit_callbacks, lambda: refer(owned_request, far_advisor.organisation, advisor)
    )
    assert selectors.view_counts(far_advisor)[InboxView.OPEN] == 1


def test_a_superuser_sees_every_change(submit, operator):
    root = UserFactory(email="root@exportcenter.example", is_superuser=True, organisation=None)
    submit()
    assert selectors.view_counts(root)[InboxView.NEW] == 1
    submit()
    assert selectors.view_counts(root)[InboxView.NEW] == 2


def test_an_uncommitted_change_leaves_the_stamps_alone(submit, advisor, make_submission):
    submit()
    assert selectors.view_counts(advisor)[InboxView.NEW] == 1
    # In the test's transaction, never committed:
    services.submit_request(
        submission=make_submission(number=None, company_name="Annat AB", contact_email="a@b.example")
    )
    assert selectors.view_counts(advisor)[InboxView.NEW] == 1  # the stamps move only after the commit


def test_a_cache_that_is_down_costs_only_the_computation(submit, advisor, monkeypatch):
    submit()

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get_many", "get", "set", "set_many"):
        monkeypatch.setattr(stamps.cache, method, down)
    assert selectors.view_counts(advisor)[InboxView.NEW] == 1
    submit()  # renewing the stamps fails quietly
    assert selectors.view_counts(advisor)[InboxView.NEW] == 2


def test_turned_off_it_counts_every_time(submit, advisor, settings):
    settings.INBOX_COUNT_CACHE_SECONDS = 0
    submit()
    selectors.view_counts(advisor)
    with CaptureQueriesContext(connection) as queries:
        selectors.view_counts(advisor)
    assert len(queries) == 1  # the counts, again


def test_a_save_that_changes_nothing_counted_keeps_the_cached_counts(
    submit, advisor, django_capture_on_commit_callbacks
):
    request = submit()
    selectors.view_counts(advisor)
    request.description = "Another text."
    committed(
        django_capture_on_commit_callbacks, lambda: request.save(update_fields=["description", "updated_at"])
    )
    with CaptureQueriesContext(connection) as queries:
        selectors.view_counts(advisor)
    assert len(queries) == 0


@pytest.mark.postgres
def test_the_page_and_the_counts_each_get_the_rule_written_for_them(
    client, submit, advisor, settings, is_postgres
):
    """The page of rows tests its organisation's referrals as a hashed subplan (IN), the counts as an array
    read once (= ANY(ARRAY(...))) so that PostgreSQL combines the indexes (AdviceRequestPolicy._rule)."""
    if not is_postgres:
        pytest.skip("the SQL of PostgreSQL")
    settings.INBOX_COUNT_CACHE_SECONDS = 0
    submit()
    client.force_login(advisor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/advisor/requests/", {"view": "open"}).status_code == 200
    about_requests = [q["sql"] for q in queries if 'FROM "referrals_advicerequest"' in q["sql"]]
    counts = [sql for sql in about_requests if sql.startswith("SELECT COUNT")]
    (page,) = [sql for sql in about_requests if sql.startswith('SELECT "referrals_advicerequest"."id"')]
    assert len(counts) == 2  # the views' counts and the results' capped count
    assert all('"id" = ANY(ARRAY(SELECT' in sql for sql in counts), counts
    assert '"id" IN (SELECT' in page and "ANY(ARRAY(" not in page, page


@pytest.mark.postgres
def test_a_text_search_gets_the_combinable_rule(client, submit, advisor, is_postgres):
    """A search narrows by its own indexes: the page's rule is the array read once, which PostgreSQL
    combines with them, not the hashed subplan of reading newest first (3.5 s at 2,000,000 requests)."""
    if not is_postgres:
        pytest.skip("the SQL of PostgreSQL")
    submit()
    client.force_login(advisor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/advisor/requests/", {"view": "open", "q": "Företag"}).status_code == 200
    (page,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT "referrals_advicerequest"."id"')]
    assert '"id" = ANY(ARRAY(SELECT' in page, page


def test_counts_asked_while_another_process_computes_them_are_the_last_ones(submit, advisor):
    """Several tabs, or htmx requests, of one user: one computes the counts, the others show the last."""
    submit()
    last = selectors.view_counts(advisor)
    submit()  # committed: the counts are due again
    computing, release = threading.Event(), threading.Event()

    def slow():
        computing.set()
        assert release.wait(10)
        return {**last, InboxView.NEW: 2}

    def must_not_compute():
        raise AssertionError("computed twice")

    with ThreadPoolExecutor(1) as pool:
        other = pool.submit(inbox_counts.counts, advisor, slow)
        assert computing.wait(10)
        assert inbox_counts.counts(advisor, must_not_compute) == last
        release.set()
        assert other.result(timeout=10)[InboxView.NEW] == 2
    assert selectors.view_counts(advisor)[InboxView.NEW] == 2
