from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for `make run` and the browser tests (`manage.py seed_demo`). No models; no production code
    imports it."""

    name = "demo"
    verbose_name = _("Demo data")
