"""What each kind of notification says and where it links, worded when it is read.

A notification is stored as a kind and parameters (references, names, dates, public ids: never text in a
language), and worded at display time in the reader's language, with a link in that language. The apps
that notify register their kinds here, in `AppConfig.ready()`; this app knows none of them by name.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format

logger = logging.getLogger(__name__)

Params = dict[str, Any]


@dataclass(frozen=True)
class NotificationKind:
    """A kind: its label (for preferences and filters), its words and its link, both from the parameters.

    `email_default` is whether a person gets it by email before they choose (the preferences page).
    """

    value: str
    label: Any
    title: Callable[[Params], str]
    url: Callable[[Params], str]
    help_text: Any = ""
    email_default: bool = True
    is_reminder: bool = False  # a reminder kind (notifications.reminders), written in the ledger too


_REGISTRY: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> NotificationKind:
    _REGISTRY[kind.value] = kind
    return kind


def registered() -> list[NotificationKind]:
    """Every registered kind, in the order the apps registered them."""
    return list(_REGISTRY.values())


def choices() -> list[tuple[str, Any]]:
    """Every registered kind as model choices (the `kind` fields take this callable)."""
    return [(kind.value, kind.label) for kind in _REGISTRY.values()]


def reminder_choices() -> list[tuple[str, Any]]:
    return [(kind.value, kind.label) for kind in _REGISTRY.values() if kind.is_reminder]


def get(value: str) -> NotificationKind | None:
    return _REGISTRY.get(value)


@dataclass(frozen=True)
class Rendered:
    title: str
    url: str


def render(kind: str, params: Params) -> Rendered:
    """The notification's title and link in the active language.

    Rows written before notifications were stored as parameters, which could not be traced back to their
    object, keep their old words in `params["title"]`.
    """
    spec = _REGISTRY.get(kind)
    if spec is not None and "title" not in params:
        try:
            return Rendered(str(spec.title(params)), spec.url(params))
        except (KeyError, TypeError, ValueError, NoReverseMatch):
            logger.warning("Notification of kind %s has parameters it cannot be worded from.", kind)
    fallback = params.get("title") or (spec.label if spec else kind)
    return Rendered(str(fallback), str(params.get("url", "")))


# Helpers for the apps' title and link functions.


def day(value: str) -> str:
    """An ISO date from the parameters, in the active language's date format."""
    return date_format(date.fromisoformat(value), "DATE_FORMAT")


def link(name: str, public_id: str | None = None) -> str:
    """A path in the active language (`/en/…` in English)."""
    return reverse(name, kwargs={"public_id": public_id} if public_id else None)
