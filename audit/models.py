"""The audit log: an append-only record of who read, exported or changed what, and of sign-ins.

It sits at the bottom of the layers: it knows the user model only by its setting and every other object by
its type and public id, so any app can record into it without the audit log importing that app.
"""

import json
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("Read")
    EXPORT = "export", _("Exported")
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
    LEGAL_HOLD = "legal_hold", _("Legal hold changed")
    AUDIT_PURGED = "audit_purged", _("Audit log purged")
    CALENDAR_FEED_RENEWED = "calendar_feed_renewed", _("Calendar feed address made")
    CALENDAR_FEED_REVOKED = "calendar_feed_revoked", _("Calendar feed revoked")
    DE_MINIMIS_OVERRIDE = "de_minimis_override", _("De minimis ceiling passed")
    UNDERTAKING_LINKED = "undertaking_link", _("Companies linked as one undertaking")
    UNDERTAKING_UNLINKED = "undertaking_unlink", _("Undertaking link removed")
    VIRUS_FOUND = "virus_found", _("Virus found in a file")
    MAILBOX_CREATED = "mailbox_created", _("Mailbox connected")
    MAILBOX_CHANGED = "mailbox_changed", _("Mailbox changed")
    REQUEST_COMPANY_CHANGED = "request_company_changed", _("Request moved to another company")


class Channel(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    TASK = "task", _("Background task")


class AppendOnly(Exception):
    """The audit log is append-only: entries are never changed, and only the retention purge deletes them."""


class AuditEntryQuerySet(models.QuerySet):
    """No bulk update or delete through the ORM: the purge deletes with its own SQL (services)."""

    def update(self, **kwargs):
        raise AppendOnly("Audit entries cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnly("Audit entries cannot be deleted; the retention purge removes old ones.")

    def for_object(self, obj):
        """Entries about this model instance (as `record(obj=...)` identifies it)."""
        return self.filter(object_type=obj._meta.label_lower, object_id=object_key(obj)[:64])


def object_key(obj) -> str:
    """How the log names an object: its reference or public id where it has one, else its primary key.

    A public id (a UUID) is written as 32 hex digits, the form both PostgreSQL and SQLite can compare
    with in SQL (advisors/access/ finds the entries about a region's objects that way).
    """
    key = getattr(obj, "reference", None) or getattr(obj, "public_id", None) or obj.pk
    return key.hex if isinstance(key, uuid.UUID) else str(key)


def normalise_object_id(value: str) -> str:
    """An object id as typed or pasted (a UUID with or without hyphens, a reference) as the log stores it."""
    value = value.strip()
    try:
        return uuid.UUID(value).hex
    except ValueError:
        return value


class AuditEntry(models.Model):
    """One audited event. Never updated or deleted, except by the retention purge (see services).

    The ORM refuses both (`save()` of a stored entry, `delete()`, the queryset's `update()`/`delete()`);
    on PostgreSQL a trigger refuses them too (migration 0002), so that raw SQL cannot either.
    """

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

    objects = AuditEntryQuerySet.as_manager()

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

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries cannot be deleted; the retention purge removes old ones.")

    @property
    def details_text(self) -> str:
        """The details as one line of `key: value` pairs (the page and the CSV)."""
        return "; ".join(
            f"{key}: {json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value}"
            for key, value in sorted(self.details.items())
        )
