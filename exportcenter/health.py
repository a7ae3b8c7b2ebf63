"""Liveness and readiness probes for load balancers and orchestrators. Plain JSON, no sign-in.

* `/healthz` (liveness): the process answers. It touches nothing outside the process: no database, no
  Redis, no session.
* `/readyz` (readiness): the database is checked, and the broker (the URL Celery actually publishes to,
  `celery_app.conf.broker_url`) and the cache are reported. Only the checks named in READYZ_REQUIRE
  (default: database) make it answer 503; any other failing check makes it answer 200 with
  `"status": "degraded"`, because every page and the public form work without Redis (emails wait in the
  outbox, the rate limit lets requests through). Each check is bounded by READINESS_TIMEOUT_SECONDS.
  A 503 is logged as a warning, not as an error: it is the answer the probe exists to give.
"""

import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _check_database() -> None:
    timeout_ms = max(1, int(settings.READINESS_TIMEOUT_SECONDS * 1000))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = %s", [timeout_ms])
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _ping_redis(url: str) -> None:
    import redis

    timeout = settings.READINESS_TIMEOUT_SECONDS
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()


def broker_url() -> str:
    from exportcenter.celery import app

    return app.conf.broker_url or ""


def _check_broker() -> str | None:
    url = broker_url()
    if url.startswith(REDIS_SCHEMES):
        _ping_redis(url)
        return None
    if url.startswith("filesystem://"):
        return "not checked"  # the embedded setup: folders on this machine
    from kombu import Connection

    with Connection(url, connect_timeout=settings.READINESS_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, timeout=settings.READINESS_TIMEOUT_SECONDS)
    return None


def _cache_url() -> str:
    cache = settings.CACHES.get("default", {})
    if cache.get("BACKEND", "").endswith("RedisCache"):
        location = cache.get("LOCATION", "")
        return (location[0] if isinstance(location, list | tuple) else location.split(",")[0]).strip()
    return ""


def _check_cache() -> str | None:
    url = _cache_url()
    if not url:
        return "not checked"  # an in-process cache
    _ping_redis(url)
    return None


def readiness_checks() -> dict[str, callable]:
    return {"database": _check_database, "broker": _check_broker, "cache": _check_cache}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    required = {name.strip() for name in settings.READYZ_REQUIRE if name.strip()}
    results, failed = {}, []
    for name, check in readiness_checks().items():
        started = time.monotonic()
        try:
            note = check()
        except Exception as exc:  # any failure of a dependency is an answer, never a 500
            failed.append(name)
            results[name] = {
                "status": "down",
                "required": name in required,
                "error": exc.__class__.__name__,
                "ms": round((time.monotonic() - started) * 1000, 1),
            }
        else:
            results[name] = {
                "status": note or "ok",
                "required": name in required,
                "ms": round((time.monotonic() - started) * 1000, 1),
            }
    if any(name in required for name in failed):
        status, code = "unavailable", 503
    elif failed:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    response = JsonResponse({"status": status, "checks": results}, status=code)
    if failed:
        logger.warning("Readiness %s: %s down.", status, ", ".join(failed))
        response._has_been_logged = (
            True  # an expected answer: not django.request's ERROR "Service Unavailable"
        )
    return response
