from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EffectsConfig(AppConfig):
    name = "effects"
    verbose_name = _("Effects for companies")

    def ready(self):
        # The company and request pages' panels, and what happens when a request closes.
        from . import outcome_panels, survey_receivers  # noqa: F401 - they register themselves
