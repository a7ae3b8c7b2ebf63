"""Readable labels for the stored values of requests and their timeline events."""

from django import template

from referrals.models import AdviceRequest, RequestEvent

register = template.Library()

_LABELS = {
    "status": AdviceRequest.Status,
    "priority": AdviceRequest.Priority,
    "outcome": AdviceRequest.Outcome,
    "channel": AdviceRequest.Channel,
    "event": RequestEvent.Kind,
}


@register.filter
def label(value, kind: str) -> str:
    """``{{ event.data.to|label:"status" }}``: the translated label of a stored choice value."""
    choices = _LABELS.get(kind)
    if choices is None or value in (None, ""):
        return value or ""
    try:
        return choices(value).label
    except ValueError:
        return value


@register.filter
def capped(count: int, cap: int) -> str:
    """A count that stopped at `cap`: "1000+" rather than an exact number nobody needs."""
    return f"{cap}+" if count > cap else str(count)
