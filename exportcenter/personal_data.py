"""The registry of personal data: what each app holds about one person, and how it erases it.

The GDPR tools (the `privacy` app) export and erase one person: a contact person, or a sole trader. They do
not know every app that stores something about a person; each app registers a `Part` here in its
`AppConfig.ready()`: a function that collects the person's rows (for the export) and a function that
anonymises them (for erasure). This module sits beside the layers, so an app below `privacy` (attachments,
surveys, ...) registers its part without importing `privacy`.

A part's `collect` returns JSON-safe rows (dicts of str, int, bool, None, lists); `erase` anonymises in the
caller's transaction and returns how many rows it changed, 0 when there was nothing left to change (erasure
is idempotent). Sections that are declared with `declare` and that no app fills yet are exported empty, so
that the export says plainly that nothing of that kind is held.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]


def iso(value) -> str | None:
    """A date or time in a row: ISO 8601, or None."""
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class Subject:
    """One person, as the apps find their rows: by contact, by sole trader company, by email address."""

    kind: str  # "contact" or "sole_trader"
    public_id: str
    label: str
    contact_ids: frozenset[int] = frozenset()
    company_ids: frozenset[int] = frozenset()  # a sole trader's company: all of it is about the person
    emails: frozenset[str] = frozenset()  # lower case
    # Names, email addresses, phone numbers and personal numbers as stored: scrubbed from the free text and
    # the details (timeline summaries, JSON) that quote them.
    identifiers: frozenset[str] = frozenset()
    # The requests about the person (theirs, or every request of a sole trader), so that the parts of other
    # apps (activities, follow-ups, attachments) find them without a query into the requests' app.
    request_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Part:
    key: str  # the section's key in the export, e.g. "contacts"
    title: Any  # a (lazy) translated title
    collect: Callable[[Subject], list[Row]]
    erase: Callable[[Subject], int] | None = None
    order: int = 100


_PARTS: dict[str, Part] = {}
_DECLARED: dict[str, tuple[Any, int]] = {}


def register(part: Part) -> None:
    """Add an app's part (called from its AppConfig.ready(); a second call with the same key replaces it)."""
    _PARTS[part.key] = part


def declare(key: str, title: Any, order: int = 900) -> None:
    """A section the export always shows, empty until an app registers a part under the same key."""
    _DECLARED[key] = (title, order)


def parts() -> list[Part]:
    """Every registered part, and an empty one for each declared section that no app fills, in order."""
    every = dict(_PARTS)
    for key, (title, order) in _DECLARED.items():
        every.setdefault(key, Part(key=key, title=title, collect=lambda subject: [], order=order))
    return sorted(every.values(), key=lambda part: (part.order, part.key))
