"""The embedded default (`make run`): no Redis, yet a real worker and beat run the jobs.

Starts `celery worker -B --pool=solo` on kombu's filesystem transport against a SQLite file, as
bin/run-embedded does, and checks that a queued task and a periodic (beat) task both run.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CELERY = str(Path(PYTHON).with_name("celery"))


def manage(env, *args):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def environment(folder):
    """The environment of `make run`'s embedded setup, with its files (database, broker, mail) in `folder`."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "EMAIL_"))
    }
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        CELERY_BROKER_DIR=str(folder / "broker"),
        EMAIL_URL="filemail://",
        EMAIL_FILE_PATH=str(folder / "mail"),
        OUTBOX_FLUSH_INTERVAL_SECONDS="2",
    )
    return env


@pytest.fixture
def embedded_env(tmp_path, migrated_sqlite):
    """`migrated_sqlite` (tests/conftest.py) is migrated once per session; each test works on a copy."""
    shutil.copyfile(migrated_sqlite, tmp_path / "db.sqlite3")
    return environment(tmp_path)


def sent_mail(tmp_path):
    folder = tmp_path / "mail"
    return [p.read_text() for p in folder.iterdir()] if folder.exists() else []


def test_worker_and_beat_run_jobs_without_redis(embedded_env, tmp_path):
    # 1. A task queued on commit goes through the filesystem broker.
    manage(
        embedded_env,
        "shell",
        "-c",
        "from notifications.services import queue_email; "
        "queue_email(to='a@company.example', subject='Queued', body_text='via the broker', key='queued')",
    )
    assert list((tmp_path / "broker" / "queue").iterdir()), (
        "the task message should wait in the broker folder"
    )
    # 2. An email left pending without a task (as after a broker outage) is for beat's periodic sweep.
    manage(
        embedded_env,
        "shell",
        "-c",
        "from notifications.models import OutboundEmail; "
        "OutboundEmail.objects.create(to='b@company.example', subject='Swept', body_text='by beat')",
    )

    worker = subprocess.Popen(
        [
            CELERY,
            "-A",
            "exportcenter",
            "worker",
            "-B",
            "--pool=solo",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        delivered = wait_until(lambda: len(sent_mail(tmp_path)) >= 2, timeout=60, interval=0.1)
    finally:
        worker.terminate()
        try:
            output = worker.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0]
    assert delivered, f"the worker did not deliver both emails; worker log:\n{output[-3000:]}"
    mails = "\n".join(sent_mail(tmp_path))
    assert "Subject: Queued" in mails and "Subject: Swept" in mails
    assert "notifications.tasks.flush_outbox" in output  # sent by beat
    status = manage(
        embedded_env,
        "shell",
        "-c",
        "from notifications.models import OutboundEmail as E; "
        "print(sorted(E.objects.values_list('status', flat=True)))",
    )
    assert status.strip().splitlines()[-1] == "['sent', 'sent']"


def test_beat_schedule_is_editable_in_the_database(embedded_env):
    from django_celery_beat.schedulers import DatabaseScheduler  # noqa: F401 - the configured scheduler exists

    output = manage(
        embedded_env,
        "shell",
        "-c",
        "from exportcenter.celery import app; from django_celery_beat.schedulers import DatabaseScheduler; "
        "DatabaseScheduler(app=app); from django_celery_beat.models import PeriodicTask; "
        "print(list(PeriodicTask.objects.values_list('name', 'task')))",
    )
    assert "('flush-email-outbox', 'notifications.tasks.flush_outbox')" in output


if shutil.which(CELERY) is None and not Path(CELERY).exists():  # pragma: no cover - broken install
    pytest.skip("celery executable not found next to the interpreter", allow_module_level=True)
