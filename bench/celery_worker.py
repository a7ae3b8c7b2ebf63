"""A Celery worker beside gunicorn during the load, as in production (bench/pages.py).

The pages hand work to it: the dashboards' figures after a change (`dashboards.tasks.refresh_summary`),
their daily facts, the form's emails (to `dummymail://`). Without one, that work would pile up in the
queue and the dashboards would show the figures from before the load's first change. One process
(`--pool solo`): on a two-CPU machine it takes its share of the CPU from the web workers, as it would.

What it writes is undone afterwards like the submissions (bench/leftovers.py): the daily facts of the
days of the load are rebuilt from the requests that remain.
"""

import os
import signal
import subprocess
from pathlib import Path


def start(venv_bin: Path, env: dict, root: Path, log_path: Path) -> subprocess.Popen:
    """Start the worker on the server's database, cache and broker; its queue is emptied first (tasks left
    by an earlier run or by the set-up are not this load's work)."""
    subprocess.run(  # noqa: S603
        [str(venv_bin / "celery"), "-A", "exportcenter", "purge", "-f"],
        env=env,
        cwd=root,
        check=False,
        capture_output=True,
    )
    return subprocess.Popen(  # noqa: S603
        [
            *(str(venv_bin / "celery"), "-A", "exportcenter", "worker"),
            *("--pool", "solo", "--concurrency", "1", "--loglevel", "WARNING"),
            *("--without-mingle", "--without-gossip", "--without-heartbeat"),
        ],
        env=env,
        cwd=root,
        start_new_session=True,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )


def stop(worker: subprocess.Popen | None) -> None:
    """Warm shutdown (the task at hand is finished), killed after 30 s."""
    if worker is None:
        return
    try:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(worker.pid, signal.SIGKILL)
