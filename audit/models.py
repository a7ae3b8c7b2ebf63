"""The audit log: an append-only record of who read, exported or changed what, and of sign-ins.

It sits at the bottom of the layers: it knows the user model only by its setting and every other object by
its type and public id, so any app can record into it without the audit log importing that app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("Read")
    EXPORT = "export", _("Export")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    UNLOCKED = "unlocked", _("Unlocked")
    SIGN_OUT = "sign_out", _("Signed out")
    MERGE = "merge", _("Merged")
    ROLE_CHANGED = "role_changed", _("Role changed")
    ORGANISATION_CHANGED = "organisation_changed", _("Organisation changed")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor sign-in set up")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset")
    GDPR_EXPORT = "gdpr_export", _("Personal data exported")
    GDPR_ERASE = "gdpr_erase", _("Personal data erased")
    RETENTION_RUN = "retention_run", _("Retention run")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    TOKEN_USED = "token_used", _("API token used")


class Channel(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    TASK = "task", _("Background task")


class AuditEntry(models.Model):
    """One audited event. Never updated or deleted, except by the retention purge (see services)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database constraint: an entry outlives the account it names, and nothing may cascade into it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The name as it was at the time, or the username typed at a failed sign-in.
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    channel = models.CharField(_("through"), max_length=16, choices=Channel.choices, default=Channel.PAGE)
    path = models.CharField(_("page or endpoint"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"
        )
