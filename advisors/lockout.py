"""Sign-in lockout (django-axes) and the audit trail of signing in and out.

Axes counts failed sign-ins per pair of username and client address (AXES_LOCKOUT_PARAMETERS) in the
database, whether or not the username belongs to anyone: an unknown address is locked out exactly like a
known one, with the same answer, so the lockout tells nobody which accounts exist. The settings name the
functions below (AXES_USERNAME_CALLABLE, AXES_LOCKOUT_CALLABLE); `connect()` (AdvisorsConfig.ready) hooks
the audit log to Django's and axes' signals.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions

from audit.services import Action, record
from exportcenter.api.negotiation import PROBLEM_JSON

from . import access, sessions

if TYPE_CHECKING:
    from .models import User

USERNAME_FIELD = "username"


def normalise(username) -> str:
    """The form of a typed address that axes counts: `Anna@X.se ` and `anna@x.se` are one username."""
    return str(username or "").replace("\x00", "").strip().lower()[:254]


def _typed(credentials) -> str | None:
    """The username in authenticate()'s credentials: `username` from the sign-in forms, the user model's
    field (`email`) from REST framework's authentication classes."""
    credentials = credentials or {}
    for key in (USERNAME_FIELD, get_user_model().USERNAME_FIELD):
        if credentials.get(key) is not None:
            return credentials[key]
    return None


def username_of(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the username of a sign-in attempt, normalised like the user model's."""
    typed = _typed(credentials)
    if typed is None:
        data = getattr(request, "POST", None) or {}
        typed = data.get(USERNAME_FIELD, "")
    return normalise(typed)


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    minutes = math.ceil(cool_off_seconds() / 60)
    return _(
        "Too many failed sign-ins for this email address from your connection. Sign-in is paused for "
        "%(minutes)s minutes. Regional staff can lift the pause sooner."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After, the same for every username (known or not).

    The API answers in problem details; pages (the portal's sign-in and /admin/) with a page that says
    when to try again.
    """
    status = 429
    if "/api/" in request.path:
        from exportcenter.api.problems import problem

        exc = exceptions.APIException(detail=lockout_message(), code="locked_out")
        response = JsonResponse(problem(exc, status), status=status, content_type=PROBLEM_JSON)
    else:
        response = render(
            request,
            "advisors/locked_out.html",
            {"message": lockout_message(), "minutes": math.ceil(cool_off_seconds() / 60)},
            status=status,
        )
    response["Retry-After"] = str(cool_off_seconds())
    return response


# --- The audit trail ------------------------------------------------------------------------------


def _http_request(request):
    """Django's request under a REST framework one (its authentication classes pass theirs): reading the
    DRF request's user from a receiver would authenticate again, and fail again, without end."""
    return getattr(request, "_request", request)


def _signed_in(sender, request, user, **kwargs):
    request = _http_request(request)
    if request is not None:
        sessions.start(request)
    record(Action.SIGN_IN, request=request, actor=user)


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Not linked to an account: looking the typed address up would tell apart known and unknown ones.
    record(
        Action.SIGN_IN_FAILED,
        request=_http_request(request),
        actor_label=normalise(_typed(credentials)),
    )


def _signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    request = _http_request(request)
    reason = getattr(request, "session_ended", None) if request is not None else None
    details = {"reason": reason} if reason else {}
    record(Action.SIGN_OUT, request=request, actor=user, **details)


def _locked_out(sender, request, username, ip_address, **kwargs):
    """Axes sends this for every failure at or over the limit; the audit log records the moment the limit
    is reached (the failures during a lockout are recorded as failed sign-ins)."""
    from axes.helpers import get_failure_limit

    failures = getattr(request, "axes_failures_since_start", None)
    limit = get_failure_limit(request, getattr(request, "axes_credentials", None))
    if failures is not None and failures != limit:
        return
    record(Action.LOCKED_OUT, request=_http_request(request), actor_label=normalise(username), failures=limit)


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(_signed_in, dispatch_uid="advisors.audit.sign_in")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="advisors.audit.sign_in_failed")
    user_logged_out.connect(_signed_out, dispatch_uid="advisors.audit.sign_out")
    user_locked_out.connect(_locked_out, dispatch_uid="advisors.audit.locked_out")


# --- Current lockouts, and lifting one --------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    """A person locked out of signing in, from one or more client addresses."""

    person: "User"
    addresses: list[str]
    failures: int
    last_attempt: datetime
    until: datetime


def current_lockouts(user) -> list[Lockout]:
    """The lockouts in force that the user may lift, newest first. Two queries however many."""
    from axes.models import AccessAttempt

    from .models import User

    limit = settings.AXES_FAILURE_LIMIT
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    # Axes counts the failures of a username and address over every user agent (AXES_LOCKOUT_PARAMETERS).
    pairs = (
        access.visible(user, AccessAttempt.objects.filter(attempt_time__gte=since))
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
        .order_by()
    )
    by_username: dict[str, list[dict]] = {}
    for pair in pairs:
        by_username.setdefault(pair["username"], []).append(pair)
    people = User.objects.select_related("organisation").filter(email__in=by_username)
    lockouts = []
    for person in people:
        rows = by_username[person.email]
        last = max(row["last"] for row in rows)
        lockouts.append(
            Lockout(
                person=person,
                addresses=sorted(str(row["ip_address"] or "") for row in rows),
                failures=sum(row["failures"] for row in rows),
                last_attempt=last,
                until=last + settings.AXES_COOLOFF_TIME,
            )
        )
    return sorted(lockouts, key=lambda lockout: (lockout.last_attempt, lockout.person.pk), reverse=True)


def unlock(*, person, by, request=None) -> int:
    """Lift every lockout of a person (all addresses) and record it in the audit log; returns how many
    attempt records went. Callers ask `access.can(by, "unlock", person)` first."""
    from axes.models import AccessAttempt

    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(username=normalise(person.email))
        addresses = sorted({str(address) for address in attempts.values_list("ip_address", flat=True)})
        removed, _per_model = attempts.delete()
        record(Action.UNLOCKED, request=request, actor=by, obj=person, addresses=addresses)
    return removed
