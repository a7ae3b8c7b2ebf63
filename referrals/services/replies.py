"""Canned replies: an organisation's and a region's texts for writing to companies. Callers ask
`advisors.access` first (leads keep their organisation's, regional staff their region's); these functions
validate and write. `referrals.selectors.canned_replies_for` offers them on the request page, filled in."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from advisors.models import Organisation, Region
from exportcenter.errors import Stale

from ..models import CannedReply

__all__ = [
    "CANNED_REPLY_FIELDS",
    "StaleCannedReply",
    "create_canned_reply",
    "delete_canned_reply",
    "update_canned_reply",
]

# What a lead or regional staff maintain. The owner (organisation or region) is fixed at creation.
CANNED_REPLY_FIELDS = ["title", "language", "body", "is_active"]


class StaleCannedReply(Stale):
    """The canned reply changed (or was deleted) after it was read. Nothing was saved."""


def _title_taken_message() -> str:
    return _("There is already a reply with this title in this language.")


def _apply(reply: CannedReply, data: dict[str, Any]) -> bool:
    changed = False
    for field in CANNED_REPLY_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "title" and isinstance(value, str):
            value = value.strip()
        if getattr(reply, field) != value:
            setattr(reply, field, value)
            changed = True
    return changed


def _title_taken(reply: CannedReply) -> bool:
    # Compared in Python (casefold): SQLite folds only ASCII case, and an owner keeps few replies.
    others = CannedReply.objects.filter(
        organisation_id=reply.organisation_id, region_id=reply.region_id, language=reply.language
    ).exclude(pk=reply.pk)
    title = reply.title.casefold()
    return any(other.casefold() == title for other in others.values_list("title", flat=True))


def _validate(reply: CannedReply) -> None:
    """Field rules (lengths, language, placeholders) and a title unique per owner and language."""
    errors: dict[str, list] = {}
    try:
        reply.full_clean(
            exclude=["organisation", "region", "created_by", "updated_by"], validate_constraints=False
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if "title" not in errors and "language" not in errors and _title_taken(reply):
        errors["title"] = [_title_taken_message()]
    if errors:
        raise ValidationError(errors)


def _save(reply: CannedReply) -> None:
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        # The same title saved in between: the unique constraint decides.
        raise ValidationError({"title": [_title_taken_message()]}, code="unique") from None


@transaction.atomic
def create_canned_reply(
    *, by, data: dict[str, Any], organisation: Organisation | None = None, region: Region | None = None
) -> CannedReply:
    """Add a reply to an organisation's (exactly one of `organisation`, `region`) or a region's texts.

    Raises ValidationError with field errors (an unknown placeholder is an error of `body`)."""
    if (organisation is None) == (region is None):
        raise ValueError("A canned reply belongs to an organisation or to a region, not both or neither.")
    reply = CannedReply(
        scope=CannedReply.Scope.ORGANISATION if organisation is not None else CannedReply.Scope.REGION,
        organisation=organisation,
        region=region,
        created_by=by,
        updated_by=by,
    )
    _apply(reply, data)
    _validate(reply)
    _save(reply)
    return reply


def _locked(reply: CannedReply, expected_version: int | None) -> CannedReply:
    current = CannedReply.objects.select_for_update().filter(pk=reply.pk).first()
    if current is None or (expected_version is not None and current.version != expected_version):
        raise StaleCannedReply
    return current


@transaction.atomic
def update_canned_reply(
    *, reply: CannedReply, by, data: dict[str, Any], expected_version: int | None
) -> CannedReply:
    """Change a reply if nobody changed it since `expected_version` (None: do not check). Only the given
    fields change. Raises StaleCannedReply or ValidationError; either way nothing is written."""
    current = _locked(reply, expected_version)
    changed = _apply(current, data)
    _validate(current)
    if not changed:
        return current
    current.updated_by = by
    current.version = F("version") + 1
    _save(current)
    current.refresh_from_db()
    return current


@transaction.atomic
def delete_canned_reply(*, reply: CannedReply, expected_version: int | None = None) -> None:
    """Delete a reply (messages already sent keep their text). Raises StaleCannedReply if it changed."""
    _locked(reply, expected_version).delete()
