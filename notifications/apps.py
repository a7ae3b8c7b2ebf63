from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The tasks are registered at start-up; services publish them by name
        # (`exportcenter.celery.task_named`).
        from . import tasks  # noqa: F401
