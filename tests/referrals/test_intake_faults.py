"""Faults under the public form, injected for real: a hung (frozen) Redis as broker and cache.

The SME always gets the confirmation page within a short bound, the request is saved once, and its
emails wait in the outbox until the sweep sends each exactly once.
"""

import threading
import time
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from kombu import pools as kombu_pools

from exportcenter.celery import app as celery_app
from notifications import services as outbox
from notifications.models import OutboundEmail
from referrals import abuse, services
from referrals.models import AdviceRequest
from tests.faults import frozen_listener, private_redis

pytestmark = pytest.mark.django_db(transaction=True)  # after-commit publishing runs for real

TIMEOUT = 1.0  # the Redis socket timeouts under test
BOUND = 10.0  # the most a form submission may take with a hung broker and cache


def started_long_ago(seconds=120) -> str:
    with mock.patch("django.core.signing.time.time", return_value=time.time() - seconds):
        return abuse.new_started_token()


def form_data(need_categories, **overrides) -> dict:
    data = {
        "org_number": "556677-8899",
        "company_name": "Knivsta Konsult AB",
        "municipality": "0330",
        "website": "konsult.example",
        "employee_band": "5-9",
        "sells": "services",
        "export_experience": "never",
        "export_countries": ["NO"],
        "needs": [str(need.pk) for need in need_categories[:2]],
        "target_markets": ["DE"],
        "description": "We want to sell consulting services in Germany.",
        "contact_name": "Karin Berg",
        "contact_email": "karin@konsult.example",
        "contact_phone": "070-123 45 67",
        "language": "en",
        "preferred_contact_method": "email",
        "privacy_confirmed": "on",
        "submission_id": uuid.uuid4().hex,
        "started": started_long_ago(),
        "homepage": "",
    }
    data.update(overrides)
    return data


def use_broker(url: str) -> None:
    """Point the Celery app (what `task.delay` publishes through) at `url`, dropping pooled connections."""
    pool, celery_app._pool = celery_app._pool, None
    celery_app.amqp._producer_pool = None
    if pool is not None:
        pool.force_close_all()
    # kombu keeps a producer pool per broker URL, process-wide: once the URL is restored, the one made
    # before would hand out connections of the pool closed above ("Acquire on closed pool"), and every
    # later publish in this process, eager ones included, would fail.
    kombu_pools.reset()
    celery_app.conf.broker_url = url


@pytest.fixture
def broker_restored(settings):
    original_url, original_options = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    original_eager = celery_app.conf.task_always_eager
    settings.REDIS_TIMEOUT_SECONDS = TIMEOUT
    celery_app.conf.broker_transport_options = {
        **(original_options or {}),
        "socket_timeout": TIMEOUT,
        "socket_connect_timeout": TIMEOUT,
    }
    celery_app.conf.broker_connection_timeout = TIMEOUT
    outbox._broker_down_until["at"] = 0.0
    yield
    use_broker(original_url)
    celery_app.conf.broker_transport_options = original_options
    celery_app.conf.task_always_eager = original_eager  # a test's own override of the setting ends with it
    outbox._broker_down_until["at"] = 0.0


def frozen_cache(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "exportcenter.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/7",
            "OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
        }
    }


def test_a_hung_broker_and_cache_never_stall_the_form_and_nothing_is_lost_or_doubled(
    client, settings, broker_restored, operator, need_categories
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with frozen_listener() as port:
        settings.CACHES = frozen_cache(port)
        use_broker(f"redis://127.0.0.1:{port}/7")
        started = time.monotonic()
        response = client.post("/en/help-me-export/", form_data(need_categories))
        elapsed = time.monotonic() - started
        caches["default"].close()
    try:
        assert response.status_code == 302, response.status_code
        assert "/help-me-export/sent/" in response["Location"]
        assert elapsed < BOUND, f"the form took {elapsed:.1f} s with a hung Redis"
        assert client.get(response["Location"]).status_code == 200  # the confirmation page
        assert AdviceRequest.objects.count() == 1
        waiting = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        assert waiting.count() == 2  # confirmation to the SME and the triage email, both in the outbox
        assert mail.outbox == []
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER

    # Redis is back (a private one): the outbox sweep delivers each email exactly once.
    with private_redis() as url:
        use_broker(url)
        outbox._broker_down_until["at"] = 0.0
        celery_app.tasks["notifications.tasks.flush_outbox"].apply()
        celery_app.tasks["notifications.tasks.flush_outbox"].apply()  # a second sweep sends nothing again
    assert len(mail.outbox) == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        OutboundEmail.objects.values_list("to", flat=True)
    )
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exists()


def test_after_one_failed_publish_the_process_leaves_the_broker_alone_for_a_while(
    settings, broker_restored, transactional_db
):
    """Two emails after one commit with a hung broker cost one timeout, not two."""
    celery_app.conf.task_always_eager = False
    try:
        with frozen_listener() as port:
            use_broker(f"redis://127.0.0.1:{port}/7")
            started = time.monotonic()
            from django.db import transaction

            with transaction.atomic():
                for number in range(3):
                    outbox.queue_email(to=f"p{number}@example.com", subject="Hi", body_text="Hello")
            elapsed = time.monotonic() - started
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 3
    # One publish (with its one bounded retry) waits; the next two are skipped at once.
    assert elapsed < 4 * TIMEOUT, f"three emails took {elapsed:.1f} s"
    assert outbox._broker_down_until["at"] > time.monotonic()


def test_every_redis_client_of_a_web_request_has_short_timeouts(settings):
    """The configuration the tests above rely on: the broker and the cache never wait unbounded."""
    assert 0 < settings.REDIS_TIMEOUT_SECONDS <= 5
    if settings.CELERY_BROKER_URL.startswith("redis"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        assert (
            options["socket_timeout"] == options["socket_connect_timeout"] == settings.REDIS_TIMEOUT_SECONDS
        )
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT == settings.REDIS_TIMEOUT_SECONDS
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] <= 2
    assert celery_app.conf.task_publish_retry_policy == settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    if settings.REDIS_URL:
        redis_options = settings.CACHES["default"]["OPTIONS"]
        assert (
            redis_options["socket_timeout"]
            == redis_options["socket_connect_timeout"]
            == settings.REDIS_TIMEOUT_SECONDS
        )


# --- Resubmitting after an error never creates a second request ---------------------------------------------


def test_sending_the_form_again_with_a_new_submission_id_is_the_same_request(
    client, settings, operator, need_categories
):
    """The SME saw an error page, reloaded the form (a new submission id) and sent the same thing again."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    caches["default"].clear()  # this worker's own cache: no rate-limit counts from earlier tests
    first = client.post("/en/help-me-export/", form_data(need_categories))
    again = client.post(
        "/en/help-me-export/",
        form_data(need_categories, description="  we want to sell consulting services in  Germany. "),
    )
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]  # the same confirmation page
    assert AdviceRequest.objects.count() == 1
    assert OutboundEmail.objects.count() == 2  # no second confirmation, no second triage email

    # Another text is another request; so is the same text after the window.
    other = client.post(
        "/en/help-me-export/", form_data(need_categories, description="We need help with Japan.")
    )
    assert other["Location"] != first["Location"]
    assert AdviceRequest.objects.count() == 2
    AdviceRequest.objects.update(
        created_at=timezone.now() - timedelta(seconds=settings.INTAKE_DUPLICATE_WINDOW_SECONDS + 1)
    )
    client.post("/en/help-me-export/", form_data(need_categories))
    assert AdviceRequest.objects.count() == 3


@pytest.mark.postgres  # row locks: SQLite locks the whole database for a writer
def test_concurrent_submissions_of_the_same_request_create_one(settings, make_submission, operator):
    """Two submits at the same moment, each with its own submission id (two tabs, or a resend while the first
    was still running): one request, one set of emails."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    submissions = [make_submission(idempotency_key=uuid.uuid4().hex) for _ in range(4)]
    barrier = threading.Barrier(len(submissions))
    results, errors = [], []

    def submit(submission):
        try:
            barrier.wait(timeout=10)
            results.append(services.submit_request(submission=submission).pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(submission,)) for submission in submissions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(set(results)) == 1 and len(results) == len(submissions)
    assert AdviceRequest.objects.count() == 1
    assert OutboundEmail.objects.count() == 2
