from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    """SCB's reference data, the bottom layer: it imports no other app of the project."""

    name = "reference"
    verbose_name = _("Reference data")
