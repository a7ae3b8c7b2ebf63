"""Advice requests ("help me export"): what the SME asked for, its reference, status and timeline."""

import uuid
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from advisors.models import Organisation
from exportcenter.i18n import TranslatedField
from reference.models import EmployeeBand
from reference.validators import validate_employee_bands, validate_sni_sections, validate_turnover_classes


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


class ReferenceCounter(models.Model):
    """The last reference number given out per year; locked while a request takes the next one."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class AdviceRequestQuerySet(models.QuerySet):
    def unassigned_region(self):
        return self.filter(region__isnull=True)


class AdviceRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Triaged")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING_FOR_COMPANY = "waiting_for_company", _("Waiting for the company")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        MEETING = "meeting", _("Meeting")
        OUTREACH = "outreach", _("Outreach")

    class Sells(models.TextChoices):
        GOODS = "goods", _("Goods")
        SERVICES = "services", _("Services")
        BOTH = "both", _("Goods and services")

    class ContactMethod(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Outcome(models.TextChoices):
        HELPED = "helped", _("Helped")
        REFERRED_ONWARD = "referred_onward", _("Referred onward")
        NO_FURTHER_ACTION = "no_further_action", _("No further action")
        DUPLICATE = "duplicate", _("Duplicate")
        SPAM = "spam", _("Spam")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.NEW)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    region = models.ForeignKey(
        "advisors.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("region"),
        help_text=_("Empty: the county is served by no region; the request waits in the unassigned queue."),
    )
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="requests", verbose_name=_("company")
    )
    contact = models.ForeignKey(
        "companies.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("contact person"),
    )
    needs = models.ManyToManyField(NeedCategory, related_name="requests", verbose_name=_("needs"))
    target_markets = CountryField(_("target markets"), multiple=True, blank=True)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    sells = models.CharField(_("sells"), max_length=16, choices=Sells.choices, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="sv")
    preferred_contact_method = models.CharField(
        _("preferred way of contact"),
        max_length=16,
        choices=ContactMethod.choices,
        default=ContactMethod.EMAIL,
    )
    submitted = models.JSONField(
        _("as submitted"), default=dict, blank=True, help_text=_("What the company wrote about itself.")
    )
    owner_organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_requests",
        verbose_name=_("owning organisation"),
    )
    owner_advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_requests",
        verbose_name=_("advisor"),
    )
    owner_since = models.DateTimeField(
        _("with its owner since"),
        null=True,
        blank=True,
        help_text=_(
            "When the owning organisation got the request (routed, taken or referred and accepted). "
            "The dashboards measure “the right partner within one working day” with it."
        ),
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_comment = models.TextField(_("closing comment"), max_length=2000, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    first_response_due_at = models.DateTimeField(_("first response due"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    deadline_missed_at = models.DateTimeField(
        _("deadline missed"),
        null=True,
        blank=True,
        help_text=_("When the sweep found the first-response deadline missed (written once)."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    idempotency_key = models.CharField(_("submission id"), max_length=64, unique=True, null=True, blank=True)
    # A keyed hash of the company, the contact's email and the text (referrals.services.intake): the same
    # request sent again within INTAKE_DUPLICATE_WINDOW_SECONDS, with a new submission id, is the same one.
    fingerprint = models.CharField(
        _("submission fingerprint"), max_length=64, blank=True, default="", db_index=True, editable=False
    )
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        help_text=_("Kept as it is: the retention job does not remove the request's free text."),
    )
    anonymised_at = models.DateTimeField(
        _("anonymised"),
        null=True,
        blank=True,
        help_text=_("When the request's free text and the person's data were removed (privacy)."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AdviceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="request_number_unique_per_year"),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="request_closed_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""), name="request_closed_has_outcome"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "-created_at"], name="request_inbox_idx"),
            models.Index(fields=["owner_organisation", "status"], name="request_owner_org_idx"),
            models.Index(fields=["owner_advisor", "status"], name="request_owner_idx"),
            models.Index(
                fields=["first_response_due_at"],
                name="request_due_idx",
                condition=Q(first_response_at__isnull=True),
            ),
            # One index per inbox filter that the indexes above do not serve.
            models.Index(fields=["region", "-created_at"], name="request_region_recent_idx"),
            models.Index(fields=["channel", "-created_at"], name="request_channel_idx"),
            models.Index(fields=["priority", "-created_at"], name="request_priority_idx"),
            models.Index(fields=["-created_at"], name="request_created_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def deadline_state(self) -> str:
        """For the deadline badge: "responded", "overdue", "due_today" (Stockholm) or "open"."""
        if self.first_response_at is not None:
            return "responded"
        now = timezone.now()
        if now > self.first_response_due_at:
            return "overdue"
        if timezone.localdate(now) == timezone.localdate(self.first_response_due_at):
            return "due_today"
        return "open"


class RequestEvent(models.Model):
    """An append-only entry on a request's timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Received")
        STATUS_CHANGED = "status_changed", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Note")
        MESSAGE_TO_COMPANY = "message_to_company", _("Message to the company")
        MESSAGE_FROM_COMPANY = "message_from_company", _("Message from the company")
        DEADLINE_MISSED = "deadline_missed", _("Deadline missed")
        MERGED = "merged", _("Merged")
        PRIORITY_CHANGED = "priority_changed", _("Priority changed")
        CLAIMED = "claimed", _("Taken")
        REFERRED = "referred", _("Referred")
        REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
        REFERRAL_DECLINED = "referral_declined", _("Referral declined")
        REFERRAL_WITHDRAWN = "referral_withdrawn", _("Referral withdrawn")

    class Visibility(models.TextChoices):
        ALL_PARTNERS = "all", _("All partners")
        ORGANISATION = "organisation", _("My organisation only")

    request = models.ForeignKey(
        AdviceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    body = models.TextField(_("text"), max_length=5000, blank=True)
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=Visibility.choices, default=Visibility.ALL_PARTNERS
    )
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("The author's organisation; an organisation-only note is visible to it alone."),
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("referral"),
        help_text=_("The referral this event is about, if any."),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        indexes = [models.Index(fields=["request", "created_at"], name="request_event_timeline_idx")]

    def __str__(self):
        return f"{self.request_id}: {self.get_kind_display()}"


class InboxView(models.TextChoices):
    """The inbox's standard views."""

    NEW = "new", _("New")
    MINE = "mine", _("Mine")
    ORGANISATION = "organisation", _("My organisation")
    OVERDUE = "overdue", _("Overdue")
    OPEN = "open", _("All open")
    CLOSED = "closed", _("Closed")


class SavedView(models.Model):
    """A named inbox view with its filters, personal or shared with the owner's organisation."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("owner"),
    )
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_views",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=80)
    is_shared = models.BooleanField(
        _("shared with my organisation"),
        default=False,
        help_text=_("Colleagues of your organisation see it too."),
    )
    view = models.CharField(_("view"), max_length=16, choices=InboxView.choices, default=InboxView.OPEN)
    query = models.CharField(
        _("filters"),
        max_length=1000,
        blank=True,
        help_text=_("The inbox filters as a query string; checked again whenever the view is opened."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_unique_per_owner")
        ]
        indexes = [models.Index(fields=["organisation", "is_shared"], name="saved_view_shared_idx")]

    def __str__(self):
        return self.name


# --- Referrals between partners ---------------------------------------------------------------------


class ReferralQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Referral.Status.PENDING)

    def overdue(self, now=None):
        return self.pending().filter(due_at__lt=now or timezone.now())


class Referral(models.Model):
    """A request (all of it, or some of its needs) handed from one partner organisation to another.

    It waits for the receiver's answer: accepting the whole request makes the receiver its owner;
    accepting selected needs makes it a co-handler of those needs (`CoHandling`) while the owner stays.
    Every change goes through `referrals.services`; the request's timeline shows the whole chain.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Scope(models.TextChoices):
        WHOLE = "whole", _("The whole request")
        NEEDS = "needs", _("Selected needs")

    class ConsentMethod(models.TextChoices):
        """How the company said yes to its information being shared with the receiver."""

        PHONE = "phone", _("By phone")
        EMAIL = "email", _("By email")
        MEETING = "meeting", _("In a meeting")
        IN_REQUEST = "in_request", _("In writing, in its request or a message")
        OTHER = "other", _("Another way")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        AdviceRequest, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("request")
    )
    from_organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("from"),
        help_text=_("The organisation that referred the request: its owner at the time, or the referrer's."),
    )
    to_organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred by"),
    )
    scope = models.CharField(_("what is referred"), max_length=8, choices=Scope.choices, default=Scope.WHOLE)
    needs = models.ManyToManyField(
        NeedCategory,
        blank=True,
        related_name="+",
        verbose_name=_("needs"),
        help_text=_("The needs referred, when not the whole request."),
    )
    note = models.TextField(_("handover note"), max_length=3000)
    consent_confirmed = models.BooleanField(
        _("the company agreed"),
        default=False,
        help_text=_("The company agreed that its information is shared with the receiving organisation."),
    )
    consent_method = models.CharField(
        _("how the company agreed"), max_length=16, choices=ConsentMethod.choices
    )
    consent_details = models.CharField(
        _("about the consent"),
        max_length=300,
        blank=True,
        help_text=_("Who agreed and when, e.g. “Karin Berg, by phone on 3 March”."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(
        _("answer by"), help_text=_("One Swedish working day after it was sent (see exportcenter.workdays).")
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_referrals",
        verbose_name=_("advisor"),
        help_text=_("The receiving organisation's advisor who took it on, if one was named."),
    )
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "to_organisation"],
                condition=Q(status="pending"),
                name="referral_one_pending_per_receiver",
                violation_error_message=_("This organisation already has a pending referral of the request."),
            ),
            # A request has one owner: it is offered to one organisation at a time.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="pending", scope="whole"),
                name="referral_one_pending_whole_request",
                violation_error_message=_("The whole request is already referred and waiting for an answer."),
            ),
            models.CheckConstraint(condition=Q(consent_confirmed=True), name="referral_has_consent"),
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")), name="referral_to_another_org"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="referral_decline_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(answered_at__isnull=False), name="referral_answer_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["to_organisation", "status", "-created_at"], name="referral_to_idx"),
            models.Index(fields=["from_organisation", "status", "-created_at"], name="referral_from_idx"),
            models.Index(fields=["due_at"], name="referral_due_idx", condition=Q(status="pending")),
        ]

    def __str__(self):
        return f"{self.request.reference}: {self.from_organisation.name} → {self.to_organisation.name}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_whole_request(self) -> bool:
        return self.scope == self.Scope.WHOLE

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and timezone.now() > self.due_at

    @property
    def due_state(self) -> str:
        """For the due badge: "answered", "overdue", "due_today" (Stockholm) or "open"."""
        if not self.is_pending:
            return "answered"
        now = timezone.now()
        if now > self.due_at:
            return "overdue"
        if timezone.localdate(now) == timezone.localdate(self.due_at):
            return "due_today"
        return "open"


class CoHandling(models.Model):
    """A partner that helps with some of a request's needs while another organisation owns it."""

    request = models.ForeignKey(
        AdviceRequest, on_delete=models.CASCADE, related_name="co_handlings", verbose_name=_("request")
    )
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        related_name="co_handlings",
        verbose_name=_("organisation"),
    )
    need = models.ForeignKey(NeedCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("need"))
    referral = models.ForeignKey(
        Referral,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="co_handlings",
        verbose_name=_("referral"),
        help_text=_("The accepted referral that made the organisation a co-handler."),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("co-handling")
        verbose_name_plural = _("co-handlings")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation", "need"], name="co_handling_once_per_need"
            )
        ]
        indexes = [models.Index(fields=["organisation", "request"], name="co_handling_org_idx")]

    def __str__(self):
        return f"{self.request.reference}: {self.organisation.name} ({self.need.name})"


class CompanyEventKind(models.TextChoices):
    """What a referral writes on the company's timeline (registered with companies when the app is ready)."""

    REFERRED = "referred", _("Request referred")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined")
    REFERRAL_WITHDRAWN = "referral_withdrawn", _("Referral withdrawn")


# --- The service catalogue: what the partners offer, matched to needs by routing.py ---------------


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
