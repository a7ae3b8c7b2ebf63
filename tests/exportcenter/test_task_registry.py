"""Services publish Celery tasks by name (so a services module never imports the tasks module that imports
it). The names must be registered as soon as Django has started, in any process: web, worker or shell."""

import os
import subprocess
import sys

from django.conf import settings

PUBLISHED = [
    "notifications.tasks.deliver_email",
    "notifications.tasks.deliver_emails",
    "notifications.tasks.send_reminders",
]


def test_the_tasks_that_services_publish_by_name_are_registered_at_start_up():
    script = (
        "import django; django.setup(); from celery import current_app; "
        f"missing = [name for name in {PUBLISHED!r} if name not in current_app.tasks]; "
        "print(missing); raise SystemExit(1 if missing else 0)"
    )
    done = subprocess.run(  # a fresh process: nothing else has imported the tasks modules
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "exportcenter.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
