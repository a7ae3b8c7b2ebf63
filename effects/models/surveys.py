"""Surveys to companies: satisfaction after a request closes, and follow-ups 6 and 12 months after help.

Each survey row is its own exactly-once ledger: it is unique per request (satisfaction) or per company,
wave and the help it follows (follow-up), is inserted before its email is queued in the same transaction,
and the email's outbox key is the survey's, so a second sweep or a re-run after a crash sends nothing twice.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    SKIPPED = "skipped", _("Not sent")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    DONT_KNOW = "dont_know", _("Don't know")


class SatisfactionSurvey(models.Model):
    """The one short survey after a request closed as "helped" or "referred onward"."""

    class SkipReason(models.TextChoices):
        NO_EMAIL = "no_email", _("No email address")
        OPTED_OUT = "opted_out", _("The contact does not want surveys")
        MERGED = "merged", _("The company was merged into another")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    request = models.OneToOneField(
        "referrals.AdviceRequest",
        on_delete=models.CASCADE,
        related_name="satisfaction_survey",
        verbose_name=_("request"),
    )
    # Who it is about, as it was when the request closed (the request's owner may change later).
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        related_name="satisfaction_surveys",
        verbose_name=_("partner"),
    )
    region = models.ForeignKey(
        "advisors.Region",
        on_delete=models.PROTECT,
        related_name="satisfaction_surveys",
        verbose_name=_("region"),
    )
    contact = models.ForeignKey(
        "companies.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.SENT
    )
    skip_reason = models.CharField(_("why not sent"), max_length=12, choices=SkipReason.choices, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    right_partner_in_one_day = models.CharField(
        _("reached the right partner within one working day"),
        max_length=10,
        choices=Answer.choices,
        blank=True,
    )
    handover_clear = models.CharField(
        _("the handover was clear"), max_length=10, choices=Answer.choices, blank=True
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="satisfaction_1_5",
            )
        ]
        indexes = [
            models.Index(fields=["region", "answered_at"], name="satisfaction_region_idx"),
            models.Index(fields=["organisation", "answered_at"], name="satisfaction_org_idx"),
        ]

    def __str__(self):
        return f"{self.request_id}: {self.get_status_display()}"


class FollowUpSurvey(models.Model):
    """A follow-up 6 or 12 months after a company got help, about Tillväxtverket's six signs of
    international business. An answer updates the company's flags with source "company survey"."""

    class Wave(models.IntegerChoices):
        SIX_MONTHS = 6, _("6 months")
        TWELVE_MONTHS = 12, _("12 months")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="follow_up_surveys",
        verbose_name=_("company"),
    )
    region = models.ForeignKey(
        "advisors.Region",
        on_delete=models.PROTECT,
        related_name="follow_up_surveys",
        verbose_name=_("region"),
    )
    wave = models.PositiveSmallIntegerField(_("wave"), choices=Wave.choices)
    helped_on = models.DateField(_("helped on"), help_text=_("The day of the help it follows up."))
    contact = models.ForeignKey(
        "companies.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.SENT
    )
    skip_reason = models.CharField(
        _("why not sent"), max_length=12, choices=SatisfactionSurvey.SkipReason.choices, blank=True
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    exports_goods = models.BooleanField(_("exports goods"), null=True)
    exports_services = models.BooleanField(_("exports services"), null=True)
    imports = models.BooleanField(_("imports"), null=True)
    international_cooperation = models.BooleanField(_("cooperates internationally"), null=True)
    foreign_group_member = models.BooleanField(_("part of a foreign group or chain"), null=True)
    operations_abroad = models.BooleanField(_("has operations abroad"), null=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("follow-up survey")
        verbose_name_plural = _("follow-up surveys")
        constraints = [
            models.UniqueConstraint(fields=["company", "wave", "helped_on"], name="follow_up_once_per_wave")
        ]
        indexes = [models.Index(fields=["region", "answered_at"], name="follow_up_region_idx")]

    def __str__(self):
        return f"{self.company_id}: {self.get_wave_display()} ({self.get_status_display()})"
