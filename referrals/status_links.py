"""The SME's private status link: an unguessable, signed token for one request.

The token is Django's Signer (HMAC with SECRET_KEY) over the request's random public id. There is no id or
email lookup; a wrong, tampered or expired token answers exactly like a missing request.
"""

import zlib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from .models import AdviceRequest

SALT = "referrals.status-link"


def _signer() -> signing.Signer:
    # No timestamp: one request has one link (expiry comes from `closed_at`, not from the signature's age).
    return signing.Signer(salt=SALT)


def token_for(request: AdviceRequest) -> str:
    return _signer().sign_object(str(request.public_id), compress=True)


def status_url(request: AdviceRequest, *, absolute: bool = True) -> str:
    with translation.override(request.language):
        path = reverse("referrals:status", kwargs={"token": token_for(request)})
    return f"{settings.SITE_URL}{path}" if absolute else path


def link_expired(request: AdviceRequest, now=None) -> bool:
    if request.closed_at is None:
        return False
    days = settings.STATUS_LINK_DAYS_AFTER_CLOSE
    return (now or timezone.now()) > request.closed_at + timedelta(days=days)


def linked_requests():
    """Requests with what every page opened by a status link shows: company, owner, region and operator."""
    return AdviceRequest.objects.select_related("owner_organisation", "company", "region__operator")


def request_for_token(token: str, queryset=None) -> AdviceRequest | None:
    """The request the token opens, or None: unknown, tampered and expired all look the same.

    `queryset` may add what a page shows (`selectors.status_page_requests`) to the one query."""
    try:
        public_id = _signer().unsign_object(token[:500])
    except (signing.BadSignature, ValueError, zlib.error):  # forged, truncated or garbled: all the same
        return None
    try:  # get(): no ORDER BY for a unique id, as first() would add
        request = (queryset if queryset is not None else linked_requests()).get(public_id=public_id)
    except AdviceRequest.DoesNotExist:
        return None
    return None if link_expired(request) else request
