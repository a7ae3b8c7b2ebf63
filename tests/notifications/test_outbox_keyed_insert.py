"""A keyed email is queued with one statement, INSERT … ON CONFLICT (key) DO NOTHING (issue 16: the
submission's statements), and two callers queueing the same key at the same moment make one email."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.models import OutboundEmail
from tests.threads import at_once


def queue(key="welcome:1", **overrides):
    fields = {"to": "sme@company.example", "subject": "Hello", "body_text": "Body", "key": key} | overrides
    return services.queue_email(**fields)


@pytest.mark.django_db
def test_a_keyed_email_is_one_statement_and_a_second_call_one_more():
    with CaptureQueriesContext(connection) as queries:
        first = queue(headers={"Reply-To": "triage@region.example"}, attachments=[{"name": "a.pdf"}])
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["INSERT"]
    assert "ON CONFLICT" in queries.captured_queries[0]["sql"]

    stored = OutboundEmail.objects.get(pk=first.pk)
    assert (stored.key, stored.to, stored.status) == ("welcome:1", "sme@company.example", "pending")
    assert stored.headers == {"Reply-To": "triage@region.example"}
    assert stored.attachments == [{"name": "a.pdf"}]
    assert stored.message_id == first.message_id and stored.created_at is not None
    assert first._state.adding is False

    with CaptureQueriesContext(connection) as queries:
        second = queue(subject="Another subject")
    # The conflict inserts nothing; the first email is read and returned unchanged.
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["INSERT", "SELECT"]
    assert second.pk == first.pk and second.subject == "Hello"
    assert OutboundEmail.objects.count() == 1


@pytest.mark.django_db
def test_an_email_without_a_key_is_a_plain_insert_each_time():
    with CaptureQueriesContext(connection) as queries:
        one, two = queue(key=None), queue(key=None)
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["INSERT", "INSERT"]
    assert one.pk != two.pk and OutboundEmail.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_callers_queueing_one_key_at_once_make_one_email():
    inserted = threading.Event()

    def first():
        with transaction.atomic():
            email = queue(key="race:1")
            inserted.set()
            # The second caller's INSERT now waits on this uncommitted row.
            threading.Event().wait(0.3)
            return email.pk

    def second():
        inserted.wait(timeout=10)
        with transaction.atomic():
            return queue(key="race:1").pk

    for _ in range(3):
        OutboundEmail.objects.all().delete()
        inserted.clear()
        first_pk, second_pk = at_once(first, second)
        assert first_pk == second_pk
        assert OutboundEmail.objects.filter(key="race:1").count() == 1
