"""Export outcomes: what an advisor records that the help led to, and what the company confirms of it."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class ExportOutcome(models.Model):
    """One export outcome of one company: the market, the kind, goods or services, a value band and a date,
    the partners that helped, and what led to it (requests, activities, referrals).

    It counts in figures only once the company confirmed it (`status` CONFIRMED). The company is asked
    through a signed link to `contact` (`effects.outcome_links`); a link is for one `confirmation_round`, so
    editing a confirmed or answered outcome asks again and the old link no longer opens anything.
    """

    class Kind(models.TextChoices):
        FIRST_EXPORT = "first_export", _("First export ever")
        NEW_MARKET = "new_market", _("A new market")
        NEW_CUSTOMER = "new_customer", _("A new customer in an existing market")
        LARGER_DEAL = "larger_deal", _("A larger or repeat deal")
        SAVED = "saved", _("An export saved from failing")

    class Sells(models.TextChoices):
        GOODS = "goods", _("Goods")
        SERVICES = "services", _("Services")
        BOTH = "both", _("Goods and services")

    class ValueBand(models.TextChoices):
        UNDER_100K = "under_100k", _("Under SEK 100,000")
        FROM_100K = "100k_1m", _("SEK 100,000–1 million")
        FROM_1M = "1m_10m", _("SEK 1–10 million")
        FROM_10M = "10m_50m", _("SEK 10–50 million")
        OVER_50M = "over_50m", _("Over SEK 50 million")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the company")
        CONFIRMED = "confirmed", _("Confirmed by the company")
        DECLINED = "declined", _("Declined by the company")
        EXPIRED = "expired", _("Not answered in time")

    class SupportMeaning(models.TextChoices):
        PREREQUISITE = "prerequisite", _("It was a prerequisite")
        FASTER = "faster", _("It made it happen faster")
        BIGGER = "bigger", _("It made it bigger")
        LITTLE = "little", _("It made little difference")

    class WithoutSupport(models.TextChoices):
        ALL = "all", _("All of it")
        MOST = "most", _("Most of it")
        SOME = "some", _("Some of it")
        NONE = "none", _("None of it")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="export_outcomes",
        verbose_name=_("company"),
    )
    region = models.ForeignKey(
        "advisors.Region",
        on_delete=models.PROTECT,
        related_name="export_outcomes",
        verbose_name=_("region"),
        help_text=_("The region whose figures it counts in."),
    )
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        related_name="recorded_outcomes",
        verbose_name=_("recorded by organisation"),
    )
    contact = models.ForeignKey(
        "companies.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="export_outcomes",
        verbose_name=_("contact person asked"),
    )
    market = CountryField(_("market"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sells = models.CharField(_("goods or services"), max_length=10, choices=Sells.choices)
    value_band = models.CharField(_("value"), max_length=12, choices=ValueBand.choices)
    achieved_on = models.DateField(_("date"))
    description = models.TextField(_("description"), max_length=2000, blank=True)
    partners = models.ManyToManyField(
        "advisors.Organisation",
        through="OutcomePartner",
        related_name="helped_outcomes",
        verbose_name=_("partners that helped"),
    )
    requests = models.ManyToManyField(
        "referrals.AdviceRequest", blank=True, related_name="export_outcomes", verbose_name=_("requests")
    )
    activities = models.ManyToManyField(
        "outreach.Activity", blank=True, related_name="export_outcomes", verbose_name=_("activities")
    )
    referrals = models.ManyToManyField(
        "referrals.Referral", blank=True, related_name="export_outcomes", verbose_name=_("referrals")
    )

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    confirmation_round = models.PositiveIntegerField(
        _("confirmation round"),
        default=1,
        help_text=_("Raised each time the company is asked again; older links stop working."),
    )
    asked_at = models.DateTimeField(_("company asked"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("company reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("company answered"), null=True, blank=True)
    support_meaning = models.CharField(
        _("what the support meant"), max_length=16, choices=SupportMeaning.choices, blank=True
    )
    without_support = models.CharField(
        _("achieved without the support"), max_length=8, choices=WithoutSupport.choices, blank=True
    )
    case_study_allowed = models.BooleanField(_("may be used as a case study"), null=True, blank=True)
    company_comment = models.TextField(_("the company's comment"), max_length=2000, blank=True)
    corrected_fields = models.JSONField(
        _("corrected by the company"),
        default=list,
        blank=True,
        help_text=_("The facts the company changed when it confirmed."),
    )

    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-achieved_on", "-pk"]
        verbose_name = _("export outcome")
        verbose_name_plural = _("export outcomes")
        indexes = [
            models.Index(fields=["company", "-achieved_on"], name="outcome_company_idx"),
            models.Index(fields=["region", "status", "achieved_on"], name="outcome_region_status_idx"),
            models.Index(
                fields=["status", "asked_at"],
                condition=Q(status="pending"),
                name="outcome_pending_idx",
            ),
        ]

    def __str__(self):
        return f"{self.company}: {self.get_kind_display()} ({self.market})"

    @property
    def counts(self) -> bool:
        """Only what the company confirmed counts in figures."""
        return self.status == self.Status.CONFIRMED


class OutcomePartner(models.Model):
    """A partner organisation that helped towards an outcome, with the company's rating of it (1–5)."""

    outcome = models.ForeignKey(
        ExportOutcome,
        on_delete=models.CASCADE,
        related_name="partner_links",
        verbose_name=_("export outcome"),
    )
    organisation = models.ForeignKey(
        "advisors.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    rating = models.PositiveSmallIntegerField(
        _("the company's rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    class Meta:
        verbose_name = _("partner that helped")
        verbose_name_plural = _("partners that helped")
        constraints = [
            models.UniqueConstraint(fields=["outcome", "organisation"], name="outcome_partner_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="outcome_rating_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id} → {self.outcome_id}"
