"""Signed links for the company: confirming an export outcome, answering a survey.

Like the request status link (`referrals.status_links`): Django's Signer (HMAC with SECRET_KEY) over the
object's random public id, with a salt per purpose, and no lookup by id or email. A link is also bound to a
round (an outcome asked again gets a new round, and its older links stop working). Expiry is the caller's:
counted from when the company was asked, not from the signature. Unknown, tampered, expired and reused links
must all be answered with the same 404 page (`effects/link_not_found.html`).
"""

import zlib

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation


def _signer(purpose: str) -> signing.Signer:
    return signing.Signer(salt=f"effects.{purpose}")


def token_for(purpose: str, public_id, round_: int = 1) -> str:
    return _signer(purpose).sign_object([str(public_id), round_], compress=True)


def read_token(purpose: str, token: str) -> tuple[str, int] | None:
    """(public id, round) the token was made for, or None for anything forged, truncated or garbled."""
    try:
        value = _signer(purpose).unsign_object(token[:500])
    except (signing.BadSignature, ValueError, zlib.error):
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], str)
        or not isinstance(value[1], int)
    ):
        return None
    return value[0], value[1]


def absolute_url(url_name: str, token: str, language: str) -> str:
    with translation.override(language):
        path = reverse(url_name, kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"
