from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from companies.panels import company_page
        from exportcenter.panels import Panel
        from referrals.panels import request_page

        from . import parts, selectors

        parts.register_parts()
        company_page.register(
            Panel("legal_hold", "privacy/includes/company_legal_hold.html", selectors.company_hold, order=90)
        )
        request_page.register(
            Panel("legal_hold", "privacy/includes/request_legal_hold.html", selectors.request_hold, order=90)
        )
