"""Regions (export centers), partner organisations and their people."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exportcenter.i18n import TranslatedField


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
        # National coordinators (Tillväxtverket, Business Sweden's national office): aggregates only.
        NATIONAL = "national", _("National coordinator")

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
    def is_national(self) -> bool:
        """A national coordinator: sees aggregates across regions, never a company, person or request."""
        return self.role == self.Role.NATIONAL

    @property
    def can_sign_in(self) -> bool:
        """Inactive people and people of inactive organisations cannot sign in."""
        if not self.is_active:
            return False
        return self.organisation is None or self.organisation.is_active


# --- Personal API tokens --------------------------------------------------------------------------


class ApiToken(models.Model):
    """A personal API token for an integration: scoped, expiring, revocable.

    Only a hash is stored. The token reads `ec_<prefix>_<secret>`: the prefix finds the row, and the
    SHA-256 of the whole token is compared in constant time. The secret has 256 bits of entropy, so a
    fast hash is enough (a password hash guards low-entropy secrets and would cost every API request).
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_address = models.GenericIPAddressField(_("last used from"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user_idx")]

    def __str__(self):
        return f"{self.name} ({self.display_prefix}…)"

    @property
    def display_prefix(self) -> str:
        return f"ec_{self.prefix}"

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and not self.is_expired(now)

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        return self.Status.EXPIRED if self.is_expired() else self.Status.ACTIVE

    @property
    def allows_writes(self) -> bool:
        return self.scope == self.Scope.READ_WRITE
