"""Regional goals: what the figures on the dashboards are measured against."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionalGoal(models.Model):
    """A baseline and a target for one region, year and kind of goal (custom goals carry a name)."""

    class Kind(models.TextChoices):
        INTERNATIONAL_COMPANIES = "international_companies", _("Companies doing international business")
        COMPANIES_REACHED = "companies_reached", _("Companies reached")
        CUSTOM = "custom", _("Custom goal")

    region = models.ForeignKey(
        "advisors.Region", on_delete=models.CASCADE, related_name="goals", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=120, blank=True, help_text=_("Only for custom goals: what is counted.")
    )
    baseline = models.PositiveIntegerField(_("baseline"), help_text=_("The value at the start."))
    target = models.PositiveIntegerField(
        _("target"), help_text=_("The value to reach by the end of the year.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("regional goal")
        verbose_name_plural = _("regional goals")
        ordering = ["region", "-year", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "kind", "name"], name="goal_unique_per_region_year"
            ),
            models.CheckConstraint(
                condition=Q(kind="custom") & ~Q(name="") | ~Q(kind="custom") & Q(name=""),
                name="goal_custom_has_name",
            ),
        ]

    def __str__(self):
        label = self.name if self.kind == self.Kind.CUSTOM else self.get_kind_display()
        return f"{self.region} {self.year}: {label}"
