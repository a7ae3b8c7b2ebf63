"""Password reset in constant work: the sign-in pages answer the same, in the same time, whether or not an
address belongs to anyone.

The view only publishes a Celery task (by name: the email goes through the notifications outbox, a higher
layer this app must not import). The worker looks the address up and, for each person who may sign in,
renders the email here and hands it to the outbox.
"""

import logging
import uuid
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template import loader
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from exportcenter.celery import task_named

from .models import User

logger = logging.getLogger(__name__)

# notifications.tasks.send_password_reset(email, language, domain, site_name, protocol, request_id)
TASK = "notifications.tasks.send_password_reset"
SUBJECT_TEMPLATE = "advisors/email/password_reset_subject.txt"
BODY_TEMPLATE = "advisors/email/password_reset.txt"


def request_reset(*, email: str, language: str | None, domain: str, site_name: str, protocol: str) -> None:
    """Queue the reset for after the surrounding transaction. No query: the same work for any address."""
    params = {
        "email": email,
        "language": language or "",
        "domain": domain,
        "site_name": site_name,
        "protocol": protocol,
        "request_id": uuid.uuid4().hex,  # the outbox key: a retried task sends nothing twice
    }

    def publish():
        try:
            task_named(TASK).delay(**params)
        except Exception:  # broker unreachable: the person asks again; the page must not tell
            logger.exception("Could not queue a password reset.")

    transaction.on_commit(publish)


def users_for(email: str):
    """The people a reset link for this address goes to: an active account that may sign in and has a
    usable password (Django's rule), matched without regard to case."""
    users = User._default_manager.select_related("organisation").filter(email__iexact=email, is_active=True)
    return [user for user in users if user.has_usable_password() and user.can_sign_in]


@dataclass(frozen=True)
class ResetEmail:
    user_id: int
    to: str
    subject: str
    body: str


def reset_emails(
    *, email: str, language: str, domain: str, site_name: str, protocol: str
) -> list[ResetEmail]:
    """The reset emails for an address (none for an unknown one), each in the language it was asked for
    in, else in its reader's. Runs in the worker."""
    emails = []
    for user in users_for(email):
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": site_name,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": protocol,
        }
        with translation.override(language or user.preferred_language):
            subject = loader.render_to_string(SUBJECT_TEMPLATE, context)
            body = loader.render_to_string(BODY_TEMPLATE, context)
        emails.append(ResetEmail(user_id=user.pk, to=user.email, subject=subject, body=body))
    return emails
