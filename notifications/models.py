"""The email outbox: every email the portal sends is first a row here, written in the caller's transaction.

A Celery task delivers it after commit; a periodic sweep retries what is still pending (broker or mail
server down). The optional `key` is unique, so queueing the same email twice is a no-op.

The guarantee: exactly once into the outbox; at least once to the mail server, with the same Message-ID
on every attempt. Each email is marked "sending" and committed before the mail server is contacted, and
marked "sent" as soon as the server accepts it, one email at a time. Only an email whose outcome is unknown
(the worker died, or the connection broke, after the message was handed over and before the server's
answer was recorded) is left "sending"; after OUTBOX_SENDING_TIMEOUT the sweep sends it again
(OUTBOX_SENDING_RECOVERY=retry: at least once, so the recipient may get it twice, with the same Message-ID,
which ordinary mail servers do not deduplicate) or holds it for a person to release or cancel (hold: at
most once for that email).
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import kinds


class OutboundEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now or timezone.now())

    def stuck(self, before):
        """Left "sending" since before `before`: the outcome of their last attempt is unknown."""
        return self.filter(status=OutboundEmail.Status.SENDING, sending_since__lt=before)

    def insert_if_key_is_new(self, email: "OutboundEmail") -> bool:
        """Insert `email` (it has a key) unless an email with its key exists; True if this call inserted it.

        One statement, INSERT … ON CONFLICT (key) DO NOTHING RETURNING id (PostgreSQL, and SQLite since
        3.35), where asking for the key, then inserting under a savepoint took four. A concurrent insert of
        the same key waits for the first transaction to end and then inserts nothing. Sets the new row's pk.
        The model has no save() of its own and no signal receivers: nothing is skipped.
        """
        meta, connection = self.model._meta, connections[self.db]
        fields = [field for field in meta.concrete_fields if not field.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        key, pk = quote(meta.get_field("key").column), quote(meta.pk.column)
        params = [field.get_db_prep_save(field.pre_save(email, add=True), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "  # noqa: S608 # nosec B608: the model's names, values are placeholders
                f"ON CONFLICT ({key}) DO NOTHING RETURNING {pk}",
                params,
            )
            row = cursor.fetchone()
        if row is None:
            return False
        email.pk = row[0]
        email._state.adding, email._state.db = False, self.db
        return True


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Committed before the mail server is contacted; left so only when the outcome is unknown.
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Left "sending" past the timeout with OUTBOX_SENDING_RECOVERY=hold: a person releases or cancels it.
        HELD = "held", _("Held (may have been sent)")
        CANCELLED = "cancelled", _("Cancelled")

    key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Identifies what this email is about, so that it is never queued twice."),
    )
    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sending_since = models.DateTimeField(
        _("sending since"),
        null=True,
        blank=True,
        help_text=_("When the last attempt handed the email to the mail server."),
    )
    # Threading (issue 20): what the email is about ("referrals.AdviceRequest:42"), so that a reply whose
    # In-Reply-To or References names this email's Message-ID lands on it; and the headers it goes out with.
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True, db_index=True)
    thread = models.CharField(_("thread"), max_length=80, blank=True, db_index=True)
    headers = models.JSONField(
        _("headers"),
        default=dict,
        blank=True,
        help_text=_("In-Reply-To, References, Reply-To and Auto-Submitted, as the email carries them."),
    )
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("Files sent with the email: their names in the attachments storage."),
    )

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="pending"), name="outbox_pending_idx"
            ),
            models.Index(
                fields=["sending_since"], condition=models.Q(status="sending"), name="outbox_sending_idx"
            ),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class Notification(models.Model):
    """An in-app notification for one person (the bell), stored as a kind and its parameters.

    It is worded when it is shown, in the reader's language (`notifications.kinds`), so that a person who
    reads the portal in English never sees a Swedish title, whatever the language it was created in.
    """

    recipient = models.ForeignKey(
        "advisors.User", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=kinds.choices)
    params = models.JSONField(
        _("parameters"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("What the notification is about (references, names, dates); worded when it is read."),
    )
    key = models.CharField(
        _("idempotency key"),
        max_length=200,
        help_text=_("What it is about; one notification per person and key."),
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def rendered(self):
        return kinds.render(self.kind, self.params)

    @property
    def title(self) -> str:
        """The title in the active language."""
        return self.rendered.title

    @property
    def url(self) -> str:
        """The link to what it is about, in the active language."""
        return self.rendered.url


class Reminder(models.Model):
    """The ledger of reminders: one row per (recipient, kind, target, occurrence date), ever.

    The unique constraint is what makes a reminder exactly-once: the sender inserts the row first
    (INSERT … ON CONFLICT DO NOTHING) and writes the notification and the email only for the rows it
    inserted, in the same transaction. A second sweep, an overlapping one or a re-run after a crash finds
    the row and sends nothing.
    """

    recipient = models.ForeignKey(
        "advisors.User", on_delete=models.CASCADE, related_name="reminders", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=kinds.reminder_choices)
    target_type = models.CharField(
        _("about (type)"), max_length=60, help_text=_("The model label of what it is about.")
    )
    target_id = models.PositiveBigIntegerField(_("about (id)"))
    occurrence = models.DateField(
        _("occurrence"), help_text=_("The day it is for, e.g. the day a follow-up reminds on.")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder (ledger)")
        verbose_name_plural = _("reminders (ledger)")
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id", "kind", "occurrence", "recipient"],
                name="reminder_once",
            )
        ]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="reminder_recipient_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.target_type}:{self.target_id} ({self.occurrence})"


class NotificationPreference(models.Model):
    """Whether a person wants a kind of notification in the portal, and by email. No row means the kind's
    default (`notifications.kinds`): in the portal always, by email for most kinds."""

    user = models.ForeignKey(
        "advisors.User",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=kinds.choices)
    in_app = models.BooleanField(_("in the portal"), default=True)
    email = models.BooleanField(_("by email"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once")]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()}"
