"""Need categories: what a company needs help with, and which partner kinds usually help."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from advisors.models import Organisation
from exportcenter.i18n import TranslatedField


class NeedCategory(models.Model):
    """What a company needs help with. Data, not code: regional staff edit names, help texts and routing."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    help_sv = models.CharField(_("help text (Swedish)"), max_length=300, blank=True)
    help_en = models.CharField(_("help text (English)"), max_length=300, blank=True)
    name = TranslatedField("name")
    help_text = TranslatedField("help")
    primary_partner_kinds = models.JSONField(
        _("primary partner kinds"),
        default=list,
        blank=True,
        help_text=_("Organisation kinds that usually help first."),
    )
    secondary_partner_kinds = models.JSONField(_("secondary partner kinds"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("need category")
        verbose_name_plural = _("need categories")

    def __str__(self):
        return self.name

    @property
    def primary_partner_kind_labels(self) -> list[str]:
        return _kind_labels(self.primary_partner_kinds)

    @property
    def secondary_partner_kind_labels(self) -> list[str]:
        return _kind_labels(self.secondary_partner_kinds)


def _kind_labels(kinds: list[str]) -> list[str]:
    """The labels of organisation kinds, in the active language; an unknown stored value as it is."""
    labels = dict(Organisation.Kind.choices)
    return [str(labels.get(kind, kind)) for kind in kinds]
