"""The email outbox: every email the portal sends is first a row here, written in the caller's transaction.

A Celery task delivers it after commit; a periodic sweep retries what is still pending (broker or mail
server down). The optional `key` is unique, so queueing the same email twice is a no-op.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now or timezone.now())


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Identifies what this email is about, so that it is never queued twice."),
    )
    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="pending"), name="outbox_pending_idx"
            )
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class Notification(models.Model):
    """An in-app notification for one person (the bell). Always on, whatever their email preferences."""

    class Kind(models.TextChoices):
        NEW_REQUEST = "new_request", _("New request")
        COMPANY_REPLIED = "company_replied", _("The company replied")

    recipient = models.ForeignKey(
        "advisors.User", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(
        _("idempotency key"),
        max_length=200,
        help_text=_("What it is about; one notification per person and key."),
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")
        ]

    def __str__(self):
        return self.title
