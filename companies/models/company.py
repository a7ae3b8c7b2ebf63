"""The shared company register: companies, their contact persons and their timeline."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from companies.identifiers import LegalForm, format_number, mask_number
from companies.phones import display_phone
from reference.models import EmployeeBand


class ExportExperience(models.TextChoices):
    NEVER = "never", _("Has never exported")
    OCCASIONALLY = "occasionally", _("Has exported occasionally")
    REGULARLY_FEW = "regularly_few", _("Exports regularly to a few markets")
    REGULARLY_MANY = "regularly_many", _("Exports regularly to many markets")
    STOPPED = "stopped", _("Has stopped exporting")


class FlagSource(models.TextChoices):
    """Who confirmed the company's signs of international business. Only a confirmation with a source makes
    a company count as having become international (issue 18): flags recorded without one do not."""

    ADVISOR = "advisor", _("An advisor, with a recorded source")
    COMPANY_OUTCOME = "company_outcome", _("The company, confirming an export outcome")
    COMPANY_SURVEY = "company_survey", _("The company, in a survey")


class CompanySource(models.TextChoices):
    WEB_REQUEST = "web_request", _("Web request")
    ADVISOR = "advisor", _("Registered by an advisor")
    IMPORT = "import", _("Import")
    OUTREACH = "outreach", _("Outreach")
    EMAIL = "email", _("Email")


# Tillväxtverket's six signs of international business. Each is a boolean field on Company with a
# `<name>_confirmed_on` date beside it.
INTERNATIONAL_FLAGS = [
    ("exports_goods", _("Exports goods")),
    ("exports_services", _("Exports services")),
    ("imports", _("Imports")),
    ("international_cooperation", _("Cooperates internationally")),
    ("foreign_group_member", _("Is part of a foreign group or chain")),
    ("operations_abroad", _("Has operations abroad")),
]


# The flag fields and their dates, in form order.
INTERNATIONAL_FLAG_FIELDS = [
    field for name, _label in INTERNATIONAL_FLAGS for field in (name, f"{name}_confirmed_on")
]

# Identity and classification: the single-valued facts, also the columns of the CSV import.
PROFILE_FIELDS = [
    "org_number",
    "name",
    "municipality",
    "sni_code",
    "employee_band",
    "turnover_class",
    "website",
    "export_experience",
]
# What advisors maintain about a company: the fields of the register's forms and API.
EDITABLE_FIELDS = [
    *PROFILE_FIELDS,
    "export_countries",
    "target_markets",
    *INTERNATIONAL_FLAG_FIELDS,
    "responsible_organisation",
    "responsible_advisor",
]


class CompanyQuerySet(models.QuerySet):
    def active(self):
        """Companies that are not merged into another."""
        return self.filter(merged_into__isnull=True)


class Company(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    org_number = models.CharField(
        _("organisation number"),
        max_length=10,
        null=True,
        blank=True,
        help_text=_("Stored as 10 digits. Empty for a company that is not registered yet."),
    )
    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        "reference.Municipality",
        on_delete=models.PROTECT,
        related_name="companies",
        verbose_name=_("municipality"),
    )
    sni_code = models.ForeignKey(
        "reference.SNICode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companies",
        verbose_name=_("industry (SNI 2025)"),
    )
    employee_band = models.CharField(_("employees"), max_length=8, choices=EmployeeBand.choices, blank=True)
    turnover_class = models.ForeignKey(
        "reference.TurnoverClass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companies",
        verbose_name=_("turnover class"),
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    export_experience = models.CharField(
        _("export experience"), max_length=20, choices=ExportExperience.choices, blank=True
    )
    export_countries = CountryField(_("exports to"), multiple=True, blank=True)
    target_markets = CountryField(_("target markets"), multiple=True, blank=True)
    # Tillväxtverket's signs of international business (INTERNATIONAL_FLAGS), each with its confirmation date.
    exports_goods = models.BooleanField(_("exports goods"), default=False)
    exports_goods_confirmed_on = models.DateField(_("exports goods: last confirmed"), null=True, blank=True)
    exports_services = models.BooleanField(_("exports services"), default=False)
    exports_services_confirmed_on = models.DateField(
        _("exports services: last confirmed"), null=True, blank=True
    )
    imports = models.BooleanField(_("imports"), default=False)
    imports_confirmed_on = models.DateField(_("imports: last confirmed"), null=True, blank=True)
    international_cooperation = models.BooleanField(_("cooperates internationally"), default=False)
    international_cooperation_confirmed_on = models.DateField(
        _("cooperates internationally: last confirmed"), null=True, blank=True
    )
    foreign_group_member = models.BooleanField(_("part of a foreign group or chain"), default=False)
    foreign_group_member_confirmed_on = models.DateField(
        _("part of a foreign group: last confirmed"), null=True, blank=True
    )
    operations_abroad = models.BooleanField(_("has operations abroad"), default=False)
    operations_abroad_confirmed_on = models.DateField(
        _("operations abroad: last confirmed"), null=True, blank=True
    )
    became_international_on = models.DateField(
        _("international since"),
        null=True,
        blank=True,
        help_text=_("When the first sign of international business was recorded."),
    )
    flags_source = models.CharField(
        _("signs confirmed by"),
        max_length=16,
        choices=FlagSource.choices,
        blank=True,
        help_text=_("Who last confirmed the signs of international business."),
    )
    flags_source_note = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the advisor learned it, for example an annual report or a call with the company."),
    )
    flags_confirmed_on = models.DateField(_("signs last confirmed"), null=True, blank=True)
    international_confirmed_on = models.DateField(
        _("international since (confirmed)"),
        null=True,
        blank=True,
        help_text=_(
            "When a sign of international business was first confirmed by the company or by an advisor "
            "with a source: what the goal 'newly international companies' counts."
        ),
    )
    responsible_organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for_companies",
        verbose_name=_("responsible organisation"),
    )
    responsible_advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for_companies",
        verbose_name=_("responsible advisor"),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=CompanySource.choices, default=CompanySource.ADVISOR
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_companies",
        verbose_name=_("merged into"),
    )
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        help_text=_("Kept as it is: the retention job does not anonymise the company or its contacts."),
    )
    anonymised_at = models.DateTimeField(
        _("anonymised"),
        null=True,
        blank=True,
        help_text=_("When a sole trader's personal data was erased (privacy)."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["org_number"],
                condition=Q(org_number__isnull=False),
                name="company_org_number_unique",
                violation_error_message=_("A company with this organisation number is already registered."),
            ),
            models.CheckConstraint(
                condition=Q(org_number__isnull=True) | Q(org_number__regex=r"^[0-9]{10}$"),
                name="company_org_number_ten_digits",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="company_not_merged_into_itself"
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "name"], name="company_municipality_idx"),
            # The lists' default order (name, pk): a page is read from the index, not sorted from all rows.
            models.Index(fields=["name", "id"], name="company_name_idx"),
            models.Index(fields=["sni_code"], name="company_sni_idx"),
            models.Index(fields=["employee_band"], name="company_employee_band_idx"),
            models.Index(fields=["export_experience"], name="company_export_exp_idx"),
            models.Index(fields=["responsible_organisation"], name="company_resp_org_idx"),
            models.Index(fields=["-updated_at"], name="company_updated_idx"),
            # The goal tracker: a region's newly international companies by its municipalities, without
            # reading the other companies there (the international ones are a small share).
            models.Index(
                fields=["municipality", "international_confirmed_on"],
                name="company_international_idx",
                condition=Q(international_confirmed_on__isnull=False, merged_into__isnull=True),
            ),
            # Official statistics and the national page: the exporting SMEs of a county's municipalities,
            # counted from the index alone (PostgreSQL; about half the companies, with the columns counted).
            models.Index(
                fields=["municipality"],
                name="company_exporting_idx",
                include=[
                    "employee_band",
                    "exports_goods",
                    "exports_goods_confirmed_on",
                    "exports_services",
                    "exports_services_confirmed_on",
                ],
                condition=Q(merged_into__isnull=True) & (Q(exports_goods=True) | Q(exports_services=True)),
            ),
        ]
        # PostgreSQL only (migration 0003): trigram GIN on upper(name), full-text GIN on the name.

    def __str__(self):
        return self.name

    @property
    def is_sole_trader(self) -> bool:
        return self.legal_form == LegalForm.SOLE_TRADER

    @property
    def org_number_display(self) -> str:
        """The number as written in Sweden: NNNNNN-NNNN."""
        return format_number(self.org_number)

    @property
    def org_number_masked(self) -> str:
        """Safe for lists and exports: a sole trader's personal number is hidden."""
        return mask_number(self.org_number) if self.is_sole_trader else format_number(self.org_number)

    @property
    def county_id(self) -> str:
        return self.municipality_id[:2] if self.municipality_id else ""

    @property
    def is_international(self) -> bool:
        return any(getattr(self, name) for name, _label in INTERNATIONAL_FLAGS)

    @property
    def international_flags(self) -> list[tuple[str, object]]:
        """(label, last confirmed) of each sign of international business the company has."""
        return [
            (label, getattr(self, f"{name}_confirmed_on"))
            for name, label in INTERNATIONAL_FLAGS
            if getattr(self, name)
        ]


class Contact(models.Model):
    """A contact person: personal data, so the legal basis and source are always recorded."""

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
        PUBLIC_TASK = "public_task", _("Public task")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title or role"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), max_length=254, blank=True)
    phone = models.CharField(
        _("phone"), max_length=32, blank=True, help_text=_("Stored in international format.")
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices)
    source = models.CharField(_("source"), max_length=20, choices=CompanySource.choices)
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    surveys_declined_on = models.DateField(
        _("declined surveys on"),
        null=True,
        blank=True,
        help_text=_("The person asked not to be sent surveys or requests to confirm outcomes."),
    )
    email_bouncing_since = models.DateTimeField(
        _("email bouncing since"),
        null=True,
        blank=True,
        help_text=_(
            "Mail to the address came back undelivered (a bounce). Cleared when the address changes."
        ),
    )
    email_bounce_reason = models.CharField(_("bounce reason"), max_length=300, blank=True)
    anonymised_at = models.DateTimeField(
        _("anonymised"),
        null=True,
        blank=True,
        help_text=_("When the person's data was erased, on request or by the retention job (privacy)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-is_primary", "name", "pk"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        constraints = [
            models.UniqueConstraint(
                fields=["company"], condition=Q(is_primary=True), name="contact_one_primary_per_company"
            ),
            models.UniqueConstraint(
                "company",
                Lower("email"),
                condition=~Q(email=""),
                name="contact_email_unique_per_company",
                violation_error_message=_("This company already has a contact with this email address."),
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis="consent") | Q(consent_given_on__isnull=False),
                name="contact_consent_has_date",
                violation_error_message=_("Enter the date when consent was given."),
            ),
        ]
        indexes = [models.Index(Lower("email"), name="contact_email_idx")]

    def __str__(self):
        return self.name

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)


# The kinds of company event that higher apps add (referrals: "referred", ...), registered in their
# AppConfig.ready() with `register_event_kinds`, so that this app never names them.
_OTHER_EVENT_KINDS: dict[str, Any] = {}


def register_event_kinds(choices) -> None:
    _OTHER_EVENT_KINDS.update(dict(choices))


def event_kinds() -> list[tuple[str, Any]]:
    """Every kind of company event: the register's own, then those the other apps registered."""
    return [*CompanyEvent.Kind.choices, *_OTHER_EVENT_KINDS.items()]


class CompanyEvent(models.Model):
    """An append-only entry on a company's timeline. Requests, referrals and activities add their own
    kinds (`register_event_kinds`)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Registered")
        UPDATED = "updated", _("Updated")
        CONTACT_ADDED = "contact_added", _("Contact added")
        CONTACT_UPDATED = "contact_updated", _("Contact updated")
        IMPORTED = "imported", _("Updated by import")
        MERGED = "merged", _("Merged")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="events", verbose_name=_("company")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=event_kinds)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("company event")
        verbose_name_plural = _("company events")
        indexes = [models.Index(fields=["company", "-created_at"], name="company_event_timeline_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.company_id}"
