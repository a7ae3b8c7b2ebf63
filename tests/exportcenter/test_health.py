import logging
import os
import time

import pytest
from django.db import OperationalError, connection

from exportcenter.celery import app as celery_app
from tests.faults import frozen_listener

TIMEOUT = 0.5


@pytest.fixture
def broker_url():
    """Set the URL Celery publishes to (what /readyz must check); restored afterwards."""
    original = celery_app.conf.broker_url

    def use(url):
        celery_app.conf.broker_url = url

    yield use
    celery_app.conf.broker_url = original


@pytest.fixture
def quick(settings):
    settings.READINESS_TIMEOUT_SECONDS = TIMEOUT
    settings.READYZ_REQUIRE = ["database"]
    return settings


def redis_cache(url):
    return {"default": {"BACKEND": "exportcenter.redis_cache.RedisCache", "LOCATION": url}}


@pytest.mark.django_db
def test_healthz_is_alive_without_touching_dependencies(client, quick, broker_url, django_assert_num_queries):
    with frozen_listener() as port:
        quick.CACHES = redis_cache(f"redis://127.0.0.1:{port}/0")
        broker_url(f"redis://127.0.0.1:{port}/0")
        started = time.monotonic()
        with django_assert_num_queries(0):
            response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert elapsed < TIMEOUT  # it did not wait for the hung Redis even once


@pytest.mark.django_db
def test_readyz_checks_the_database(client, quick):
    quick.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"] == {
        "status": "ok",
        "required": True,
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["cache"]["status"] == "not checked"


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_unreachable_and_says_so_without_an_error_log(
    client, quick, monkeypatch, caplog
):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    with caplog.at_level(logging.INFO):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"]["status"] == "down"
    assert response.json()["checks"]["database"]["error"] == "OperationalError"
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert any(
        record.levelno == logging.WARNING and "database" in record.getMessage() for record in caplog.records
    )


@pytest.mark.django_db
def test_readyz_reports_a_hung_broker_as_degraded_within_the_timeout(client, quick, broker_url, caplog):
    """The URL Celery uses is checked (not REDIS_URL), and a frozen broker is degraded, not a 503."""
    quick.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    quick.REDIS_URL = os.environ.get("REDIS_URL", "")
    with frozen_listener() as port:
        broker_url(f"redis://127.0.0.1:{port}/0")
        started = time.monotonic()
        with caplog.at_level(logging.INFO):
            response = client.get("/readyz")
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["status"] == "down"
    assert body["checks"]["broker"]["required"] is False
    assert body["checks"]["database"]["status"] == "ok"
    assert elapsed < 3 * TIMEOUT
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_readyz_reports_a_hung_cache_as_degraded(client, quick, broker_url):
    broker_url("filesystem://localhost/")
    with frozen_listener() as port:
        quick.CACHES = redis_cache(f"redis://127.0.0.1:{port}/0")
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"]["status"] == "down"
    assert elapsed < 3 * TIMEOUT


@pytest.mark.django_db
def test_readyz_fails_on_the_broker_when_a_setting_requires_it(client, quick, broker_url):
    quick.READYZ_REQUIRE = ["database", "broker"]
    quick.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    broker_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["broker"] == {
        "status": "down",
        "required": True,
        "error": "ConnectionError",
        "ms": response.json()["checks"]["broker"]["ms"],
    }


@pytest.mark.django_db
def test_readyz_checks_a_live_redis_as_broker_and_cache(client, quick, broker_url):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: no Redis to check against")
    broker_url(url)
    quick.CACHES = redis_cache(url)
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["broker"]["status"] == body["checks"]["cache"]["status"] == "ok"
