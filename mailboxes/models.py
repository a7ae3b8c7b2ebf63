"""Mailboxes that requests and replies arrive in by email, and the messages taken from them (issue 20).

A mailbox belongs to an organisation (its address) or to a region (the region's shared address). The poller
(`mailboxes.poller`) takes each message once: (mailbox, Message-ID) is unique, and an IMAP message's UID
(with the folder's UIDVALIDITY) is remembered. Every message taken is a row here, whatever became of it: a
new request, a reply on a request's timeline, an auto-reply, a bounce, or refused.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Mailbox(models.Model):
    class Kind(models.TextChoices):
        IMAP = "imap", _("IMAP over TLS")
        LOCAL = "local", _("Folder on the server (Maildir)")

    class Security(models.TextChoices):
        TLS = "tls", _("TLS (port 993)")
        STARTTLS = "starttls", _("STARTTLS (port 143)")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120, help_text=_("What advisors call this mailbox."))
    address = models.EmailField(
        _("email address"),
        max_length=254,
        help_text=_("The address companies write to. Replies to the portal's emails come back here."),
    )
    region = models.ForeignKey(
        "advisors.Region",
        on_delete=models.PROTECT,
        related_name="mailboxes",
        verbose_name=_("region"),
        help_text=_("New requests from this mailbox go to this region's inbox."),
    )
    organisation = models.ForeignKey(
        "advisors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mailboxes",
        verbose_name=_("organisation"),
        help_text=_("Empty: the region's shared address; new requests wait for triage."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.IMAP)
    host = models.CharField(_("server"), max_length=253, blank=True)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("security"), max_length=10, choices=Security.choices, default=Security.TLS)
    username = models.CharField(_("user name"), max_length=254, blank=True)
    # A Fernet token (mailboxes.secrets); never shown, logged or exported.
    password_encrypted = models.TextField(_("password (encrypted)"), blank=True, editable=False)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    processed_folder = models.CharField(
        _("folder for processed messages"),
        max_length=200,
        blank=True,
        default="Processed",
        help_text=_("Messages taken are moved here. Empty: they stay where they are and are flagged."),
    )
    poll_interval_seconds = models.PositiveIntegerField(
        _("poll every (seconds)"), default=60, help_text=_("How often the mailbox is read.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_poll_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful poll"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    messages_taken = models.PositiveIntegerField(_("messages taken"), default=0)
    uidvalidity = models.PositiveBigIntegerField(_("UIDVALIDITY"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.UniqueConstraint(
                Lower("address"),
                condition=Q(is_active=True),
                name="mailbox_active_address_unique",
                violation_error_message=_("Another active mailbox has this address."),
            ),
            models.CheckConstraint(
                condition=Q(kind="local") | ~Q(host=""),
                name="mailbox_imap_has_host",
                violation_error_message=_("An IMAP mailbox needs a server."),
            ),
        ]
        indexes = [models.Index(fields=["is_active", "last_poll_at"], name="mailbox_due_idx")]

    def __str__(self):
        return f"{self.name} <{self.address}>"

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)


class InboundMessage(models.Model):
    """One message taken from a mailbox, and what became of it."""

    class Outcome(models.TextChoices):
        NEW_REQUEST = "new_request", _("New request")
        REPLY = "reply", _("Reply on a request")
        AUTO_REPLY = "auto_reply", _("Auto-reply (ignored)")
        BOUNCE = "bounce", _("Bounce")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Could not be read")

    class MatchedBy(models.TextChoices):
        IN_REPLY_TO = "in_reply_to", _("In-Reply-To or References")
        PLUS_ADDRESS = "plus_address", _("Reply address")
        REFERENCE = "reference", _("Reference in the subject")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, related_name="messages", verbose_name=_("mailbox")
    )
    message_id = models.CharField(
        _("Message-ID"),
        max_length=500,
        help_text=_("As the message gave it; made from its content when it had none."),
    )
    uid = models.PositiveBigIntegerField(_("UID"), null=True, blank=True)
    uidvalidity = models.PositiveBigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    matched_by = models.CharField(_("matched by"), max_length=16, choices=MatchedBy.choices, blank=True)
    from_address = models.CharField(_("from (address)"), max_length=320, blank=True)
    from_name = models.CharField(_("from (name)"), max_length=200, blank=True)
    to_addresses = models.JSONField(_("to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sent_at = models.DateTimeField(
        _("sent"), null=True, blank=True, help_text=_("The message's Date header.")
    )
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=500, blank=True)
    references = models.TextField(_("References"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True, help_text=_("Selected headers."))
    body_text = models.TextField(_("text"), blank=True, help_text=_("The whole text, as plain text."))
    body_html = models.TextField(_("HTML (sanitised)"), blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    request = models.ForeignKey(
        "referrals.AdviceRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("request"),
    )
    event = models.ForeignKey(
        "referrals.RequestEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("timeline entry"),
    )
    error = models.CharField(_("error"), max_length=500, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken"), auto_now_add=True)

    class Meta:
        ordering = ["-taken_at", "-pk"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "message_id"], name="inbound_message_once"),
        ]
        indexes = [
            models.Index(fields=["mailbox", "-taken_at"], name="inbound_mailbox_recent_idx"),
            models.Index(fields=["mailbox", "uidvalidity", "uid"], name="inbound_uid_idx"),
            models.Index(fields=["request", "taken_at"], name="inbound_request_idx"),
        ]

    def __str__(self):
        return f"{self.from_address}: {self.subject}"
