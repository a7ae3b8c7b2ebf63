from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Requests and referrals")

    def ready(self):
        from companies.models import register_event_kinds
        from companies.panels import company_page
        from exportcenter.panels import Panel

        from . import models, notices, reminder_kinds, selectors, signals  # noqa: F401 - kinds and signals register

        notices.register_kinds()
        register_event_kinds(models.CompanyEventKind.choices)
        company_page.register(
            Panel(
                "requests",
                "referrals/includes/company_requests.html",
                selectors.company_requests,
                order=10,
                probes=selectors.company_requests_probes,
            )
        )
