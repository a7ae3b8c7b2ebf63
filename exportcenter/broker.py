"""Publishing a Celery task from a web request, bounded.

Publishing runs after commit inside web requests, so it must never hang them: the broker's socket timeouts
and publish retry policy (settings REDIS_TIMEOUT_SECONDS, BROKER_PUBLISH_RETRIES) bound one attempt, and
after one failure this process does not try the broker again for BROKER_BACKOFF_SECONDS, so that a hung
broker costs one request one timeout, not every request every time. Each caller says what happens to work
that could not be handed over (the outbox's sweep sends its emails; the dashboards refresh inline).
"""

import time

from django.conf import settings
from kombu.exceptions import OperationalError as KombuOperationalError

BROKER_ERRORS = (KombuOperationalError, OSError)  # what a failed publish raises (connection, timeout)
down_until = {"at": 0.0}  # per process: after a failed publish, skip the broker until then


def publish(task, *args) -> bool:
    """Hand `task(*args)` to the broker. False when it was not: the broker is down (now or a moment ago),
    or an eager task (tests, CELERY_TASK_ALWAYS_EAGER) failed."""
    eager = task.app.conf.task_always_eager  # no broker at all
    if not eager and time.monotonic() < down_until["at"]:
        return False
    try:
        task.delay(*args)
    except Exception as exc:  # broker unreachable or hung, or the eager task's own error
        if not eager and isinstance(exc, BROKER_ERRORS):
            down_until["at"] = time.monotonic() + settings.BROKER_BACKOFF_SECONDS
        return False
    return True
