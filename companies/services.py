"""State changes of the company register. Every change is attributed and lands on the company's timeline."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action as AuditAction
from audit.services import record as audit
from exportcenter.errors import Stale

from .models import (
    INTERNATIONAL_FLAG_FIELDS,
    INTERNATIONAL_FLAGS,
    Company,
    CompanyEvent,
    CompanySource,
    Contact,
    FlagSource,
)


class DuplicateCompany(Exception):
    """The organisation number is already registered: `existing` is the company to go to."""

    def __init__(self, existing: Company):
        super().__init__(existing.pk)
        self.existing = existing


class StaleCompany(Stale):
    """The company changed since the editor loaded it; nothing was written."""


def stockholm_today():
    return timezone.localdate()


def existing_company_for(org_number: str | None) -> Company | None:
    """The live company with this number; a merged company leads to the company it was merged into."""
    if not org_number:
        return None
    company = Company.objects.filter(org_number=org_number).first()
    while company is not None and company.merged_into_id is not None:
        company = company.merged_into
    return company


COUNTRY_LIST_FIELDS = ("export_countries", "target_markets")
# Who confirmed the signs of international business, and when: on the timeline when an edit changes them.
_CONFIRMATION_FIELDS = (
    "flags_source",
    "flags_source_note",
    "flags_confirmed_on",
    "international_confirmed_on",
)


def _display(company: Company, field: str) -> str:
    """A field's value as a person reads it, for the timeline (a sole trader's number stays masked)."""
    value = getattr(company, field)
    if field == "org_number":
        return company.org_number_masked
    if field in COUNTRY_LIST_FIELDS:
        return ", ".join(str(country.name) for country in value)
    if hasattr(company, f"get_{field}_display"):
        return str(getattr(company, f"get_{field}_display")())
    return "" if value is None else str(value)


def _stamp_international(company: Company, was_international: bool) -> None:
    if company.is_international and not was_international and company.became_international_on is None:
        company.became_international_on = stockholm_today()


def _confirm_flags(company: Company, *, source: str, on: date, note: str = "") -> None:
    """Mark the company's current signs of international business as confirmed on `on` by `source`: the
    first confirmation that leaves it international dates `international_confirmed_on` (what the goal
    "newly international companies" counts); an earlier confirmation keeps the earlier date."""
    company.flags_source = source
    company.flags_source_note = note[:300]
    company.flags_confirmed_on = on
    if company.is_international:
        if company.became_international_on is None:
            company.became_international_on = on
        if company.international_confirmed_on is None or on < company.international_confirmed_on:
            company.international_confirmed_on = on


def _signs(company: Company) -> tuple:
    return tuple(getattr(company, field) for field in INTERNATIONAL_FLAG_FIELDS)


def _apply_flag_source(company: Company, *, signs_before: tuple | None, note: str) -> None:
    """An advisor's edit of the signs (the form or the API): with a source (`note`) it is a confirmation
    by an advisor, dated today; a change without one is recorded but unconfirmed, and does not count
    toward the goals (an earlier confirmation still dates `international_confirmed_on`)."""
    note = " ".join(note.split())[:300]
    changed = signs_before is not None and _signs(company) != signs_before
    # The same source sent back unchanged (an API client's read-modify-write) confirms nothing new.
    again = company.flags_source == FlagSource.ADVISOR and note == company.flags_source_note
    if note and (changed or signs_before is None or not again):
        _confirm_flags(company, source=FlagSource.ADVISOR, on=stockholm_today(), note=note)
    elif changed and not note:
        company.flags_source, company.flags_source_note, company.flags_confirmed_on = "", "", None


def _event(company: Company, kind: str, by, summary: str = "", **data: Any) -> CompanyEvent:
    return CompanyEvent(company=company, kind=kind, actor=by, summary=summary[:500], data=data)


def _record(company: Company, kind: str, by, summary: str = "", **data: Any) -> CompanyEvent:
    event = _event(company, kind, by, summary, **data)
    event.save(force_insert=True)
    return event


def register_company(*, by, data: dict[str, Any], source: str = CompanySource.ADVISOR) -> Company:
    """Create a company from validated form data, with its "created" entry on the timeline: both or
    neither. Raises DuplicateCompany if the number exists."""
    return _register(by=by, data=data, source=source)[0]


def register_company_with_contact(
    *, by, data: dict[str, Any], contact: dict[str, Any], source: str = CompanySource.ADVISOR
) -> tuple[Company, Contact]:
    """`register_company` for a company that comes with its first contact (the public form, an email from
    an unknown sender): the contact is its primary, and both timeline entries are written in one insert,
    all in the company's savepoint (a new company has no other contact to ask about or to clash with)."""
    return _register(by=by, data=data, source=source, contact=contact)


def _register(*, by, data, source, contact=None) -> tuple[Company, Contact | None]:
    org_number = data.get("org_number")
    if existing := existing_company_for(org_number):
        raise DuplicateCompany(existing)
    data = dict(data)
    note = data.pop("flags_source_note", "") or ""
    company = Company(source=source, created_by=by, updated_by=by, **data)
    _stamp_international(company, was_international=False)
    _apply_flag_source(company, signs_before=None, note=note)
    events = [
        _event(
            company,
            CompanyEvent.Kind.CREATED,
            by,
            _("Registered (%(source)s)") % {"source": company.get_source_display()},
        )
    ]
    first = None
    if contact is not None:
        first = Contact(company=company, created_by=by, updated_by=by, **{"source": source, **contact})
        first.is_primary = True  # a company's first contact
        _make_primary(first, others=False)
        events.append(_contact_added(first, by))
    try:
        # One savepoint in a caller's transaction (the intake's): a failed insert of a number leaves that
        # transaction usable, so the caller can take the company that won instead. A company without a
        # number has no unique value to lose a race on, so it needs none.
        with transaction.atomic(savepoint=bool(org_number)):
            company.save()
            if first is not None:
                first.save()
            CompanyEvent.objects.bulk_create(events)
    except IntegrityError:
        # Registered by someone else between our check and our insert: the unique constraint decides.
        existing = existing_company_for(org_number)
        if existing is None:
            raise
        raise DuplicateCompany(existing) from None
    return company, first


@transaction.atomic
def update_company(*, company: Company, by, data: dict[str, Any], expected_version: int) -> Company:
    """Apply validated changes if nobody changed the company since `expected_version`.

    Only changed fields are written. Raises StaleCompany (nothing written) or DuplicateCompany.
    """
    current = Company.objects.select_for_update().get(pk=company.pk)
    if current.version != expected_version:
        raise StaleCompany
    if data.get("org_number") and data["org_number"] != current.org_number:
        existing = existing_company_for(data["org_number"])
        if existing is not None and existing.pk != current.pk:
            raise DuplicateCompany(existing)
    was_international = current.is_international
    data = dict(data)
    note = data.pop("flags_source_note", "") or ""
    signs_before = _signs(current)
    confirmation_before = {field: _display(current, field) for field in _CONFIRMATION_FIELDS}
    changes = {}
    for field, value in data.items():
        before = _display(current, field)
        old = getattr(current, field)
        setattr(current, field, value)
        if getattr(current, field) != old:
            changes[field] = {"from": before, "to": _display(current, field)}
    _apply_flag_source(current, signs_before=signs_before, note=note)
    for field, before in confirmation_before.items():
        if _display(current, field) != before:
            changes[field] = {"from": before, "to": _display(current, field)}
    if not changes:
        return current
    _stamp_international(current, was_international)
    current.updated_by = by
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    labels = ", ".join(str(Company._meta.get_field(f).verbose_name) for f in changes)
    _record(
        current, CompanyEvent.Kind.UPDATED, by, _("Changed: %(fields)s") % {"fields": labels}, changes=changes
    )
    return current


@transaction.atomic
def confirm_international_flags(
    *, company: Company, flags: dict[str, bool | None], source: str, on: date, note: str = "", by=None
) -> Company:
    """Record the company's signs of international business as confirmed on `on` by `source` (FlagSource):
    the company itself (an export outcome, a survey) or an advisor with a recorded source (`note`).

    A flag given as True is set and dated; False clears it; None (or absent) leaves it. The first
    confirmation that leaves the company international dates `international_confirmed_on` (what the goal
    "newly international companies" counts); an earlier confirmation keeps the earlier date.
    Lands on the timeline like any change.
    """
    current = Company.objects.select_for_update().get(pk=company.pk)
    changes = {}
    for name, _label in INTERNATIONAL_FLAGS:
        value = flags.get(name)
        if value is None:
            continue
        if getattr(current, name) != bool(value):
            changes[name] = {"from": _display(current, name), "to": str(bool(value))}
        setattr(current, name, bool(value))
        if value:
            setattr(current, f"{name}_confirmed_on", on)
    _confirm_flags(current, source=source, on=on, note=note)
    current.updated_by = by or current.updated_by
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _record(
        current,
        CompanyEvent.Kind.UPDATED,
        by,
        _("Signs of international business confirmed: %(source)s")
        % {"source": current.get_flags_source_display()},
        changes=changes,
        source=source,
    )
    return current


def _make_primary(contact: Contact, *, others=True) -> None:
    """Before saving: make this the only primary contact (`others`: whether the company may have other
    contacts; a first contact has none to demote), and keep a consent date only under consent."""
    if contact.is_primary and others:
        Contact.objects.filter(company=contact.company, is_primary=True).exclude(pk=contact.pk).update(
            is_primary=False
        )
    if contact.legal_basis != Contact.LegalBasis.CONSENT:
        contact.consent_given_on = None


@contextmanager
def _email_once():
    """A contact saved in this block whose email the company has already becomes a field error. Use it
    around an atomic block, whose savepoint undoes the block and leaves a caller's transaction usable."""
    try:
        yield
    except IntegrityError:
        raise ValidationError(
            {"email": _("This company already has a contact with this email address.")}, code="unique"
        ) from None


def _save_contact(contact: Contact) -> Contact:
    _make_primary(contact)
    with _email_once(), transaction.atomic():
        contact.save()
    return contact


def add_contact(*, company: Company, by, data: dict[str, Any]) -> Contact:
    """Add a contact and its timeline entry, both or neither; a company's first contact is its primary."""
    contact = Contact(
        company=company, created_by=by, updated_by=by, **{"source": CompanySource.ADVISOR, **data}
    )
    with _email_once(), transaction.atomic():
        first = not company.contacts.exists()
        if first:
            contact.is_primary = True
        _make_primary(contact, others=not first)
        contact.save()
        _contact_added(contact, by).save(force_insert=True)
    return contact


def _contact_added(contact: Contact, by) -> CompanyEvent:
    return _event(
        contact.company,
        CompanyEvent.Kind.CONTACT_ADDED,
        by,
        _("Contact added: %(name)s") % {"name": contact.name},
    )


@transaction.atomic
def update_contact(*, contact: Contact, by, data: dict[str, Any]) -> Contact:
    # An erased person stays erased: a form opened before the erasure must not write the data back. The
    # erasure locks the row too, so one of them waits for the other.
    if Contact.objects.select_for_update().filter(pk=contact.pk, anonymised_at__isnull=False).exists():
        raise ValidationError(_("This person's data has been erased; the contact can no longer be changed."))
    for field, value in data.items():
        setattr(contact, field, value)
    contact.updated_by = by
    _save_contact(contact)
    _record(
        contact.company,
        CompanyEvent.Kind.CONTACT_UPDATED,
        by,
        _("Contact updated: %(name)s") % {"name": contact.name},
    )
    return contact


@dataclass(frozen=True)
class MergeResult:
    survivor: Company
    moved: dict[str, int]


# Fields the survivor takes from the duplicate when its own are empty.
_FILLABLE = [
    "org_number",
    "sni_code",
    "employee_band",
    "turnover_class",
    "website",
    "export_experience",
    "responsible_organisation",
    "responsible_advisor",
]


@transaction.atomic
def merge_companies(
    *, survivor: Company, duplicate: Company, by, expected_version: int | None = None
) -> MergeResult:
    """Merge `duplicate` into `survivor`, losing nothing.

    Every row that points at the duplicate (contacts, and whatever later apps attach: requests,
    referrals, activities) is repointed to the survivor. Empty fields of the survivor are filled from
    the duplicate, markets and international flags are united, and the duplicate stays as a tombstone
    (`merged_into`) so that old links and numbers lead to the survivor.
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A company cannot be merged with itself."))
    survivor, duplicate = (
        Company.objects.select_for_update().get(pk=survivor.pk),
        Company.objects.select_for_update().get(pk=duplicate.pk),
    )
    if expected_version is not None and survivor.version != expected_version:
        raise StaleCompany  # the API's If-Match: the survivor changed since the client read it
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("One of the companies has already been merged into another."))

    snapshot = {
        field: _display(duplicate, field) for field in ["org_number", "name", "municipality", *_FILLABLE[1:]]
    }
    moved = {"contacts": _move_contacts(survivor, duplicate)}
    for relation in Company._meta.related_objects:
        if relation.related_model in (Contact, Company) or not relation.one_to_many:
            continue
        # A model whose rows may clash on the survivor (a unique constraint with the company) resolves that.
        if prepare := getattr(relation.related_model, "before_company_merge", None):
            prepare(survivor=survivor, duplicate=duplicate)
        name = relation.related_model._meta.label
        moved[name] = relation.related_model._base_manager.filter(**{relation.field.name: duplicate}).update(
            **{relation.field.name: survivor}
        )
    Company.objects.filter(merged_into=duplicate).update(merged_into=survivor)

    was_international = survivor.is_international
    duplicate_number = duplicate.org_number
    for field in _FILLABLE:
        if field == "org_number":
            continue
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
    survivor.export_countries = sorted({*survivor.export_countries, *duplicate.export_countries}, key=str)
    survivor.target_markets = sorted({*survivor.target_markets, *duplicate.target_markets}, key=str)
    for flag, _label in INTERNATIONAL_FLAGS:
        if getattr(duplicate, flag):
            setattr(survivor, flag, True)
            confirmed = [
                d
                for d in (
                    getattr(survivor, f"{flag}_confirmed_on"),
                    getattr(duplicate, f"{flag}_confirmed_on"),
                )
                if d
            ]
            setattr(survivor, f"{flag}_confirmed_on", max(confirmed) if confirmed else None)
    if duplicate.became_international_on and (
        survivor.became_international_on is None
        or duplicate.became_international_on < survivor.became_international_on
    ):
        survivor.became_international_on = duplicate.became_international_on
    # The earliest confirmation stands (the goal counts the first); the latest says who confirmed last.
    if duplicate.international_confirmed_on and (
        survivor.international_confirmed_on is None
        or duplicate.international_confirmed_on < survivor.international_confirmed_on
    ):
        survivor.international_confirmed_on = duplicate.international_confirmed_on
    if duplicate.flags_confirmed_on and (
        survivor.flags_confirmed_on is None or duplicate.flags_confirmed_on > survivor.flags_confirmed_on
    ):
        survivor.flags_source = duplicate.flags_source
        survivor.flags_source_note = duplicate.flags_source_note
        survivor.flags_confirmed_on = duplicate.flags_confirmed_on
    _stamp_international(survivor, was_international)

    duplicate.merged_into = survivor
    duplicate.updated_by = by
    duplicate.version = F("version") + 1
    if not survivor.org_number and duplicate_number:
        duplicate.org_number = (
            None  # the number moves to the survivor; the unique constraint allows one holder
        )
    duplicate.save()
    if not survivor.org_number and duplicate_number:
        survivor.org_number, survivor.legal_form = duplicate_number, duplicate.legal_form
    survivor.updated_by = by
    survivor.version = F("version") + 1
    survivor.save()
    survivor.refresh_from_db()

    summary = _("Merged with %(name)s (%(number)s)") % {
        "name": duplicate.name,
        "number": snapshot["org_number"] or "–",
    }
    _record(
        survivor,
        CompanyEvent.Kind.MERGED,
        by,
        summary,
        merged_company=str(duplicate.public_id),
        snapshot=snapshot,
        moved=moved,
    )
    _record(
        duplicate,
        CompanyEvent.Kind.MERGED,
        by,
        _("Merged into %(name)s") % {"name": survivor.name},
        survivor=str(survivor.public_id),
    )
    # In the merge's transaction; the request being answered (if any) gives the address and the page.
    audit(
        AuditAction.MERGE,
        actor=by,
        obj=survivor,
        duplicate=duplicate.public_id.hex,
        duplicate_name=duplicate.name,
        moved=moved,
    )
    return MergeResult(survivor=survivor, moved=moved)


def _move_contacts(survivor: Company, duplicate: Company) -> int:
    """Move the duplicate's contacts; a contact with an email the survivor already has is folded into it."""
    existing = {c.email.lower(): c for c in survivor.contacts.exclude(email="")}
    survivor_has_primary = survivor.contacts.filter(is_primary=True).exists()
    moved = 0
    for contact in duplicate.contacts.all():
        twin = existing.get(contact.email.lower()) if contact.email else None
        if twin is not None:
            for field in ["title", "phone", "consent_given_on"]:
                if not getattr(twin, field) and getattr(contact, field):
                    setattr(twin, field, getattr(contact, field))
            twin.save()
            _record(
                survivor,
                CompanyEvent.Kind.CONTACT_UPDATED,
                None,
                _("Contact merged: %(name)s") % {"name": contact.name},
                merged_contact={
                    "name": contact.name,
                    "title": contact.title,
                    "email": contact.email,
                    "phone": contact.phone,
                    "legal_basis": contact.legal_basis,
                    "source": contact.source,
                },
            )
            contact.delete()
            continue
        if contact.is_primary and survivor_has_primary:
            contact.is_primary = False
        contact.company = survivor
        contact.save()
        moved += 1
    return moved
