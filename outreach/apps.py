from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Outreach")

    def ready(self):
        from companies.panels import company_page
        from exportcenter.panels import Panel
        from referrals.panels import request_page

        from . import reminder_kinds, selectors  # noqa: F401 - the reminder kinds register themselves

        company_page.register(
            Panel(
                "outreach",
                "outreach/includes/company_outreach.html",
                selectors.company_outreach,
                order=20,
                probes=selectors.company_outreach_probes,
            )
        )
        request_page.register(
            Panel(
                "outreach",
                "outreach/includes/request_activities.html",
                selectors.request_outreach,
                probes=selectors.request_outreach_probes,
            )
        )
