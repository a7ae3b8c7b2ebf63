from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("EU-funded projects")

    def ready(self):
        # The project page's sections and the company page's aid panel register themselves.
        from . import panel_registrations  # noqa: F401
