from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisorsConfig(AppConfig):
    name = "advisors"
    verbose_name = _("Partners and advisors")

    def ready(self):
        from . import lockout

        lockout.connect()  # the audit log of signing in and out, and of lockouts
