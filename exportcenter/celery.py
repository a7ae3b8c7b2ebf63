"""The Celery application. Broker: Redis when REDIS_URL is set, else kombu's filesystem transport."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcenter.settings")

app = Celery("exportcenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def task_named(name: str):
    """A registered task by its name, for a module that the task's own module imports (no import cycle).

    Celery imports the apps' `tasks` modules in a worker, at start-up; a web process has only those some
    other code imported. So a name not yet registered has every app's tasks imported first (once: then all
    are registered): without it, the first dashboard viewer after a gunicorn start could get a 500
    (`NotRegistered: dashboards.tasks.refresh_summary`, seen in the pages benchmark at 1M)."""
    from celery import current_app

    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


@app.on_after_configure.connect
def _prepare_filesystem_broker(sender, **kwargs):
    """The filesystem transport needs its folders to exist before the first message."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if folder := options.get(key):
            os.makedirs(folder, exist_ok=True)
