from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TwoFactorConfig(AppConfig):
    name = "twofactor"
    verbose_name = "Two-factor sign-in"
    default = True

    def ready(self):
        from . import checks, signals  # noqa: F401 - registers the system check and the sign-in hook


class TwoFactorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose default site asks for the second factor (twofactor.admin_site)."""

    default = False
    default_site = "twofactor.admin_site.TwoFactorAdminSite"
