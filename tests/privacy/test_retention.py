"""The retention job: what falls due and when, legal holds, the dry run, the log."""

from datetime import UTC, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.management import call_command

from audit.models import Action as AuditAction
from audit.models import AuditEntry
from companies.models import Company, Contact
from outreach.models import Activity
from privacy import selectors, services, tasks
from privacy.models import RetentionRun
from referrals.models import AdviceRequest, RequestEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def closed(person, time_machine):
    """Karin's request closed exactly 36 months before NOW, her activity the day before; the clock at NOW."""
    closed_at = NOW - relativedelta(months=36)
    AdviceRequest.objects.filter(contact=person).update(closed_at=closed_at)
    Activity.objects.filter(contacts=person).update(occurred_on=closed_at.date() - timedelta(days=1))
    time_machine.move_to(NOW, tick=False)
    return AdviceRequest.objects.get(contact=person)


def test_the_default_is_36_months():
    assert settings.RETENTION_MONTHS == 36


def test_a_request_closed_exactly_at_the_cutoff_is_not_yet_due(closed, time_machine):
    assert selectors.retention_preview().requests == 0
    time_machine.move_to(NOW + timedelta(seconds=1), tick=False)
    preview = selectors.retention_preview()
    assert (preview.requests, preview.contacts) == (1, 1)


def test_retention_months_moves_the_boundary(closed, settings):
    settings.RETENTION_MONTHS = 37
    assert selectors.retention_preview(NOW + timedelta(days=1)).requests == 0
    settings.RETENTION_MONTHS = 35
    assert selectors.retention_preview().requests == 1


def test_a_run_anonymises_contacts_and_free_text_and_logs_its_counts(closed, person, time_machine):
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    result = services.run_retention()
    assert (result.requests, result.contacts) == (1, 1)
    closed.refresh_from_db()
    assert closed.description == "" and closed.anonymised_at is not None
    assert closed.outcome == AdviceRequest.Outcome.HELPED and closed.closed_at is not None
    assert not RequestEvent.objects.filter(request=closed).exclude(body="").exists()
    person.refresh_from_db()
    assert person.email == "" and person.anonymised_at is not None
    run = RetentionRun.objects.get()
    assert (run.requests_anonymised, run.contacts_anonymised, run.locked_out) == (1, 1, False)
    entry = AuditEntry.objects.get(action=AuditAction.RETENTION_RUN)
    assert entry.details["requests"] == 1 and entry.details["contacts"] == 1


def test_a_second_run_finds_nothing_left(closed, time_machine):
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    services.run_retention()
    version = AdviceRequest.objects.get(pk=closed.pk).version
    second = services.run_retention()
    assert (second.requests, second.contacts) == (0, 0)
    assert AdviceRequest.objects.get(pk=closed.pk).version == version
    assert RetentionRun.objects.count() == 2


def test_a_request_on_legal_hold_is_skipped_and_so_is_its_contact(closed, person, time_machine):
    AdviceRequest.objects.filter(pk=closed.pk).update(legal_hold=True)
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    result = services.run_retention()
    assert (result.requests, result.contacts) == (0, 0)
    assert (result.requests_on_hold, result.contacts_on_hold) == (1, 1)
    assert AdviceRequest.objects.get(pk=closed.pk).description != ""
    assert Contact.objects.get(pk=person.pk).email == "karin@konsult.example"


def test_a_company_on_legal_hold_keeps_its_requests_and_contacts(closed, person, time_machine):
    Company.objects.filter(pk=person.company_id).update(legal_hold=True)
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    result = services.run_retention()
    assert (result.requests, result.contacts, result.requests_on_hold) == (0, 0, 1)
    assert Contact.objects.get(pk=person.pk).anonymised_at is None


def test_a_contact_met_after_the_cutoff_is_kept_while_the_old_request_loses_its_text(
    closed, person, time_machine
):
    Activity.objects.filter(contacts=person).update(occurred_on=NOW.date() - timedelta(days=30))
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    result = services.run_retention()
    assert (result.requests, result.contacts) == (1, 0)
    assert Contact.objects.get(pk=person.pk).anonymised_at is None


def test_an_open_request_keeps_its_contact(closed, person, time_machine):
    from referrals.services import submit_request
    from tests.referrals.conftest import build_submission

    assert submit_request(submission=build_submission()).contact == person  # a new request, still open
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    assert services.run_retention().contacts == 0


def test_the_dry_run_counts_and_writes_nothing(closed, time_machine, capsys):
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    audit_before = AuditEntry.objects.count()
    call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    assert "1 requests and 1 contacts would be anonymised" in out
    assert not RetentionRun.objects.exists() and AuditEntry.objects.count() == audit_before
    closed.refresh_from_db()
    assert closed.description != "" and closed.anonymised_at is None


def test_the_command_runs_and_reports(closed, time_machine, capsys):
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    call_command("retention")
    assert "Anonymised 1 requests and 1 contacts" in capsys.readouterr().out
    assert RetentionRun.objects.get().trigger == RetentionRun.Trigger.COMMAND


def test_chunks_cover_every_row(person, sole_trader, time_machine, settings):
    settings.RETENTION_CHUNK_SIZE = 1
    closed_at = NOW - relativedelta(months=40)
    AdviceRequest.objects.update(status="closed", outcome="helped", closed_at=closed_at)
    Activity.objects.update(occurred_on=closed_at.date())
    time_machine.move_to(NOW, tick=False)
    result = services.run_retention()
    assert (result.requests, result.contacts) == (2, 2) and result.chunks == 4
    assert not AdviceRequest.objects.filter(anonymised_at__isnull=True).exists()


def test_the_nightly_task_is_scheduled_and_runs(closed, time_machine):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.tasks.run_retention"
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    assert tasks.run_retention() == 2
    assert RetentionRun.objects.get().trigger == RetentionRun.Trigger.SCHEDULE
