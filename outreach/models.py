"""Outreach (uppsökande verksamhet): campaigns and their target companies, activities, and follow-ups."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CampaignQuerySet(models.QuerySet):
    def running_on(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Campaign(models.Model):
    """A planned round of contacts with a set of companies, e.g. manufacturers in Enköping that have
    never exported. The target list is frozen into members when the campaign is created."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    goal = models.TextField(_("goal"), max_length=2000, blank=True, help_text=_("What the campaign is for."))
    region = models.ForeignKey(
        "advisors.Region", on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("region")
    )
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("owning organisation"),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    target_filter = models.JSONField(
        _("target filter"),
        default=dict,
        blank=True,
        help_text=_("The company filter the target list was built from, as it was then."),
    )
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

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name", "pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("The campaign cannot end before it starts."),
            )
        ]
        indexes = [models.Index(fields=["region", "-starts_on"], name="campaign_region_idx")]

    def __str__(self):
        return self.name


class CampaignMember(models.Model):
    """A company on a campaign's target list, and how far the contact with it has come."""

    class Status(models.TextChoices):
        TO_CONTACT = "to_contact", _("To contact")
        CONTACTED = "contacted", _("Contacted")
        MEETING_BOOKED = "meeting_booked", _("Meeting booked")
        REQUEST_CREATED = "request_created", _("Request created")
        NOT_INTERESTED = "not_interested", _("Not interested")
        NOW_EXPORTING = "now_exporting", _("Now exporting")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="members", verbose_name=_("campaign")
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="campaign_memberships",
        verbose_name=_("company"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TO_CONTACT)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    removed_at = models.DateTimeField(
        _("removed"),
        null=True,
        blank=True,
        help_text=_("Removed from the target list; its activities and follow-ups stay."),
    )

    class Meta:
        ordering = ["company__name", "pk"]
        verbose_name = _("campaign member")
        verbose_name_plural = _("campaign members")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "company"], name="campaign_member_once"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="campaign_member_status_idx"),
            models.Index(fields=["company"], name="campaign_member_company_idx"),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.company}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @classmethod
    def before_company_merge(cls, *, survivor, duplicate) -> None:
        """Called by `companies.services.merge_companies` before rows move to the survivor.

        A campaign may hold both companies: the survivor's membership stays, the duplicate's activities
        and follow-ups move to it, and the duplicate's membership goes (a campaign holds a company once).
        """
        survivor_members = dict(
            cls.objects.filter(company=survivor).values_list("campaign_id", "pk").order_by("campaign_id")
        )
        for member in cls.objects.filter(company=duplicate, campaign_id__in=survivor_members):
            keep = survivor_members[member.campaign_id]
            Activity.objects.filter(campaign_member=member).update(campaign_member_id=keep)
            FollowUp.objects.filter(campaign_member=member).update(campaign_member_id=keep)
            member.delete()


class Activity(models.Model):
    """Something advisors did with a company: a visit, a call, a meeting, a seminar, a study visit or an
    email. It may belong to a campaign (through the company's membership) or to a request."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        SEMINAR = "seminar", _("Seminar")
        STUDY_VISIT = "study_visit", _("Study visit")
        MATCHMAKING = "matchmaking", _("Matchmaking")
        DELEGATION = "delegation", _("Delegation")
        EMAIL = "email", _("Email")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="activities", verbose_name=_("company")
    )
    occurred_on = models.DateField(_("date"))
    campaign_member = models.ForeignKey(
        CampaignMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("campaign"),
    )
    request = models.ForeignKey(
        "referrals.AdviceRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("request"),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="outreach_activities",
        verbose_name=_("participating advisors"),
    )
    contacts = models.ManyToManyField(
        "companies.Contact", blank=True, related_name="activities", verbose_name=_("contacts met")
    )
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    outcome = models.TextField(_("outcome"), max_length=2000, blank=True)
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged for"),
        help_text=_("The organisation of the advisor who logged it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["company", "-occurred_on"], name="activity_company_idx"),
            models.Index(fields=["request", "-occurred_on"], name="activity_request_idx"),
            models.Index(fields=["campaign_member"], name="activity_member_idx"),
            models.Index(fields=["-occurred_on", "-id"], name="activity_recent_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.company_id} ({self.occurred_on})"


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=FollowUp.Status.OPEN)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


class FollowUp(models.Model):
    """Something an advisor must do by a date, about a company, a request, an activity or a campaign
    member. Its owner is reminded on the morning of the due date (the working day before, when that day
    is not a working day)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("owner")
    )
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("organisation"),
        help_text=_("The owner's organisation, whose people see the follow-up."),
    )
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("company")
    )
    request = models.ForeignKey(
        "referrals.AdviceRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("request"),
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("activity"),
    )
    campaign_member = models.ForeignKey(
        CampaignMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("campaign member"),
    )
    description = models.TextField(_("what to do"), max_length=1000)
    due_on = models.DateField(_("due date"))
    due_time = models.TimeField(_("time"), null=True, blank=True)
    remind_on = models.DateField(
        _("reminder day"),
        help_text=_("The due date, or the working day before it when it is not a working day."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
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

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "due_time", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(remind_on__lte=F("due_on")), name="follow_up_reminds_by_due_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="open") | Q(completed_at__isnull=True),
                name="follow_up_open_not_completed",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="follow_up_owner_idx"),
            models.Index(fields=["organisation", "status", "due_on"], name="follow_up_org_idx"),
            models.Index(fields=["company", "status"], name="follow_up_company_idx"),
            models.Index(fields=["request"], name="follow_up_request_idx"),
            # The reminder sweeps read open follow-ups by reminder day and by due date.
            models.Index(fields=["remind_on", "id"], condition=Q(status="open"), name="follow_up_remind_idx"),
            models.Index(fields=["due_on", "id"], condition=Q(status="open"), name="follow_up_due_idx"),
        ]

    def __str__(self):
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def attached_to(self):
        """What it is about, most specific first."""
        return self.activity or self.request or self.campaign_member or self.company


class CalendarFeed(models.Model):
    """An advisor's private iCalendar feed of their follow-ups and activities (`outreach.calendar_feed`).

    The feed's address holds a secret token. Only its SHA-256 is stored, for the lookup; the token itself is
    derived from `nonce` with the site's SECRET_KEY (an HMAC), so that the page can show the address again
    while a copy of the database alone cannot open anyone's feed. Renewing draws a new nonce: the old address
    stops working. Revoking keeps the row, so that the page and the admin can tell when it was revoked.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("owner"),
    )
    nonce = models.CharField(_("nonce"), max_length=64, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    renewed_at = models.DateTimeField(_("address made"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)

    class Meta:
        ordering = ["-renewed_at", "pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return _("Calendar feed of %(owner)s") % {"owner": self.owner}

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
