"""Queue and deliver email through the outbox. Delivery runs in Celery tasks, never in a web request."""

import hashlib
import hmac
import json
import logging
import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.files.storage import storages
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from advisors.password_reset import reset_emails
from exportcenter import after_commit, broker
from exportcenter.celery import task_named

from . import kinds
from .kinds import render
from .models import Notification, NotificationPreference, OutboundEmail, Reminder

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def queue_email(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    key: str | None = None,
    thread: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> OutboundEmail:
    """Write the email to the outbox and deliver it after the surrounding transaction commits.

    With a `key`, a second call for the same key returns the first email and queues nothing. The email's
    Message-ID is made now (`new_message_id`) and kept on the row: every attempt sends the same one, and a
    reply naming it finds the `thread`. `headers`: In-Reply-To, References, Reply-To, Auto-Submitted (others
    are ignored). `attachments`: [{"name", "path", "content_type"}], `path` in the "attachments" storage.
    """
    email = OutboundEmail(
        key=key,
        to=to,
        subject=" ".join(subject.split())[:300],
        body_text=body_text,
        body_html=body_html,
        message_id=new_message_id(key),
        thread=thread[:80],
        headers=_allowed_headers(headers),
        attachments=list(attachments or []),
    )
    if key is None:
        email.save()
    elif not OutboundEmail.objects.insert_if_key_is_new(email):
        return OutboundEmail.objects.get(key=key)  # queued before (or by a concurrent caller): that one
    after_commit.collect(_deliver_after_commit, email.pk)
    return email


def _deliver_after_commit(email_ids: list[int]) -> None:
    """The emails one transaction queued, in one broker message and over one mail-server connection."""
    if len(email_ids) == 1:
        _enqueue(task_named("notifications.tasks.deliver_email"), email_ids[0])
    else:
        _enqueue(task_named("notifications.tasks.deliver_emails"), email_ids)


# The headers a caller may set (the rest are the mail library's); values are one line, no CR or LF.
THREAD_HEADERS = ("In-Reply-To", "References", "Reply-To", "Auto-Submitted")


def _allowed_headers(headers: dict[str, str] | None) -> dict[str, str]:
    clean = {}
    for name, value in (headers or {}).items():
        if name in THREAD_HEADERS and value:
            clean[name] = " ".join(str(value).split())[:2000]
    return clean


def mail_domain() -> str:
    """The domain of the portal's Message-IDs: DEFAULT_FROM_EMAIL's."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "exportcenter.localhost"


def new_message_id(key: str | None = None) -> str:
    """A Message-ID nobody can guess: an HMAC (SECRET_KEY) of the email's key, or of a random token.

    A reply's In-Reply-To that names it therefore names an email the portal sent (mailboxes.ingest trusts
    it to thread the reply onto the request).
    """
    seed = f"outbox:{key}" if key else f"outbox-random:{secrets.token_hex(16)}"
    digest = hmac.new(settings.SECRET_KEY.encode(), seed.encode(), hashlib.sha256).hexdigest()[:32]
    return f"<{digest}@{mail_domain()}>"


@dataclass(frozen=True)
class EmailDraft:
    key: str
    to: str
    subject: str
    body_text: str
    body_html: str = ""


def queue_emails(drafts: list[EmailDraft]) -> list[int]:
    """Write many emails to the outbox at once and deliver them in one task after commit.

    Like `queue_email`, a key that is queued already is not queued again. Returns the outbox ids of the
    drafts' keys (new or not).
    """
    if not drafts:
        return []
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                key=draft.key,
                to=draft.to,
                subject=" ".join(draft.subject.split())[:300],
                body_text=draft.body_text,
                body_html=draft.body_html,
                message_id=new_message_id(draft.key),
            )
            for draft in drafts
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    ids = list(
        OutboundEmail.objects.filter(
            key__in=[draft.key for draft in drafts], status=OutboundEmail.Status.PENDING
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: _enqueue(task_named("notifications.tasks.deliver_emails"), ids))
    return ids


_broker_down_until = broker.down_until  # the process's broker back-off (tests reset it)


def _enqueue(task, email_id) -> None:
    """Hand the email (or a list of them) to the broker (bounded: exportcenter/broker.py). If the broker is
    down, the periodic sweep (`flush-email-outbox`) sends it later."""
    if not broker.publish(task, email_id):
        logger.warning("Broker unavailable; email %s stays in the outbox for the sweep.", email_id)


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


def message_id(email: OutboundEmail) -> str:
    """The email's Message-ID: the same for every attempt at one outbox row.

    Made when the email was queued (`new_message_id`) and kept on the row. An email whose outcome was
    unknown (the worker died after the mail server took the message, before the row was marked sent) may be
    sent again: with the same Message-ID, so that the two copies can be told to be one email. Ordinary mail
    servers still deliver both. Rows queued before issue 20 have none stored: theirs is derived from the row.
    """
    if email.message_id:
        return email.message_id
    digest = hashlib.sha256((email.key or str(email.pk)).encode()).hexdigest()[:16]
    return f"<outbox.{email.pk}.{digest}@{mail_domain()}>"


# What one attempt did: sent; skipped (not pending); failed (the mail server refused, or could not be
# reached: pending again, with a back-off); unknown (the message was handed over and no answer came: left
# "sending" for the recovery of the sweep).
SENT, SKIPPED, FAILED, UNKNOWN = "sent", "skipped", "failed", "unknown"


def deliver(email_id: int) -> bool:
    """Send one pending email. Returns True when this call sent it.

    The email is marked "sending" and committed before the mail server is contacted, and marked sent as
    soon as the server accepts it. Two workers never send the same email: only one of them changes it
    from pending to sending. A refusal or an unreachable server leaves it pending with a back-off, until
    MAX_ATTEMPTS; a broken connection after the message was handed over leaves it "sending".
    """
    if not OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING).exists():
        return False  # sent already, or being sent: no connection to the mail server for nothing
    mail_connection = get_connection()
    try:
        mail_connection.open()
    except Exception as exc:  # the mail server is unreachable: nothing was handed over
        _record_failure(email_id, f"{exc.__class__.__name__}: {exc}"[:500], claimed=False)
        return False
    try:
        return _deliver(email_id, mail_connection) == SENT
    finally:
        _close(mail_connection)


def _close(mail_connection) -> None:
    try:
        mail_connection.close()
    except Exception:  # closing a broken connection must not hide what was sent
        logger.warning("Could not close the mail connection cleanly.")


def _claim_sql() -> str:
    """Mark one pending email "sending" (an attempt more), returning what to send.

    On PostgreSQL the row is found by its primary key alone and its status checked afterwards: with
    `status = 'pending'` in the same condition, stale statistics (a sweep has just added thousands of
    rows) can make the planner walk the partial index of pending emails for every single email.
    """
    q = connection.ops.quote_name
    table = q(OutboundEmail._meta.db_table)
    columns = ("id", "key", "to", "subject", "body_text", "body_html", "message_id", "headers", "attachments")
    changes = (
        f"{q('status')} = %s, {q('sending_since')} = %s, "
        f"{q('attempts')} = {table}.{q('attempts')} + 1, {q('last_error')} = ''"
    )
    if connection.vendor == "postgresql":
        returning = ", ".join(f"{table}.{q(column)}" for column in columns)
        return (
            f"WITH target AS (SELECT {q('id')}, {q('status')} FROM {table} WHERE {q('id')} = %s FOR UPDATE) "  # noqa: S608 # nosec B608: names are the model's, values parameters
            f"UPDATE {table} SET {changes} FROM target WHERE {table}.{q('id')} = target.{q('id')} "
            f"AND target.{q('status')} = %s RETURNING {returning}"
        )
    returning = ", ".join(q(column) for column in columns)
    return (
        f"UPDATE {table} SET {changes} WHERE {q('id')} = %s AND {q('status')} = %s "  # noqa: S608 # nosec B608: names are the model's, values parameters
        f"RETURNING {returning}"
    )


def _claim_params(email_id: int) -> list:
    Status = OutboundEmail.Status
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    if connection.vendor == "postgresql":
        return [email_id, Status.SENDING, now, Status.PENDING]
    return [Status.SENDING, now, email_id, Status.PENDING]


def _claim(email_id: int) -> OutboundEmail | None:
    """Pending → sending, committed (unless inside a caller's transaction) before the server is contacted."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_claim_sql(), _claim_params(email_id))
        row = cursor.fetchone()
    if row is None:
        return None
    return OutboundEmail(
        pk=row[0],
        key=row[1],
        to=row[2],
        subject=row[3],
        body_text=row[4],
        body_html=row[5],
        message_id=row[6],
        headers=_json(row[7], {}),
        attachments=_json(row[8], []),
    )


def _json(value, default):
    """A JSON column read by raw SQL: text on SQLite (and with Django's psycopg set-up), decoded elsewhere."""
    if value is None:
        return default
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def _message(email: OutboundEmail, mail_connection) -> EmailMultiAlternatives:
    """The email as it goes out: its Message-ID, threading headers, Reply-To and attachments."""
    headers = {"Message-ID": message_id(email)}
    headers.update(
        {
            name: value
            for name, value in (email.headers or {}).items()
            if name in THREAD_HEADERS and name != "Reply-To"
        }
    )
    reply_to = (email.headers or {}).get("Reply-To")
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
        connection=mail_connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.attachments:
        storage = storages["attachments"]
        for item in email.attachments:
            with storage.open(item["path"], "rb") as handle:
                message.attach(
                    item.get("name") or "attachment",
                    handle.read(),
                    item.get("content_type") or "application/octet-stream",
                )
    return message


# The mail server answered: it refused this message (a definite "not sent").
REFUSED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)


def _deliver(email_id: int, mail_connection) -> str:
    """SENT, SKIPPED (no longer pending), FAILED (the mail server refused it) or UNKNOWN.

    1. The row goes from pending to "sending", and that is committed: one worker wins it.
    2. The message is handed to the mail server (no transaction is open meanwhile).
    3. The server accepted it: the row is marked sent at once, in its own commit.
    A refusal puts the row back to pending (with a back-off). A worker that dies during 2 or before 3, or a
    connection that breaks before the server's answer, leaves the row "sending": the sweep's recovery
    sends it again after OUTBOX_SENDING_TIMEOUT (same Message-ID) or holds it for a person.
    """
    email = _claim(email_id)
    if email is None:
        return SKIPPED
    try:
        message = _message(email, mail_connection)
    except OSError as exc:  # an attachment could not be read (storage down): try again later
        _record_failure(email_id, f"{exc.__class__.__name__}: {exc}"[:500])
        return FAILED
    try:
        message.send()
    except REFUSED as exc:
        _record_failure(email_id, f"{exc.__class__.__name__}: {exc}"[:500])
        return FAILED
    except Exception as exc:  # the connection broke: the server may or may not have taken it
        error = f"Outcome unknown: {exc.__class__.__name__}: {exc}"[:500]
        OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.SENDING).update(
            last_error=error
        )
        logger.warning("Email %s: %s; it stays 'sending' for the recovery.", email_id, error)
        return UNKNOWN
    OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.SENDING).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now()
    )
    return SENT


@transaction.atomic
def _record_failure(email_id: int, error: str, *, claimed: bool = True) -> None:
    """Back to pending with a back-off (failed for good after MAX_ATTEMPTS). A claimed attempt was counted
    when it was marked "sending"; an attempt that never reached the server is counted here."""
    Status = OutboundEmail.Status
    email = (
        OutboundEmail.objects.select_for_update()
        .filter(pk=email_id, status=Status.SENDING if claimed else Status.PENDING)
        .first()
    )
    if email is None:
        return
    if not claimed:
        email.attempts += 1
    email.last_error = error
    email.next_attempt_at = timezone.now() + _backoff(email.attempts)
    email.status = Status.FAILED if email.attempts >= MAX_ATTEMPTS else Status.PENDING
    email.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
    logger.warning("Email %s not sent (attempt %s): %s", email.pk, email.attempts, error)


@dataclass
class Delivery:
    """What `deliver_many` did: the emails it sent, and those to try again later (mail server errors)."""

    sent: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)


def deliver_many(email_ids: list[int]) -> Delivery:
    """Send several pending emails over one mail-server connection (a reminder sweep sends thousands).

    Each email is marked "sending", sent and marked sent on its own, exactly like `deliver`: no transaction
    spans two emails. At the first mail-server error the rest are not tried: they are returned in `retry`,
    with the refused one (an email whose outcome is unknown is left to the recovery).
    """
    result = Delivery()
    pending = list(
        OutboundEmail.objects.filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pending:
        return result
    mail_connection = get_connection()
    try:
        mail_connection.open()
    except Exception as exc:  # the mail server is unreachable: nothing was attempted
        logger.warning("Mail server unavailable (%s); %s emails wait for a retry.", exc, len(pending))
        result.retry = pending
        return result
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Marking an email sending or sent need not wait for the disk flush: a sweep of thousands would
        # feel those milliseconds. The marks are still atomic and survive a crash of the worker; only a
        # crash of the database server in the next fraction of a second could lose one, and then that
        # email is sent again, with the same Message-ID (at least once, as always).
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        for position, email_id in enumerate(pending):
            outcome = _deliver(email_id, mail_connection)
            if outcome == SENT:
                result.sent.append(email_id)
            elif outcome == FAILED:
                # After MAX_ATTEMPTS an email has failed for good and is not retried; the rest are.
                again = OutboundEmail.objects.filter(
                    pk=email_id, status=OutboundEmail.Status.PENDING
                ).exists()
                result.retry = ([email_id] if again else []) + pending[position + 1 :]
                break
            elif outcome == UNKNOWN:
                # The connection broke mid-message: that one waits for the recovery, the rest are retried.
                result.retry = pending[position + 1 :]
                break
    finally:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        _close(mail_connection)
    return result


def retry_delay(retries: int) -> int:
    """Seconds before retry number `retries + 1` of a delivery task: 1, 2, 4, … minutes, at most 4 hours."""
    return min(60 * 2**retries, 4 * 60 * 60)


def recover_sending(now=None) -> int:
    """Emails left "sending" past OUTBOX_SENDING_TIMEOUT (their outcome is unknown): by
    OUTBOX_SENDING_RECOVERY, pending again to be sent now with the same Message-ID ("retry": at least once)
    or held for a person to release or cancel ("hold": at most once). Returns how many."""
    now = now or timezone.now()
    stuck = OutboundEmail.objects.stuck(now - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT))
    if settings.OUTBOX_SENDING_RECOVERY == "hold":
        count = stuck.update(status=OutboundEmail.Status.HELD)
    else:
        count = stuck.update(status=OutboundEmail.Status.PENDING, next_attempt_at=now)
    if count:
        logger.warning("%s emails left 'sending' recovered (%s).", count, settings.OUTBOX_SENDING_RECOVERY)
    return count


def release_held(ids) -> int:
    """A person decided to send held emails again: pending now (same Message-ID). Returns how many."""
    with transaction.atomic():
        released = list(
            OutboundEmail.objects.select_for_update()
            .filter(pk__in=list(ids), status=OutboundEmail.Status.HELD)
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=released).update(
            status=OutboundEmail.Status.PENDING, next_attempt_at=timezone.now()
        )
        for email_id in released:
            transaction.on_commit(
                lambda email_id=email_id: _enqueue(task_named("notifications.tasks.deliver_email"), email_id)
            )
    return len(released)


def cancel_held(ids) -> int:
    """A person decided a held email is not sent again (it probably arrived). Returns how many."""
    return OutboundEmail.objects.filter(pk__in=list(ids), status=OutboundEmail.Status.HELD).update(
        status=OutboundEmail.Status.CANCELLED
    )


def flush_outbox(*, limit: int = 500) -> int:
    """Recover emails left "sending", then deliver pending emails whose time has come. Returns how many
    were sent."""
    recover_sending()
    due_ids = list(
        OutboundEmail.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(email_id) for email_id in due_ids)


def notify_each(notifications: list[Notification]) -> int:
    """Create different notifications for different people at once; existing (recipient, key) pairs are
    left alone. The caller leaves out people who turned the kind off (`muted`)."""
    return len(Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=500))


def tell(*, recipients, kind: str, params: dict, key: str) -> list:
    """Tell these people about something: in the portal, unless they turned the kind off, and by email
    where their preferences (or the kind's default) say so. A second call with the same key adds nothing.

    Returns the people told in the portal. The email is worded in each person's language, with a link to
    what it is about and to the preferences.
    """
    people = list(
        {person.pk: person for person in recipients if person is not None and person.is_active}.values()
    )
    if not people:
        return []
    ids = {person.pk for person in people}
    silent, by_email = wishes(ids, kind)
    told = [person for person in people if person.pk not in silent]
    notify_each([Notification(recipient=person, kind=kind, params=params, key=key) for person in told])
    for person in people:
        if person.pk in by_email and person.email:
            _email_notification(person, kind=kind, params=params, key=f"{key}:{person.pk}")
    return told


def email_address(*, to: str, kind: str, params: dict, key: str, language: str = "sv") -> None:
    """An organisation's functional address hears of it by email (in Swedish, a Swedish organisation's)."""
    if to:
        _queue_notification_email(to=to, name="", kind=kind, params=params, key=key, language=language)


def _email_notification(person, *, kind: str, params: dict, key: str) -> None:
    _queue_notification_email(
        to=person.email,
        name=person.get_short_name(),
        kind=kind,
        params=params,
        key=key,
        language=person.preferred_language,
    )


def _queue_notification_email(*, to: str, name: str, kind: str, params: dict, key: str, language: str):
    with translation.override(language):
        rendered = render(kind, params)
        context = {
            "name": name,
            "title": rendered.title,
            "url": f"{settings.SITE_URL}{rendered.url}" if rendered.url else "",
            "preferences_url": f"{settings.SITE_URL}{reverse('notifications:preferences')}" if name else "",
            "site_url": settings.SITE_URL,
        }
        queue_email(
            key=f"notification:{key}"[:200],
            to=to,
            subject=rendered.title,
            body_text=render_to_string("notifications/email/notification.txt", context),
            body_html=render_to_string("notifications/email/notification.html", context),
        )


# --- The notification centre ------------------------------------------------------------------------


def mark_read(*, user, notification_ids=None) -> int:
    """Mark the person's own notifications read (all unread ones without `notification_ids`)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# --- Preferences -------------------------------------------------------------------------------------


def _email_default(kind: str) -> bool:
    spec = kinds.get(kind)
    return spec.email_default if spec is not None else True


def wishes(user_ids, kind: str) -> tuple[set[int], set[int]]:
    """Of these people, in one query: those who turned `kind` off in the portal, and those who want it by
    email (their preference, else the kind's default)."""
    ids = set(user_ids)
    saved = {
        user_id: (in_app, email)
        for user_id, in_app, email in NotificationPreference.objects.filter(user_id__in=ids, kind=kind)
        .order_by()  # the model's ordering by user would join the users for nothing
        .values_list("user_id", "in_app", "email")
    }
    default = _email_default(kind)
    silent = {pk for pk, (in_app, _email) in saved.items() if not in_app}
    by_email = {pk for pk in ids if (saved[pk][1] if pk in saved else default)}
    return silent, by_email


def email_wanted(user_ids, kind: str) -> set[int]:
    """Of these people, those who want `kind` by email: their preference, else the kind's default."""
    return wishes(user_ids, kind)[1]


def muted(user_ids, kind: str) -> set[int]:
    """Of these people, those who turned `kind` off in the portal."""
    return wishes(user_ids, kind)[0]


@transaction.atomic
def set_preferences(*, user, in_app: dict[str, bool], email: dict[str, bool]) -> None:
    """Save which kinds the person wants in the portal and by email; kinds not mentioned keep theirs."""
    for kind in set(in_app) | set(email):
        defaults = {}
        if kind in in_app:
            defaults["in_app"] = in_app[kind]
        if kind in email:
            defaults["email"] = email[kind]
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults=defaults)


# --- The reminder ledger ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerEntry:
    """One reminder: who gets it, which kind, what it is about and the day it is for."""

    recipient_id: int
    kind: str
    target_type: str
    target_id: int
    occurrence: date


def record_reminders(entries: list[LedgerEntry]) -> set[LedgerEntry]:
    """Insert the entries into the ledger and return those this call inserted.

    INSERT … ON CONFLICT DO NOTHING RETURNING (PostgreSQL, and SQLite since 3.35): an entry that is
    there already, or that a concurrent transaction is inserting, is not returned. Call it in the
    transaction that writes the notifications and emails, so that they exist exactly when the entry does.
    """
    entries = list(dict.fromkeys(entries))
    if not entries:
        return set()
    table = connection.ops.quote_name(Reminder._meta.db_table)
    columns = ["recipient_id", "kind", "target_type", "target_id", "occurrence", "created_at"]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    batch_size = min(500, (connection.features.max_query_params or 65535) // len(columns))
    inserted: set[LedgerEntry] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(entries), batch_size):
            batch = entries[start : start + batch_size]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
            params = []
            for entry in batch:
                params += [
                    entry.recipient_id,
                    entry.kind,
                    entry.target_type,
                    entry.target_id,
                    connection.ops.adapt_datefield_value(entry.occurrence),
                    now,
                ]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "  # noqa: S608 # nosec B608: the model's names, values are placeholders
                "ON CONFLICT DO NOTHING RETURNING recipient_id, kind, target_type, target_id, occurrence",
                params,
            )
            for recipient_id, kind, target_type, target_id, occurrence in cursor.fetchall():
                if isinstance(occurrence, str):  # SQLite returns the date as text
                    occurrence = date.fromisoformat(occurrence)
                inserted.add(LedgerEntry(recipient_id, kind, target_type, target_id, occurrence))
    return inserted


def send_password_reset(
    *, email: str, language: str, domain: str, site_name: str, protocol: str, request_id: str
) -> int:
    """Queue the reset emails of an address (none for an unknown one) in the outbox. Keyed by the request:
    a retried task sends nothing twice. Returns how many were queued."""
    drafts = reset_emails(
        email=email, language=language, domain=domain, site_name=site_name, protocol=protocol
    )
    for draft in drafts:
        queue_email(
            to=draft.to,
            subject=draft.subject,
            body_text=draft.body,
            key=f"password-reset:{request_id}:{draft.user_id}",
        )
    return len(drafts)
