"""Programmes, projects, their partners (in the portal or outside it) and the activities belonging to them."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from exportcenter.i18n import TranslatedField

EUR = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Programme(models.Model):
    """A funding programme (Interreg Europe, the national ERDF programme, ...): data regional staff keep."""

    class Fund(models.TextChoices):
        INTERREG = "interreg", _("Interreg (European territorial cooperation)")
        ERDF = "erdf", _("European Regional Development Fund")
        REACT_EU = "react_eu", _("REACT-EU")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name = TranslatedField("name")
    fund = models.CharField(_("fund"), max_length=16, choices=Fund.choices)
    period = models.CharField(
        _("programme period"), max_length=20, blank=True, help_text=_("For example 2021–2027.")
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    is_active = models.BooleanField(_("open for new projects"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["name_sv"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name

    @property
    def is_interreg(self) -> bool:
        return self.fund == self.Fund.INTERREG


class ProjectQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("programme", "region")


class Project(models.Model):
    """An EU-funded project the region's export center runs or takes part in."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Running")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="projects", verbose_name=_("programme")
    )
    region = models.ForeignKey(
        "advisors.Region",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("recording region"),
        help_text=_("The region whose export center keeps the project in the portal."),
    )
    regions = models.ManyToManyField(
        "advisors.Region",
        blank=True,
        related_name="participating_projects",
        verbose_name=_("participating Swedish regions"),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    budget_total_eur = models.DecimalField(_("total budget (EUR)"), **EUR)
    eu_cofinancing_eur = models.DecimalField(_("EU co-financing (EUR)"), **EUR)
    national_cofinancing_eur = models.DecimalField(_("national or regional co-financing (EUR)"), **EUR)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    website = models.URLField(_("link"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name", "pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="project_period_ordered",
                violation_error_message=_("The project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(eu_cofinancing_eur__lte=F("budget_total_eur") - F("national_cofinancing_eur")),
                name="project_cofinancing_within_budget",
                violation_error_message=_("EU and national co-financing together exceed the total budget."),
            ),
        ]
        indexes = [models.Index(fields=["region", "-starts_on"], name="project_region_idx")]

    def __str__(self):
        return f"{self.acronym}: {self.name}" if self.acronym else self.name


class ProjectPartner(models.Model):
    """A partner of a project: an organisation in the portal, or one outside it (with its country and
    region). One partner may be the lead partner, which may be foreign."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="partners", verbose_name=_("project")
    )
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_partnerships",
        verbose_name=_("organisation in the portal"),
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For an organisation outside the portal.")
    )
    country = CountryField(_("country"), default="SE")
    region_name = models.CharField(
        _("region"), max_length=200, blank=True, help_text=_("The partner's region, for example Navarra.")
    )
    is_lead = models.BooleanField(_("lead partner"), default=False)
    role = models.CharField(_("role in the project"), max_length=200, blank=True)

    class Meta:
        ordering = ["-is_lead", "name", "pk"]
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(name=""),
                name="project_partner_named",
                violation_error_message=_("Choose an organisation in the portal or name one outside it."),
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(is_lead=True),
                name="project_one_lead_partner",
                violation_error_message=_("The project already has a lead partner."),
            ),
            models.UniqueConstraint(
                fields=["project", "organisation"],
                condition=Q(organisation__isnull=False),
                name="project_partner_organisation_once",
                violation_error_message=_("This organisation is already a partner of the project."),
            ),
        ]

    def __str__(self):
        return self.name or str(self.organisation)

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.name


class ProjectActivity(models.Model):
    """An activity (outreach.Activity: a study visit, seminar, matchmaking or delegation) that belongs to a
    project. A study visit between regions records the host region and the visiting organisations."""

    activity = models.OneToOneField(
        "outreach.Activity", on_delete=models.CASCADE, related_name="project_link", verbose_name=_("activity")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="activity_links", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    host_region = models.CharField(
        _("host region"), max_length=200, blank=True, help_text=_("Where the study visit took place.")
    )
    host_country = CountryField(_("host country"), blank=True)
    visiting_partners = models.ManyToManyField(
        ProjectPartner, blank=True, related_name="visits", verbose_name=_("visiting organisations")
    )

    class Meta:
        ordering = ["-activity__occurred_on", "-pk"]
        verbose_name = _("project activity")
        verbose_name_plural = _("project activities")

    def __str__(self):
        return self.title or str(self.activity)
