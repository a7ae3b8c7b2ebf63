from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxesConfig(AppConfig):
    name = "mailboxes"
    verbose_name = _("Email as a channel")

    def ready(self):
        # The request page's email panel, and the reply address that referrals put on emails to companies.
        from . import registrations  # noqa: F401
