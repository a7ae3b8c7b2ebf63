"""Advice requests ("help me export"): what the SME asked for, its reference, status and timeline."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .needs import NeedCategory


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
            # The routing suggestions' workload: open requests per owner, without reading the closed ones.
            models.Index(
                fields=["owner_organisation"], name="request_open_owner_idx", condition=~Q(status="closed")
            ),
            # The dashboards' workload: a region's open requests by owner and deadline, from the index alone.
            models.Index(
                fields=["region"],
                name="request_open_region_idx",
                include=["owner_organisation", "owner_advisor", "first_response_at", "first_response_due_at"],
                condition=~Q(status="closed"),
            ),
            models.Index(fields=["owner_advisor", "status"], name="request_owner_idx"),
            models.Index(
                fields=["first_response_due_at"],
                name="request_due_idx",
                condition=Q(first_response_at__isnull=True),
            ),
            # One index per inbox filter that the indexes above do not serve. The region's also gives the
            # dashboards a period's companies and response times without reading the rows (PostgreSQL).
            models.Index(
                fields=["region", "-created_at"],
                name="request_region_recent_idx",
                include=["id", "company", "first_response_at"],
            ),
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
        now = timezone.now()
        return self.deadline_state_at(now, timezone.localdate(now))

    def deadline_state_at(self, now, today) -> str:
        """`deadline_state` at `now` (whose local date is `today`), for a list that asks once a page."""
        if self.first_response_at is not None:
            return "responded"
        if now > self.first_response_due_at:
            return "overdue"
        if today == timezone.localdate(self.first_response_due_at):
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
        EMAIL_BOUNCED = "email_bounced", _("Email to the company bounced")

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
