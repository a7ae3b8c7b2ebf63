from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxesConfig(AppConfig):
    name = "mailboxes"
    verbose_name = _("Email as a channel")

    def ready(self):
        # The system checks (mailboxes.E001, mailboxes.W001); the request page's email panel and the reply
        # address that referrals put on emails to companies.
        from . import checks, registrations  # noqa: F401
