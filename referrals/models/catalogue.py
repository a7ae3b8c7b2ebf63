"""The service catalogue: what the partners offer, matched to needs by routing.py."""

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from advisors.models import Organisation
from exportcenter.i18n import TranslatedField
from reference.models import EmployeeBand
from reference.validators import validate_employee_bands, validate_sni_sections, validate_turnover_classes

from .needs import NeedCategory


class Criterion(StrEnum):
    EMPLOYEES = "employees"
    TURNOVER = "turnover"
    INDUSTRY = "industry"


class Mismatch(StrEnum):
    """Why a company is outside a service's criteria. Sizes are ordered, so "too large" can be told."""

    TOO_FEW_EMPLOYEES = "too_few_employees"
    TOO_MANY_EMPLOYEES = "too_many_employees"
    EMPLOYEES_OUTSIDE = "employees_outside"  # between two allowed bands
    TURNOVER_TOO_LOW = "turnover_too_low"
    TURNOVER_TOO_HIGH = "turnover_too_high"
    TURNOVER_OUTSIDE = "turnover_outside"
    INDUSTRY = "industry"


def _ordered_mismatch(position: int, allowed: list[int], below, above, between) -> Mismatch:
    if not allowed:
        return between
    if position < min(allowed):
        return below
    if position > max(allowed):
        return above
    return between


@dataclass(frozen=True)
class Eligibility:
    """Whether a company fits a service.

    `restricted`: the criteria the service limits. `mismatches`: why the company is outside them.
    `unknown`: limited criteria the register has no value for: the company may fit, nobody can tell yet.
    """

    restricted: tuple[Criterion, ...] = ()
    mismatches: tuple[Mismatch, ...] = ()
    unknown: tuple[Criterion, ...] = ()

    @property
    def is_eligible(self) -> bool:
        return not self.mismatches


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def covering(self, need):
        return self.filter(needs=need)


class Service(models.Model):
    """Something a partner organisation offers exporting companies, and who may use it.

    The eligibility lists hold codes; an empty list means any company.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services", verbose_name=_("organisation")
    )
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_sv = models.TextField(_("description (Swedish)"), max_length=2000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    name = TranslatedField("name")
    description = TranslatedField("description")
    needs = models.ManyToManyField(
        NeedCategory,
        related_name="services",
        verbose_name=_("needs covered"),
        help_text=_("The needs this service helps with. They decide when the organisation is suggested."),
    )
    employee_bands = models.JSONField(
        _("employees"),
        default=list,
        blank=True,
        validators=[validate_employee_bands],
        help_text=_("SCB employee bands the service is for. Empty: any size."),
    )
    turnover_classes = models.JSONField(
        _("turnover classes"),
        default=list,
        blank=True,
        validators=[validate_turnover_classes],
        help_text=_("SCB turnover classes the service is for. Empty: any turnover."),
    )
    sni_sections = models.JSONField(
        _("industries (SNI sections)"),
        default=list,
        blank=True,
        validators=[validate_sni_sections],
        help_text=_("SNI 2025 sections the service is for. Empty: any industry."),
    )
    url = models.URLField(_("link"), max_length=300, blank=True, help_text=_("The service's own web page."))
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Unselect this instead of deleting the service.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        db_table = "advisors_service"  # the table of the advisors app, where the catalogue began
        ordering = ["name_sv", "pk"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("name_sv"),
                name="service_name_unique_per_organisation",
                violation_error_message=_("The organisation already has a service with this name."),
            )
        ]

    def __str__(self):
        return self.name

    def eligibility_for(self, company) -> Eligibility:
        """Check a company's employees, turnover and industry. Reads `company.sni_code` (select it along)."""
        restricted, mismatches, unknown = [], [], []
        if self.employee_bands:
            restricted.append(Criterion.EMPLOYEES)
            bands = EmployeeBand.values  # in size order
            band = company.employee_band
            if band not in bands:
                unknown.append(Criterion.EMPLOYEES)
            elif band not in self.employee_bands:
                mismatches.append(
                    _ordered_mismatch(
                        bands.index(band),
                        [bands.index(code) for code in self.employee_bands if code in bands],
                        Mismatch.TOO_FEW_EMPLOYEES,
                        Mismatch.TOO_MANY_EMPLOYEES,
                        Mismatch.EMPLOYEES_OUTSIDE,
                    )
                )
        if self.turnover_classes:
            restricted.append(Criterion.TURNOVER)
            turnover = company.turnover_class_id  # SCB's class codes grow with turnover
            if turnover is None:
                unknown.append(Criterion.TURNOVER)
            elif turnover not in self.turnover_classes:
                mismatches.append(
                    _ordered_mismatch(
                        turnover,
                        self.turnover_classes,
                        Mismatch.TURNOVER_TOO_LOW,
                        Mismatch.TURNOVER_TOO_HIGH,
                        Mismatch.TURNOVER_OUTSIDE,
                    )
                )
        if self.sni_sections:
            restricted.append(Criterion.INDUSTRY)
            if company.sni_code_id is None:
                unknown.append(Criterion.INDUSTRY)
            elif company.sni_code.section_id not in self.sni_sections:
                mismatches.append(Mismatch.INDUSTRY)
        return Eligibility(tuple(restricted), tuple(mismatches), tuple(unknown))
