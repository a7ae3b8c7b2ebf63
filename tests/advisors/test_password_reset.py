"""Password reset in constant work: the page queues a task by name for any address; the worker looks the
address up and sends through the outbox."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import services as notification_services
from notifications.models import OutboundEmail


def ask(client, email):
    return client.post("/password/reset/", {"email": email})


def test_the_page_does_the_same_work_for_known_and_unknown_addresses(
    client, advisor, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with (
        CaptureQueriesContext(connection) as unknown_queries,
        django_capture_on_commit_callbacks(execute=False) as unknown_callbacks,
    ):
        unknown = ask(client, "nobody@nowhere.example")
    expected = len(unknown_queries.captured_queries)
    with (
        django_assert_num_queries(expected),
        django_capture_on_commit_callbacks(execute=False) as known_callbacks,
    ):
        known = ask(client, advisor.email)
    assert not [
        q for q in unknown_queries.captured_queries if "advisors_user" in q["sql"]
    ]  # the worker looks up
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(known_callbacks) == len(unknown_callbacks) == 1  # one task published either way
    assert not OutboundEmail.objects.exists()  # nothing was sent from within the request


def test_the_worker_sends_the_known_address_its_link_through_the_outbox(
    client, advisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, advisor.email.upper())
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    assert [message.to for message in mail.outbox] == [[advisor.email]]
    assert "http://testserver/password/reset/" in mail.outbox[0].body


def test_the_worker_sends_nothing_for_an_unknown_address(client, advisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "nobody@nowhere.example")
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_the_page_publishes_the_task_by_name(
    client, advisor, monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app

    published = []
    task = current_app.tasks["notifications.tasks.send_password_reset"]
    monkeypatch.setattr(task, "delay", lambda **kwargs: published.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/password/reset/", {"email": advisor.email})
    assert len(published) == 1
    assert published[0]["email"] == advisor.email
    assert published[0]["language"] == "en"
    assert (published[0]["domain"], published[0]["protocol"]) == ("testserver", "http")


def test_a_retried_task_sends_once(advisor, django_capture_on_commit_callbacks):
    params = {
        "email": advisor.email,
        "language": "",
        "domain": "testserver",
        "site_name": "testserver",
        "protocol": "https",
        "request_id": "abc123",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_services.send_password_reset(**params) == 1
        notification_services.send_password_reset(**params)
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert "https://testserver/password/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("state", ["inactive user", "inactive organisation", "unusable password"])
def test_the_worker_sends_nothing_to_people_who_cannot_sign_in(advisor, state):
    if state == "inactive user":
        advisor.is_active = False
    elif state == "inactive organisation":
        advisor.organisation.is_active = False
        advisor.organisation.save()
    else:
        advisor.set_unusable_password()
    advisor.save()
    sent = notification_services.send_password_reset(
        email=advisor.email,
        language="",
        domain="testserver",
        site_name="testserver",
        protocol="http",
        request_id="x",
    )
    assert sent == 0
