"""Personal API tokens: issued, revoked and checked here (callers ask `advisors.access` first).

The token reads `ec_<prefix>_<secret>`. Only the SHA-256 of the whole token is stored: the prefix finds
the row and the hash is compared in constant time. The secret has 256 bits of entropy, so a fast hash is
enough (a password hash guards low-entropy secrets, and would cost every API request).
"""

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action as AuditAction
from audit.services import record

from . import access
from .models import ApiToken

API_TOKEN_PATTERN = "ec_{prefix}_{secret}"  # noqa: S105 - the shape of a token, not a secret


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret: the whole token, which is shown once and never stored."""

    token: ApiToken
    secret: str


def hash_api_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _token_errors(*, name: str, expires_at, now) -> dict[str, str]:
    errors = {}
    if not name:
        errors["name"] = _("Give the token a name.")
    if expires_at is None:
        errors["expires_at"] = _("Choose when the token expires.")
    elif expires_at <= now:
        errors["expires_at"] = _("The expiry must be in the future.")
    elif expires_at > now + timedelta(days=settings.API_TOKEN_MAX_DAYS):
        errors["expires_at"] = _("A token may last at most %(days)s days.") % {
            "days": settings.API_TOKEN_MAX_DAYS
        }
    return errors


def create_api_token(*, user, name: str, scope: str, expires_at, request=None) -> IssuedToken:
    """Issue a token to `user` (who may hold tokens: the caller asks `access`) and audit it."""
    name = " ".join((name or "").split())
    now = timezone.now()
    errors = _token_errors(name=name, expires_at=expires_at, now=now)
    if scope not in ApiToken.Scope.values:
        errors["scope"] = _("Choose read only, or read and write.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for _attempt in range(5):  # a clash of the 32-bit public prefix is rare: draw again
            prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
            raw = API_TOKEN_PATTERN.format(prefix=prefix, secret=secret)
            try:
                with transaction.atomic():
                    token = ApiToken.objects.create(
                        user=user,
                        name=name[:100],
                        scope=scope,
                        prefix=prefix,
                        secret_hash=hash_api_token(raw),
                        expires_at=expires_at,
                    )
            except IntegrityError:
                continue
            break
        else:  # pragma: no cover - five clashes in a row
            raise RuntimeError("Could not draw a free API token prefix.")
        record(
            AuditAction.TOKEN_CREATED,
            request=request,
            actor=user,
            obj=token,
            scope=scope,
            expires_at=expires_at.isoformat(),
        )
    return IssuedToken(token=token, secret=raw)


def revoke_api_token(*, token: ApiToken, by, request=None) -> ApiToken:
    """Revoke a token at once (the caller asks `access`). Revoking a revoked token changes nothing."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record(AuditAction.TOKEN_REVOKED, request=request, actor=by, obj=locked)
    token.revoked_at = locked.revoked_at
    return locked


# A hash to compare against when the prefix is unknown, so that both answers take the same work.
_NO_TOKEN_HASH = hash_api_token("ec_00000000_unknown")


def api_token_for(raw: str, *, address: str | None = None) -> ApiToken | None:
    """The usable token this secret belongs to, or None; notes its use at most once a minute."""
    parts = raw.split("_", 2)
    if len(raw) > 200 or len(parts) != 3 or parts[0] != "ec" or not parts[1] or not parts[2]:
        return None
    token = ApiToken.objects.select_related("user__organisation").filter(prefix=parts[1]).first()
    matches = hmac.compare_digest(token.secret_hash if token else _NO_TOKEN_HASH, hash_api_token(raw))
    now = timezone.now()
    if token is None or not matches or not token.is_usable(now):
        return None
    _note_use(token, now, address)
    return token


def _note_use(token: ApiToken, now, address: str | None) -> None:
    """Last use, written at most once per API_TOKEN_TOUCH_SECONDS: not a write per request."""
    stale_before = now - timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is not None and token.last_used_at > stale_before:
        return
    try:
        address = str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        address = None
    # Conditional: of two requests at once, one writes.
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale_before)
    ).update(last_used_at=now, last_used_address=address)
    token.last_used_at, token.last_used_address = now, address


def api_tokens_of(user):
    """The user's own API tokens, newest first (superusers too see only their own: a token is personal)."""
    return access.visible(user, ApiToken.objects.filter(user_id=user.pk)).order_by("-created_at", "-pk")
