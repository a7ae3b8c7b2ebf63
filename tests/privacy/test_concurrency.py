"""Two retention runs at once on PostgreSQL: the advisory lock lets one in; each row is anonymised once.

Threads with their own database connections stand in for two workers (as tests/outreach/test_concurrency.py).
"""

import threading
from datetime import UTC, datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection

from audit.models import Action as AuditAction
from audit.models import AuditEntry
from exportcenter.locks import advisory_lock
from outreach.models import Activity
from privacy import services
from privacy.models import RetentionRun
from referrals.models import AdviceRequest
from tests.threads import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL (advisory locks and concurrent writers); set DATABASE_URL=postgres://…")


@pytest.fixture
def due(person, sole_trader, settings):
    settings.RETENTION_CHUNK_SIZE = 1  # many small chunks: the runs would interleave without the lock
    closed_at = NOW - relativedelta(months=40)
    AdviceRequest.objects.update(status="closed", outcome="helped", closed_at=closed_at)
    Activity.objects.update(occurred_on=closed_at.date())
    return AdviceRequest.objects.count()


def test_two_runs_at_once_anonymise_each_row_once(due):
    results = at_once(lambda: services.run_retention(now=NOW), lambda: services.run_retention(now=NOW))
    # Either the second found the lock taken, or it ran after the first and found nothing left.
    assert sorted(r.requests for r in results) == [0, due]
    assert sorted(r.contacts for r in results) == [0, 2]
    assert not AdviceRequest.objects.filter(anonymised_at__isnull=True).exists()
    runs = RetentionRun.objects.all()
    assert runs.count() == 2 and sum(run.requests_anonymised for run in runs) == due
    assert AuditEntry.objects.filter(action=AuditAction.RETENTION_RUN).count() == 2


def test_a_run_that_finds_the_lock_taken_does_nothing_and_logs_it(due):
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with advisory_lock(services.RETENTION_LOCK) as acquired:
                assert acquired
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        result = services.run_retention(now=NOW)
        assert result.locked_out and result.requests == 0
        assert AdviceRequest.objects.filter(anonymised_at__isnull=True).count() == due
        assert RetentionRun.objects.get().locked_out
    finally:
        release.set()
        holder.join()
    assert services.run_retention(now=NOW).requests == due  # the lock went with the holder's transaction
