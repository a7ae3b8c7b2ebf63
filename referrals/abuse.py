"""Abuse protection for the public "help me export" form: a rate limit, a minimum fill time, a honeypot.

None of these is a wall. They slow down and filter out simple bots without making a person solve a puzzle:
a human who trips the fill-time check just sends the form again.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import ngettext

from exportcenter.clients import client_address

logger = logging.getLogger(__name__)

STARTED_SALT = "referrals.intake-started"
_STARTED_VALUE = "intake"
HONEYPOT_FIELD = "homepage"


# --- Fill time --------------------------------------------------------------------------------------
def _started_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=STARTED_SALT)


def new_started_token() -> str:
    """A signed "the form was shown now", put in a hidden field when the form is first shown."""
    return _started_signer().sign(_STARTED_VALUE)


def seconds_since_started(token: str | None) -> float | None:
    """How long ago the form was shown, or None when the token is missing, malformed or tampered."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    signer = _started_signer()
    try:
        if signer.unsign(token) != _STARTED_VALUE:
            return None
        # "intake:<timestamp>:<signature>": the timestamp is what was signed, so it can be trusted now.
        timestamp = signing.b62_decode(token.split(signer.sep)[-2])
    except (signing.BadSignature, ValueError, IndexError):
        return None
    return time.time() - timestamp


def started_token_is_valid(token: str | None) -> bool:
    return seconds_since_started(token) is not None


def filled_too_fast(token: str | None) -> bool:
    """True when the form came back faster than a person fills it in, or without a valid start time."""
    age = seconds_since_started(token)
    return age is None or age < settings.INTAKE_MIN_FILL_SECONDS


# --- Honeypot ---------------------------------------------------------------------------------------
def honeypot_filled(data) -> bool:
    """The off-screen field that people never see is filled in: a bot."""
    value = data.get(HONEYPOT_FIELD, "")
    filled = bool(str(value).strip())
    if filled:
        # No personal data: neither the address nor what was typed.
        logger.info("Help-me-export form: honeypot filled in, submission discarded.")
    return filled


# --- Rate limit -------------------------------------------------------------------------------------
def _rate_key(request) -> str:
    # The address is hashed so the cache holds no readable IP addresses (personal data).
    address = client_address(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"referrals:intake-rate:{digest}"


def rate_limited(request) -> bool:
    """Count one valid submission from this address; True when it is over the limit for the window.

    Only submissions that pass validation are counted, so correcting typos does not use up the quota.
    A cache outage lets the request through: refusing every company would be worse than a few bots.
    """
    key = _rate_key(request)
    window = settings.INTAKE_RATE_WINDOW_SECONDS
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:  # any cache backend error (connection, timeout)
        logger.warning(
            "Help-me-export form: rate-limit cache unavailable, request let through.", exc_info=True
        )
        return False
    return count > settings.INTAKE_RATE_LIMIT


def wait_text() -> str:
    """How long to wait after the rate limit, in words: "an hour", "2 hours"."""
    hours = max(1, math.ceil(settings.INTAKE_RATE_WINDOW_SECONDS / 3600))
    return ngettext("an hour", "%(count)d hours", hours) % {"count": hours}
