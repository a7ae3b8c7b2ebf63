"""`make run`: links point at the address it serves, no stray broker warning, and Ctrl-C ends it cleanly."""

import logging
import os
import runpy
import shutil
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from kombu import Connection

ROOT = Path(__file__).resolve().parents[2]


def make_dry_run(*args: str, **environment: str) -> list[str]:
    """The commands `make run` would run (`make -n`), without SITE_URL from the caller's environment."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}}
    env.update(environment)
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def line_running(lines: list[str], command: str) -> str:
    [line] = [line for line in lines if command in line]
    return line


@pytest.mark.skipif(
    (ROOT / ".env").exists() and "SITE_URL=" in (ROOT / ".env").read_text(), reason=".env sets SITE_URL"
)
def test_make_run_points_links_at_the_port_it_serves():
    lines = make_dry_run("PORT=8101")
    assert "SITE_URL='http://127.0.0.1:8101'" in line_running(lines, "manage.py seed_demo")
    server = line_running(lines, "bin/run-embedded")
    assert "PORT=8101" in server and "SITE_URL='http://127.0.0.1:8101'" in server
    # Listening on every interface, the links still name this machine.
    assert "SITE_URL='http://127.0.0.1:8000'" in line_running(make_dry_run("HOST=0.0.0.0"), "seed_demo")


def test_a_site_url_that_is_set_wins():
    lines = make_dry_run("PORT=8101", SITE_URL="https://exportcenter.example.org")
    assert "SITE_URL='https://exportcenter.example.org'" in line_running(lines, "manage.py seed_demo")


@pytest.mark.django_db
def test_seed_demo_prints_the_status_link_on_the_site_url(capsys, settings):
    settings.SITE_URL = "http://127.0.0.1:8101"
    call_command("seed_demo", "--allow-production")
    output = capsys.readouterr().out
    assert "An SME's status page: http://127.0.0.1:8101/status/" in output
    assert "127.0.0.1:8000" not in output


def test_the_embedded_broker_gives_no_hostname_warning(monkeypatch, caplog):
    """kombu warned "No hostname was supplied" on every task sent through `filesystem://`."""
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEBUG", "true")
    url = runpy.run_path(str(ROOT / "exportcenter" / "settings.py"))["CELERY_BROKER_URL"]
    assert url.startswith("filesystem://")
    with caplog.at_level(logging.WARNING, logger="kombu.connection"):
        Connection(url).info()
    assert "No hostname" not in caplog.text


FAKE_CELERY = """\
    #!/usr/bin/env bash
    trap 'echo stopped >> "$FAKE_LOG"; exit 0' TERM
    echo started >> "$FAKE_LOG"
    while true; do sleep 0.1; done
"""
# Like runserver when it ends with an error status on Ctrl-C: the script must still end with 0.
FAKE_SERVER = """\
    #!/usr/bin/env python3
    import sys, time
    print("serving", flush=True)
    try:
        while True:
            time.sleep(0.1)
    except KeyboardInterrupt:
        sys.exit(1)
"""


def _ctrl_c_as_in_a_terminal() -> None:
    """A shell started from a terminal has Ctrl-C at its default and unblocked. This test's process may
    not: a signal ignored or blocked here is ignored or blocked in the child too, and bash can neither trap
    nor reset a signal that was ignored when it started, so the server never saw Ctrl-C and this test hung
    for 20 s in two full runs (after other tests in the same xdist worker; alone it passed)."""
    for number in (signal.SIGINT, signal.SIGQUIT):
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGQUIT})


def _still_running(process, output, log) -> str:
    """What is left of the process group 20 s after Ctrl-C, for the failure message."""
    group = subprocess.run(
        ["ps", "-o", "pid,ppid,stat,etime,args", "-g", str(process.pid)], capture_output=True, text=True
    ).stdout
    status = Path(f"/proc/{process.pid}/status")  # the shell's blocked and ignored signals
    masks = status.read_text().splitlines() if status.exists() else []
    group += "".join(line + "\n" for line in masks if line.startswith(("SigBlk", "SigIgn")))
    os.killpg(process.pid, signal.SIGKILL)
    rest, _ = process.communicate()
    return (
        f"run-embedded did not stop within 20 s of Ctrl-C.\nProcess group:\n{group}\nOutput:\n"
        f"{''.join(output)}{rest}\nFake log: {log.read_text() if log.exists() else '(none)'}"
    )


def _start_run_embedded(env) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / "bin" / "run-embedded")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as in a terminal
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )


def test_ctrl_c_stops_the_server_and_the_worker_with_status_0(tmp_path):
    """Ctrl-C signals the whole foreground process group; `make run` printed "make: *** Error 1"."""
    fake_bin, log = tmp_path / "bin", tmp_path / "fake.log"
    fake_bin.mkdir()
    for name, script in (("celery", FAKE_CELERY), ("python", FAKE_SERVER)):
        (fake_bin / name).write_text(textwrap.dedent(script))
        (fake_bin / name).chmod(0o755)
    env = {**os.environ, "RUN_EMBEDDED_BIN": str(fake_bin), "FAKE_LOG": str(log), "PORT": "8101"}
    # Started from a process that ignores Ctrl-C, as an xdist worker may after another test: it is what
    # _ctrl_c_as_in_a_terminal must undo, every time rather than by the luck of the test order.
    ignored = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process = _start_run_embedded(env)
    finally:
        signal.signal(signal.SIGINT, ignored)
    try:
        output = []
        for line in process.stdout:
            output.append(line)
            if line.startswith("serving"):
                break
        deadline = time.monotonic() + 10
        while "started" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGINT)
        try:
            rest, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail(_still_running(process, output, log), pytrace=False)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, "".join(output) + rest
    assert "http://127.0.0.1:8101/" in "".join(output)
    assert log.read_text().split() == ["started", "stopped"]
