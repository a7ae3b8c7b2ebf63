"""Retention: a nightly beat task deletes entries older than AUDIT_DAYS, in chunks, and records the purge."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from audit import tasks
from audit.models import AuditEntry, Channel
from audit.services import MINIMUM_RETENTION_DAYS, Action, purge_expired

pytestmark = pytest.mark.django_db


def _entry(days_ago, **fields):
    return AuditEntry.objects.create(
        action=Action.READ, at=timezone.now() - timedelta(days=days_ago), **fields
    )


def test_the_task_purges_entries_older_than_audit_days_and_records_the_purge(settings):
    settings.AUDIT_DAYS = 90
    settings.AUDIT_PURGE_CHUNK_SIZE = 2
    old = [_entry(91 + n) for n in range(5)]
    kept = [_entry(89), _entry(0)]
    assert tasks.purge_audit_log.delay().get() == 5
    assert set(AuditEntry.objects.exclude(action=Action.AUDIT_PURGED).values_list("pk", flat=True)) == {
        e.pk for e in kept
    }
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    purge = AuditEntry.objects.get(action=Action.AUDIT_PURGED)
    assert purge.channel == Channel.TASK
    assert purge.details["deleted"] == 5
    assert purge.details["chunks"] == 3  # 2 + 2 + 1
    assert purge.details["audit_days"] == 90


def test_a_run_with_nothing_to_delete_is_recorded_too():
    _entry(1)
    assert purge_expired() == 0
    assert AuditEntry.objects.get(action=Action.AUDIT_PURGED).details["deleted"] == 0


def test_audit_days_below_the_minimum_keep_the_minimum(settings):
    settings.AUDIT_DAYS = 1
    recent = _entry(MINIMUM_RETENTION_DAYS - 1)
    older = _entry(MINIMUM_RETENTION_DAYS + 1)
    assert purge_expired() == 1
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert not AuditEntry.objects.filter(pk=older.pk).exists()


def test_the_purge_is_scheduled_nightly_with_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-audit-log"]
    assert entry["task"] == "audit.tasks.purge_audit_log"
    assert entry["schedule"].hour == {3}
    assert tasks.purge_audit_log.name == entry["task"]
