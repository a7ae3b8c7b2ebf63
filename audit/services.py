"""Writing to the audit log. Call `record` inside the transaction of what it records."""

import ipaddress

from django.http import HttpRequest

from exportcenter.clients import client_address

from .models import Action, AuditEntry, Channel

__all__ = ["Action", "Channel", "record"]


def _object_fields(obj) -> dict:
    if obj is None:
        return {}
    meta = obj._meta
    public_id = getattr(obj, "reference", None) or getattr(obj, "public_id", None) or obj.pk
    return {
        "object_type": meta.label_lower,
        "object_id": str(public_id)[:64],
        "object_label": str(obj)[:200],
    }


def _address(request) -> str | None:
    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return None


def _channel(request: HttpRequest) -> str:
    path = request.path
    if "/api/" in path:
        return Channel.API
    if "/admin/" in path:
        return Channel.ADMIN
    return Channel.PAGE


def record(action: str, *, actor=None, request=None, obj=None, actor_label="", channel=None, **details):
    """Append one entry. `actor` defaults to the request's signed-in user; `obj` is any model instance.

    Keyword arguments beyond these are stored as details (for an export: the filter and the row count).
    """
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    fields = _object_fields(obj)
    if request is not None:
        fields.update(
            ip_address=_address(request),
            path=request.get_full_path().replace("\x00", "")[:500],
            channel=channel or _channel(request),
        )
    elif channel:
        fields["channel"] = channel
    label = actor_label or (actor.get_username() if actor is not None else "")
    return AuditEntry.objects.create(
        action=action, actor=actor, actor_label=label[:254], details=details, **fields
    )
