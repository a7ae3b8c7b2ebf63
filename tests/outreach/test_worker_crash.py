"""A real Celery worker on Redis, killed as a whole (SIGKILL to its process group: the main process, both pool
processes and its beat) in the middle of a reminder sweep, and then Redis restarted without persistence, so
that the broker has lost the chunks the worker had taken and those still queued. The hourly catch-up sweep,
published as beat publishes it, sends every reminder that is still unsent, exactly once, within a time bound
the test measures.

The worker runs `celery worker -B --pool=prefork --concurrency=2` (as `make run`) in a session of its own,
against a private `redis-server` on a free loopback port (the shared Redis is never restarted; the test is
xdist-safe) and the test's PostgreSQL database, with the file email backend. 1,200 follow-ups (12 chunks of
100) are due on the previous working day: that day's sweep is published; when part of the ledger is written
the worker is killed. Without the catch-up they would be lost for good (the next day's sweep selects only its
own day and the REMINDER_CATCH_UP_DAYS before it, and the broker has forgotten the chunks).

Needs PostgreSQL, Redis and `redis-server` (CI has them); skipped with the reason otherwise.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
import warnings
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from advisors.models import User
from exportcenter.workdays import previous_working_day
from notifications import reminders
from notifications.models import Notification, OutboundEmail, Reminder
from outreach.models import FollowUp
from outreach.reminder_kinds import Kind
from tests.factories import CompanyFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
ROWS = 1200  # 12 chunks of 100: the kill comes after about a quarter of them
CHUNK = 100
OWNERS = 30
# From the catch-up's publication to the last reminder's email marked sent. The production bound is the
# catch-up interval (an hour: REMINDER_CATCH_UP_HOURS / _MINUTE) plus this.
CATCH_UP_BOUND = 45.0


def _redis(url):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A `redis-server` of this test's own, without persistence: a restart forgets every message."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                if _redis(self.url).ping():
                    return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def restart(self):
        """Kill it (SIGKILL: no shutdown save either) and start an empty one on the same port."""
        self.process.kill()
        self.process.wait(timeout=10)
        self.start()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    if not settings.USING_POSTGRES:
        pytest.skip("needs PostgreSQL for concurrent writers: set DATABASE_URL=postgres://… (CI does)")
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server for a private broker that can be restarted")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = PrivateRedis(folder)
    yield server
    server.stop()


@pytest.fixture
def worker_env(private_redis, tmp_path):
    """The environment of the worker: this test's database and Redis, mail to files."""
    queue = f"test-reminders-{uuid.uuid4().hex[:10]}"
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "EMAIL_", "REMINDER_"))
    }
    env.update(
        DEBUG="true",
        DATABASE_URL=(
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        DB_CONN_MAX_AGE="0",
        REDIS_URL=private_redis.url,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        EMAIL_URL="filemail://",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        REMINDER_CHUNK_SIZE=str(CHUNK),
        OUTBOX_FLUSH_INTERVAL_SECONDS="1",
    )
    return env, queue


class Worker:
    """`celery worker -B` with two pool processes, in a session (and process group) of its own."""

    def __init__(self, env, queue, log: Path):
        self.log = log
        self.log_file = log.open("w")
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "exportcenter",
                "worker",
                "-B",
                "--pool=prefork",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--schedule",
                str(log.with_suffix(".beat")),
                "-Q",
                queue,
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.group = self.process.pid

    def members(self) -> list[int]:
        """The live processes of the worker's process group (from /proc)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[2]) == self.group and fields[0] != "Z":
                    found.append(int(entry.name))
        return found

    def kill(self):
        """SIGKILL the whole worker: the main process, its pool processes and its beat."""
        os.killpg(self.group, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.group, signal.SIGKILL)  # whatever is left of this worker's own group
        self.process.wait(timeout=10)
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


def publish(url, queue, name, **options):
    """Publish a task to the private broker, as beat or the scheduled sweep does."""
    from celery.exceptions import AlwaysEagerIgnored

    from exportcenter.celery import app

    with app.connection_for_write(url) as connection, warnings.catch_warnings():
        warnings.simplefilter("ignore", AlwaysEagerIgnored)  # the tests run eagerly; this goes to the worker
        app.send_task(name, queue=queue, connection=connection, **options)


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
def due_day():
    """The previous working day: its morning's sweep is the one the crash interrupts."""
    day = previous_working_day(timezone.localdate() - timedelta(days=1))
    assert reminders.catch_up_date(reminders.kind_for(Kind.FOLLOW_UP_DUE)) >= day
    return day


@pytest.fixture
def due_follow_ups(reference_data, organisation, due_day):
    owners = [UserFactory(email=f"advisor{n}@almi.example", organisation=organisation) for n in range(OWNERS)]
    company = CompanyFactory(name="Krasch och Återstart AB")
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                owner=owners[n % OWNERS],
                organisation=organisation,
                company=company,
                description=f"Uppföljning {n:05d}",
                due_on=due_day,
                remind_on=due_day,
            )
            for n in range(ROWS)
        ],
        batch_size=1000,
    )
    User.objects.filter(pk__in=[o.pk for o in owners[::2]]).update(preferred_language="en")
    return {(f.owner_id, f.pk) for f in FollowUp.objects.all()}


# What this test counts: the follow-up reminders. On a Monday the catch-up also sends the weekly digest
# (outreach/reminder_kinds.py) to the same advisors, which would change every total on that day only.
KEY = f"reminder:{Kind.FOLLOW_UP_DUE.value}:"


def ledger():
    return Reminder.objects.filter(kind=Kind.FOLLOW_UP_DUE)


def outbox():
    return OutboundEmail.objects.filter(key__startswith=KEY)


def sent() -> int:
    return outbox().filter(status=OutboundEmail.Status.SENT).count()


def test_a_whole_worker_killed_mid_sweep_and_a_redis_restart_lose_nothing_after_the_catch_up(
    worker_env, private_redis, due_follow_ups, due_day, tmp_path
):
    env, queue = worker_env
    first = Worker(env, queue, tmp_path / "worker-1.log")
    second = None
    try:
        publish(
            private_redis.url,
            queue,
            "notifications.tasks.sweep_reminders",
            kwargs={"kind": Kind.FOLLOW_UP_DUE.value, "run_date": due_day.isoformat()},
        )
        started = wait_for(lambda: ledger().count() >= ROWS // 4, timeout=60)
        assert started, f"the sweep did not get going; worker log:\n{first.output()}"
        assert len(first.members()) >= 4, "expected the main process, two pool processes and beat"
        first.kill()
        assert wait_for(lambda: not first.members(), timeout=10), "a process of the worker survived"
        written_at_kill = ledger().count()
        assert 0 < written_at_kill < ROWS, "the sweep finished before the kill: nothing was tested"

        # Redis restarts without persistence: the queued chunks and the ones the worker held are gone.
        private_redis.restart()
        assert _redis(private_redis.url).dbsize() == 0

        second = Worker(env, queue, tmp_path / "worker-2.log")
        assert wait_for(lambda: "ready." in second.log.read_text(), timeout=30), second.output()
        time.sleep(2)  # the restarted worker alone sends no reminder: the broker forgot them
        assert ledger().count() == written_at_kill

        # The hourly catch-up, published as beat publishes it (its schedule entry's task and options).
        entry = settings.CELERY_BEAT_SCHEDULE["reminders-catch-up"]
        published_at = time.monotonic()
        publish(private_redis.url, queue, entry["task"], kwargs=entry.get("kwargs", {}), **entry["options"])
        done = wait_for(
            lambda: ledger().count() == ROWS and sent() == ROWS,
            timeout=CATCH_UP_BOUND,
            interval=0.1,
        )
        recovered_in = time.monotonic() - published_at
        assert done, (
            f"{ledger().count()} of {ROWS} reminders, {sent()} emails sent "
            f"{recovered_in:.1f} s after the catch-up; worker log:\n{second.output()}"
        )
        print(
            f"killed at {written_at_kill}/{ROWS} reminders; recovered {recovered_in:.1f} s after the catch-up"
        )
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.stop()

    # Every reminder exactly once: in the ledger (for its own day), in the app and in the outbox.
    rows = list(ledger().values_list("recipient_id", "target_id"))
    assert len(rows) == ROWS and set(rows) == due_follow_ups
    assert set(ledger().values_list("occurrence", flat=True)) == {due_day}
    notifications = Notification.objects.filter(kind=Kind.FOLLOW_UP_DUE)
    assert notifications.count() == ROWS
    assert Counter(notifications.values_list("key", flat=True)).most_common(1)[0][1] == 1
    assert outbox().count() == ROWS
    # The mail server got every reminder. The outbox delivers at least once: a delivery the kill cut short
    # (accepted by the server, not yet marked sent) is sent again with the same Message-ID, so a repeat is
    # possible only for the emails in flight at the kill (at most a batch per pool process).
    messages = mailbox(tmp_path / "mail")
    messages = [(mid, subject) for mid, subject in messages if re.search(r"Uppföljning \d{5}", subject)]
    subjects = Counter(re.search(r"Uppföljning \d{5}", subject).group() for _mid, subject in messages)
    assert len(subjects) == ROWS
    repeated = sum(n - 1 for n in Counter(mid for mid, _subject in messages).values())
    assert repeated == len(messages) - ROWS <= 2 * CHUNK
    print(f"{len(messages)} messages in the mailbox, {repeated} repeated Message-IDs")
