"""Queue and deliver email through the outbox. Delivery runs in Celery tasks, never in a web request."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def queue_email(
    *, to: str, subject: str, body_text: str, body_html: str = "", key: str | None = None
) -> OutboundEmail:
    """Write the email to the outbox and deliver it after the surrounding transaction commits.

    With a `key`, a second call for the same key returns the first email and queues nothing.
    """
    from .tasks import deliver_email

    if key is not None:
        existing = OutboundEmail.objects.filter(key=key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                key=key,
                to=to,
                subject=" ".join(subject.split())[:300],
                body_text=body_text,
                body_html=body_html,
            )
    except IntegrityError:
        # A concurrent caller queued the same key first; theirs is the one.
        return OutboundEmail.objects.get(key=key)
    transaction.on_commit(lambda: _enqueue(deliver_email, email.pk))
    return email


def _enqueue(task, email_id: int) -> None:
    """Hand the email to the broker. If the broker is down, the periodic sweep sends it later."""
    try:
        task.delay(email_id)
    except Exception:  # broker unreachable: the row stays pending and the sweep picks it up
        logger.warning("Broker unavailable; email %s stays in the outbox for the sweep.", email_id)


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


def deliver(email_id: int) -> bool:
    """Send one pending email. Returns True when this call sent it.

    The row is locked while sending and marked sent in the same transaction, so two workers never
    send the same email. A failure leaves it pending with a back-off, until MAX_ATTEMPTS.
    """
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        message = EmailMultiAlternatives(
            subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to]
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except Exception as exc:  # SMTP and socket errors: retry later
            email.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
            email.next_attempt_at = timezone.now() + _backoff(email.attempts)
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            logger.warning("Email %s not sent (attempt %s): %s", email.pk, email.attempts, email.last_error)
            return False
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def flush_outbox(*, limit: int = 500) -> int:
    """Deliver pending emails whose time has come. Returns how many were sent."""
    due_ids = list(
        OutboundEmail.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(email_id) for email_id in due_ids)


def notify(*, recipients, kind: str, title: str, url: str = "", key: str) -> int:
    """Create one in-app notification per recipient; a second call with the same key adds nothing."""
    from .models import Notification

    rows = [
        Notification(recipient=user, kind=kind, title=title[:300], url=url, key=key) for user in recipients
    ]
    return len(Notification.objects.bulk_create(rows, ignore_conflicts=True))
