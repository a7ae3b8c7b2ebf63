"""Files on a request (issue 20): sent with the public form, the company's reply on its status page, an
advisor's message, or an email. Kept outside the web root through Django's storage API (the "attachments"
storage), under a random name, and handed out only by access-checked views, as a download.

A file that the virus scanner refused is recorded (name, size, what was found) but not kept.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def attachments_storage():
    return storages["attachments"]


def attachment_path(instance, filename: str) -> str:
    """A random name: the original name is kept in the row, never in a path."""
    return f"requests/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    class Source(models.TextChoices):
        FORM = "form", _("Request form")
        STATUS_PAGE = "status_page", _("Company's reply on its page")
        ADVISOR = "advisor", _("Advisor's message")
        EMAIL = "email", _("Email")

    class Scan(models.TextChoices):
        CLEAN = "clean", _("No virus found")
        NOT_SCANNED = "not_scanned", _("Not scanned")
        INFECTED = "infected", _("Virus found: refused")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        "referrals.AdviceRequest",
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("request"),
    )
    event = models.ForeignKey(
        "referrals.RequestEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("timeline entry"),
    )
    file = models.FileField(
        _("file"), storage=attachments_storage, upload_to=attachment_path, max_length=300, blank=True
    )
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120, help_text=_("As read from the content."))
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source = models.CharField(_("from"), max_length=16, choices=Source.choices)
    scan = models.CharField(_("virus scan"), max_length=16, choices=Scan.choices)
    scan_detail = models.CharField(_("scan result"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    erased_at = models.DateTimeField(
        _("erased"), null=True, blank=True, help_text=_("When the file was removed (privacy).")
    )
    created_at = models.DateTimeField(_("received"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(fields=["request", "created_at"], name="attachment_request_idx"),
            models.Index(fields=["event"], name="attachment_event_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_available(self) -> bool:
        """Can be downloaded: kept (not refused by the scanner, not erased)."""
        return bool(self.file) and self.scan != self.Scan.INFECTED and self.erased_at is None
