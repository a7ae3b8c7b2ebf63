"""Regions (export centers), partner organisations and their people."""

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exportcenter.i18n import TranslatedField
from reference.models import EmployeeBand


class Region(models.Model):
    """A regional export center: a partnership covering one or more counties."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    counties = models.ManyToManyField(
        "reference.County", related_name="regions", verbose_name=_("counties"), blank=True
    )
    operator = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="operated_regions",
        verbose_name=_("operating organisation"),
        help_text=_("The partner that runs the center day to day and receives new requests for triage."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def serving(self, region):
        return self.filter(regions=region)


class Organisation(models.Model):
    """A partner organisation. Which partners exist is data: other regions have other partners."""

    class Kind(models.TextChoices):
        ALMI = "almi", "Almi"
        BUSINESS_SWEDEN = "business_sweden", "Business Sweden"
        EKN = "ekn", "EKN"
        SEK = "sek", "SEK"
        EEN = "een", "Enterprise Europe Network"
        REGION = "region", _("Region")
        INNOVATION_CENTRE = "innovation_centre", _("Innovation centre")
        CHAMBER_OF_COMMERCE = "chamber_of_commerce", _("Chamber of commerce")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    email = models.EmailField(
        _("functional email address"), help_text=_("A shared address of the organisation, not a person's.")
    )
    website = models.URLField(_("website"), blank=True)
    description_sv = models.TextField(_("description (Swedish)"), max_length=2000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    description = TranslatedField("description")
    regions = models.ManyToManyField(
        Region, related_name="organisations", verbose_name=_("regions served"), blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        extra_fields.setdefault("full_name", "Administrator")
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An advisor, organisation lead or regional staff member of a partner organisation."""

    class Role(models.TextChoices):
        ADVISOR = "advisor", _("Advisor")
        ORGANISATION_LEAD = "organisation_lead", _("Organisation lead")
        REGIONAL_STAFF = "regional_staff", _("Regional staff")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.ADVISOR)
    handles_triage = models.BooleanField(
        _("triage duty"),
        default=False,
        help_text=_(
            "Hears of new requests and of replies on requests that nobody in the organisation has taken: "
            "the organisation's queue. Without anyone on triage duty, its leads do; without leads, everyone."
        ),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Unselect this instead of deleting the account.")
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May sign in to the admin site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(is_superuser=True) | models.Q(organisation__isnull=False),
                name="user_needs_organisation",
                violation_error_message=_("Every user except a superuser belongs to an organisation."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_organisation_lead(self) -> bool:
        return self.role == self.Role.ORGANISATION_LEAD

    @property
    def is_regional_staff(self) -> bool:
        return self.role == self.Role.REGIONAL_STAFF

    @property
    def can_sign_in(self) -> bool:
        """Inactive people and people of inactive organisations cannot sign in."""
        if not self.is_active:
            return False
        return self.organisation is None or self.organisation.is_active


# --- The service catalogue ------------------------------------------------------------------------


def _validate_code_list(value, allowed, unknown_message, code_type=str) -> None:
    if not isinstance(value, list) or not all(
        isinstance(code, code_type) and not isinstance(code, bool) for code in value
    ):
        raise ValidationError(_("Enter a list of codes."), code="not_a_list")
    unknown = [str(code) for code in value if code not in allowed]
    if unknown:
        raise ValidationError(unknown_message, code="unknown_code", params={"codes": ", ".join(unknown)})
    if len(set(value)) != len(value):
        raise ValidationError(_("Each code may appear only once."), code="duplicate")


def validate_employee_bands(value) -> None:
    """A list of SCB employee bands (`EmployeeBand` values)."""
    _validate_code_list(value, set(EmployeeBand.values), _("Unknown employee band: %(codes)s."))


def validate_turnover_classes(value) -> None:
    """A list of SCB turnover class codes (integers) that exist in the reference table."""
    from reference.models import TurnoverClass

    codes = set(TurnoverClass.objects.values_list("code", flat=True))
    _validate_code_list(value, codes, _("Unknown turnover class: %(codes)s."), code_type=int)


def validate_sni_sections(value) -> None:
    """A list of SNI 2025 section letters that exist in the reference table."""
    from reference.models import SNISection

    codes = set(SNISection.objects.values_list("code", flat=True))
    _validate_code_list(value, codes, _("Unknown SNI section: %(codes)s."))


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
        "referrals.NeedCategory",
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
