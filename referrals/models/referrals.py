"""Referrals between partners, the co-handling they lead to, and what they write on a company's timeline."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .needs import NeedCategory
from .requests import AdviceRequest


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
            # The requests an organisation sees by its referrals (advisors/access/requests.py), read from the
            # index alone.
            models.Index(fields=["to_organisation", "status", "request"], name="referral_to_request_idx"),
            models.Index(fields=["from_organisation", "request"], name="referral_from_request_idx"),
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
