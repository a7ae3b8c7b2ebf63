"""The log is append-only: the ORM refuses changes and deletions; on PostgreSQL a trigger refuses raw SQL too,
except the retention purge of entries older than its cut-off."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AppendOnly, AuditEntry
from audit.services import Action, purge_expired, record
from companies import services as company_services
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(advisor):
    return record(Action.READ, actor=advisor, what="test")


def test_a_stored_entry_cannot_be_saved_again(entry):
    entry.actor_label = "someone else"
    with pytest.raises(AppendOnly):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "advisor@almi.example"


def test_an_entry_cannot_be_deleted_through_the_orm(entry):
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_updated_in_bulk(entry):
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_label="x")
    entry.actor_label = "x"
    with pytest.raises(AppendOnly):
        AuditEntry.objects.bulk_update([entry], ["actor_label"])
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "advisor@almi.example"


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("the trigger is PostgreSQL's")


def test_raw_sql_cannot_update_an_entry(postgres_only, entry):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["forged", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "advisor@almi.example"


def test_raw_sql_cannot_delete_an_entry(postgres_only, entry):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def _old_entry(advisor, days):
    """An entry written `days` ago (an insert may carry any time; only changes are refused)."""
    return AuditEntry.objects.create(
        action=Action.READ, actor=advisor, at=timezone.now() - timedelta(days=days)
    )


def test_the_purge_switch_deletes_only_rows_older_than_its_cut_off(postgres_only, advisor):
    old, young = _old_entry(advisor, days=800), _old_entry(advisor, days=100)
    cutoff = (timezone.now() - timedelta(days=730)).isoformat()
    purge = "SELECT set_config('audit.purge', 'on', true), set_config('audit.purge_before', %s, true)"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(purge, [cutoff])
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [young.pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(purge, [cutoff])
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [old.pk])
    assert list(AuditEntry.objects.filter(pk__in=[old.pk, young.pk]).values_list("pk", flat=True)) == [
        young.pk
    ]


def test_the_switch_is_for_one_transaction_and_never_reaches_the_last_30_days(postgres_only, advisor):
    recent = _old_entry(advisor, days=10)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('audit.purge', 'on', true), set_config('audit.purge_before', %s, true)",
            [timezone.now().isoformat()],
        )
    with pytest.raises(DatabaseError, match="append-only"):  # the switch ended with its transaction
        _raw("DELETE FROM audit_auditentry WHERE id = %s", [recent.pk])
    # A cut-off of "now" is refused: the last 30 days are never purged.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT set_config('audit.purge', 'on', true), set_config('audit.purge_before', %s, true)",
            [timezone.now().isoformat()],
        )
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [recent.pk])
    assert AuditEntry.objects.filter(pk=recent.pk).exists()


def test_the_retention_purge_passes_the_trigger(postgres_only, advisor, settings):
    settings.AUDIT_DAYS = 365
    old = [_old_entry(advisor, days=400) for _ in range(3)]
    kept = _old_entry(advisor, days=300)
    assert purge_expired(chunk_size=2) == 3
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()


def test_an_entry_is_written_in_the_transaction_of_what_it_records(uppsala, advisor, staff):
    survivor, duplicate = CompanyFactory(name="Kept AB"), CompanyFactory(name="Twin AB")
    with pytest.raises(RuntimeError), transaction.atomic():
        company_services.merge_companies(survivor=survivor, duplicate=duplicate, by=staff)
        assert AuditEntry.objects.filter(action=Action.MERGE).count() == 1
        raise RuntimeError("the request fails after the merge")
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    assert not AuditEntry.objects.filter(action=Action.MERGE).exists()
