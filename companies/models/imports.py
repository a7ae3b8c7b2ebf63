import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyImport(models.Model):
    """An uploaded CSV file, kept between the dry-run preview and applying it (and as an audit trail)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    filename = models.CharField(_("file name"), max_length=200)
    content = models.TextField(_("content"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_imports",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("company import")
        verbose_name_plural = _("company imports")

    def __str__(self):
        return self.filename
