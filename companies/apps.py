from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self):
        from exportcenter import widget_cache

        # The cached <option> lists of reference data go stale when those rows change (in every process).
        widget_cache.connect_signals()
