"""Tasks published by name (`exportcenter.celery.task_named`) in a process that never imported their module.

A web worker imports only the `tasks` modules some code imported; Celery imports the rest in a worker. The
pages benchmark at 1M met a 500 on the dashboard after a gunicorn start: `NotRegistered:
dashboards.tasks.refresh_summary`. A fresh interpreter stands for that worker (the test process has
imported every tasks module long ago).
"""

import subprocess
import sys

from django.conf import settings

PROBE = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcenter.settings")
import django
django.setup()
from celery import current_app
from exportcenter.celery import task_named
for name in sys.argv[1:]:
    module = name.rsplit(".", 1)[0]
    before = module in sys.modules or name in current_app.tasks
    print(name, before, task_named(name).name == name)
"""

BY_NAME = [
    "dashboards.tasks.refresh_summary",  # dashboards/cache.py
    "notifications.tasks.send_password_reset",  # advisors/password_reset.py
    "notifications.tasks.deliver_emails",  # notifications/services.py
]


def test_a_task_is_found_by_name_in_a_process_that_never_imported_its_module():
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *BY_NAME],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = {}
    for line in result.stdout.splitlines():  # the probe's lines, whatever else start-up prints
        name, _space, answer = line.partition(" ")
        if name in BY_NAME:
            lines[name] = answer
    # The dashboards' task was not registered at start-up (the case that failed), and every one is found.
    assert lines["dashboards.tasks.refresh_summary"] == "False True"
    assert {name: answer.endswith("True") for name, answer in lines.items()} == dict.fromkeys(BY_NAME, True)
