from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Requests and referrals")

    def ready(self):
        from . import notices

        notices.register_kinds()
