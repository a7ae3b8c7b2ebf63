"""The log of the retention job: one row per run (a dry run writes nothing)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRun(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        COMMAND = "command", _("Command")

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    trigger = models.CharField(_("started by"), max_length=16, choices=Trigger.choices)
    cutoff = models.DateTimeField(
        _("closed before"), help_text=_("Requests closed before this time were due (RETENTION_MONTHS).")
    )
    retention_months = models.PositiveSmallIntegerField(_("retention (months)"))
    locked_out = models.BooleanField(
        _("skipped"), default=False, help_text=_("Another run held the lock, so this one did nothing.")
    )
    requests_anonymised = models.PositiveIntegerField(_("requests anonymised"), default=0)
    contacts_anonymised = models.PositiveIntegerField(_("contacts anonymised"), default=0)
    requests_on_hold = models.PositiveIntegerField(_("requests skipped (legal hold)"), default=0)
    contacts_on_hold = models.PositiveIntegerField(_("contacts skipped (legal hold)"), default=0)
    chunks = models.PositiveIntegerField(_("chunks"), default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.get_trigger_display()})"
