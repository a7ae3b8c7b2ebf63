"""Session limits: a signed-in session ends after SESSION_IDLE_MINUTES without a request, and
SESSION_MAX_HOURS after sign-in whatever happens. The times live in the session itself (Unix seconds)."""

import time

from django.conf import settings

STARTED = "_session_started_at"
SEEN = "_session_seen_at"
# The last request's time is written at most this often: not one session write per request.
SEEN_RESOLUTION_SECONDS = 60


def now() -> int:
    return int(time.time())


def start(request) -> None:
    """Start the clocks of a new sign-in (from the user_logged_in signal)."""
    request.session[STARTED] = request.session[SEEN] = now()


def ended(session) -> str | None:
    """Why a signed-in session has ended ("idle" or "expired"), or None while it is alive."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return None
    current = now()
    if current - started >= settings.SESSION_MAX_HOURS * 60 * 60:
        return "expired"
    if current - seen >= settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


def touch(session) -> None:
    """Note this request's time; a session signed in before the limits existed starts its clocks now."""
    current = now()
    if session.get(STARTED) is None or session.get(SEEN) is None:
        session[STARTED] = session[SEEN] = current
    elif current - session[SEEN] >= SEEN_RESOLUTION_SECONDS:
        session[SEEN] = current
