"""A real Celery worker on Redis, killed with SIGKILL in the middle of a reminder sweep, loses nothing and
repeats nothing.

The fixture starts `celery worker --pool=solo` (one process: SIGKILL kills the task with it) on its own
Redis queue, against the test's PostgreSQL database, with the file email backend. The sweep of 1,200
due follow-ups (12 chunks) is queued; when part of the ledger is written, the worker is killed (the moment a
chunk's commit becomes visible: right between the commit and the queueing of its emails). A new worker,
with its beat, runs the sweep again (as the next scheduled run would) and the outbox sweep. Then every
reminder is in the ledger once, has one notification and one sent email, and the mailbox holds exactly one
message per reminder.

Needs PostgreSQL and Redis (CI sets DATABASE_URL and REDIS_URL); skipped with the reason otherwise.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from advisors.models import User
from notifications.models import Notification, OutboundEmail, Reminder
from outreach.models import FollowUp
from outreach.services import remind_on
from tests.factories import CompanyFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
ROWS = 1200  # 12 chunks of 100: the kill comes after the third, with nine still to write
OWNERS = 30
DUE = date(2026, 11, 24)


def _redis(url):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("needs Redis for a real worker: set REDIS_URL (CI does)")
    if not settings.USING_POSTGRES:
        pytest.skip("needs PostgreSQL for concurrent writers: set DATABASE_URL=postgres://… (CI does)")
    try:
        _redis(url).ping()
    except Exception as error:  # pragma: no cover - depends on the machine
        pytest.skip(f"Redis at {url} is not reachable: {error}")
    return url


@pytest.fixture
def worker_env(redis_url, tmp_path):
    """The environment of the worker: this test's database, a queue of its own, mail to files."""
    queue = f"test-reminders-{uuid.uuid4().hex[:10]}"
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "EMAIL_"))
    }
    env.update(
        DEBUG="true",
        DATABASE_URL=(
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        DB_CONN_MAX_AGE="0",
        REDIS_URL=redis_url,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        EMAIL_URL="filemail://",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        REMINDER_CHUNK_SIZE="100",
        OUTBOX_FLUSH_INTERVAL_SECONDS="1",
    )
    yield env, queue
    _forget_queue(redis_url, queue)


def _forget_queue(url, queue):
    """Remove this test's queue, bindings and unacknowledged messages (the killed worker's) from Redis."""
    client = _redis(url)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    for tag, payload in client.hscan_iter("unacked"):
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


class Worker:
    def __init__(self, env, queue, log: Path, *, beat=False):
        self.log = log
        self.log_file = log.open("w")
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "exportcenter",
                "worker",
                *(["-B"] if beat else []),
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log_file.close()

    def output(self) -> str:
        return self.log.read_text()[-4000:]


def wait_for(predicate, timeout, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def sweep(queue):
    from exportcenter.celery import app

    app.send_task(
        "notifications.tasks.sweep_reminders",
        kwargs={"kind": "follow_up_due", "run_date": DUE.isoformat()},
        queue=queue,
    )


def mailbox(folder: Path) -> list[tuple[str, str]]:
    """(Message-ID, decoded subject) of every message the file backend wrote (79 dashes end each one)."""
    messages = []
    for path in sorted(folder.iterdir()) if folder.exists() else []:
        for raw in path.read_bytes().split(b"-" * 79):
            if raw.strip():
                message = message_from_bytes(raw.strip())
                messages.append((message["Message-ID"], str(make_header(decode_header(message["Subject"])))))
    return messages


@pytest.fixture
def due_follow_ups(reference_data, organisation):
    owners = [UserFactory(email=f"advisor{n}@almi.example", organisation=organisation) for n in range(OWNERS)]
    company = CompanyFactory(name="Krasch och Återstart AB")
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                owner=owners[n % OWNERS],
                organisation=organisation,
                company=company,
                description=f"Uppföljning {n:05d}",
                due_on=DUE,
                remind_on=remind_on(DUE),
            )
            for n in range(ROWS)
        ],
        batch_size=1000,
    )
    User.objects.filter(pk__in=[o.pk for o in owners[::2]]).update(preferred_language="en")
    return {(f.owner_id, f.pk) for f in FollowUp.objects.all()}


def test_a_worker_killed_mid_sweep_loses_no_reminder_and_repeats_none(worker_env, due_follow_ups, tmp_path):
    env, queue = worker_env
    first = Worker(env, queue, tmp_path / "worker-1.log")
    second = None
    try:
        sweep(queue)
        started = wait_for(lambda: Reminder.objects.count() >= ROWS // 4, timeout=60)
        assert started, f"the sweep did not get going; worker log:\n{first.output()}"
        first.kill()
        written_at_kill = Reminder.objects.count()
        assert written_at_kill < ROWS, "the sweep finished before the kill: nothing was tested"

        # The restarted worker runs with its beat, as `make run` does: the outbox sweep sends what the
        # crash left between a chunk's commit and the queueing of its delivery.
        second = Worker(env, queue, tmp_path / "worker-2.log", beat=True)
        sweep(queue)  # the next run of the reminder sweep after the crash
        done = wait_for(
            lambda: (
                Reminder.objects.count() == ROWS
                and OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == ROWS
            ),
            timeout=90,
            interval=0.2,
        )
        assert done, (
            f"{Reminder.objects.count()} of {ROWS} reminders, "
            f"{OutboundEmail.objects.filter(status='sent').count()} emails sent; "
            f"worker log:\n{second.output()}"
        )
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.stop()

    # Every reminder exactly once: in the ledger, in the app, in the outbox, in the mailbox.
    ledger = list(Reminder.objects.values_list("recipient_id", "target_id"))
    assert len(ledger) == ROWS and set(ledger) == due_follow_ups
    assert Notification.objects.count() == ROWS
    assert Counter(Notification.objects.values_list("key", flat=True)).most_common(1)[0][1] == 1
    assert OutboundEmail.objects.count() == ROWS
    messages = mailbox(tmp_path / "mail")
    ids = Counter(message_id for message_id, _subject in messages)
    assert len(messages) == ROWS, f"{len(messages)} messages in the mailbox for {ROWS} reminders"
    assert ids.most_common(1)[0][1] == 1, f"sent twice: {[mid for mid, n in ids.items() if n > 1][:5]}"
    subjects = Counter(re.search(r"Uppföljning \d{5}", subject).group() for _mid, subject in messages)
    assert len(subjects) == ROWS and subjects.most_common(1)[0][1] == 1
    assert written_at_kill > 0
