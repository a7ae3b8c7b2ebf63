"""State changes of mailboxes (create, change, deactivate, poll now) and of a request that came by email
(`use_company`: the advisor's "did you mean").

Rules:
- The password is write-only: an empty one keeps the stored one; it is encrypted (`mailboxes.secrets`) and
  never returned, logged or written to the audit log (the entry says only that it changed).
- A mailbox is in one of the editor's regions; its organisation serves that region, and an organisation
  lead connects only their own organisation's (advisors.access decides who may).
- The server is a host name or address (no scheme, no spaces); folder names hold no control characters
  (an IMAP command ends at a line break).
- Only one active mailbox has an address (a database constraint too; a race answers with the same field
  error).
- Every change takes the mailbox's row lock and bumps its version: two editors cannot both win
  (`StaleMailbox`).
"""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from advisors import access
from advisors.access import Action, region_ids
from audit.models import Action as AuditAction
from audit.services import record as audit_record
from exportcenter import broker
from exportcenter.bad_input import bad_text
from exportcenter.errors import Stale

from . import secrets
from .matching import MatchedBy
from .models import Mailbox

MAILBOX_FIELDS = (
    "name",
    "address",
    "region",
    "organisation",
    "kind",
    "host",
    "port",
    "security",
    "username",
    "folder",
    "processed_folder",
    "poll_interval_seconds",
)
# A new mailbox's settings where the editor gives none (the form's initial values, the API's defaults).
NEW_MAILBOX_DEFAULTS = {
    "kind": Mailbox.Kind.IMAP,
    "port": 993,
    "security": Mailbox.Security.TLS,
    "folder": "INBOX",
    "processed_folder": "Processed",
    "poll_interval_seconds": 60,
}
MAX_PASSWORD_LENGTH = 500
MIN_POLL_SECONDS = 30
MAX_POLL_SECONDS = 24 * 60 * 60
AUDIT_MAILBOX_CREATED = AuditAction.MAILBOX_CREATED
AUDIT_MAILBOX_CHANGED = AuditAction.MAILBOX_CHANGED
AUDIT_REQUEST_COMPANY = AuditAction.REQUEST_COMPANY_CHANGED
# What a company made from an email sender owns and takes with it when it is removed: its timeline.
# The request's company once the advisor chose it ("did you mean" is then no longer asked).
CHOSEN_BY_ADVISOR = "advisor"
COMPANY_OWN_RECORDS = frozenset({"companies.CompanyEvent"})

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class StaleMailbox(Stale):
    """The mailbox changed since the editor read it."""


# --- Validation ------------------------------------------------------------------------------------------


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_texts(errors: dict, data: dict) -> None:
    """NUL bytes and text over the column's limit are field errors, never a database error."""
    for name, value in data.items():
        if not isinstance(value, str) or name not in MAILBOX_FIELDS:
            continue
        if bad_text(value):
            _add(errors, name, _("The text holds characters that cannot be read."))
            continue
        limit = getattr(Mailbox._meta.get_field(name), "max_length", None)
        if limit and len(value) > limit:
            _add(
                errors,
                name,
                _("Write at most %(limit)d characters (it has %(count)d).")
                % {"limit": limit, "count": len(value)},
            )


def host_errors(host: str) -> list[str]:
    """A server's name or address: no scheme, no path, no spaces, at most 253 characters."""
    if _SCHEME.match(host):
        return [_("Write the server's name only, without imap:// or https://, e.g. imap.example.org.")]
    if any(char.isspace() for char in host) or _CONTROL.search(host):
        return [_("A server's name has no spaces.")]
    if "/" in host or "@" in host:
        return [_("Write the server's name only, e.g. imap.example.org.")]
    if len(host) > 253:
        return [_("A server's name has at most 253 characters.")]
    return []


def folder_errors(folder: str) -> list[str]:
    if _CONTROL.search(folder):
        return [_("A folder's name cannot hold control characters or line breaks.")]
    if len(folder) > 200:
        return [_("A folder's name has at most 200 characters.")]
    return []


def _check_mailbox(mailbox: Mailbox, errors: dict, *, by, creating: bool, region_moved: bool) -> None:
    if not mailbox.name.strip() and "name" not in errors:
        _add(errors, "name", _("This field is required."))
    if "address" not in errors:
        try:
            validate_email(mailbox.address)
        except ValidationError:
            _add(errors, "address", _("Enter a valid email address."))
    outside = region_moved and not by.is_superuser and mailbox.region_id not in region_ids(by)
    if mailbox.region_id is None or outside:
        _add(errors, "region", _("Choose one of your regions."))
    elif (
        mailbox.organisation_id is not None
        and "organisation" not in errors
        and not mailbox.organisation.regions.filter(pk=mailbox.region_id).exists()
    ):
        _add(errors, "organisation", _("The organisation does not serve this region."))
    lead_only = not by.is_superuser and not by.is_regional_staff
    if lead_only and "organisation" not in errors and mailbox.organisation_id != by.organisation_id:
        _add(errors, "organisation", _("Choose your own organisation."))
    if mailbox.kind not in Mailbox.Kind.values:
        _add(errors, "kind", _("Choose a kind."))
    elif mailbox.kind == Mailbox.Kind.LOCAL and not settings.MAIL_LOCAL_FOLDER:
        _add(errors, "kind", _("This server has no local mail folder (MAIL_LOCAL_FOLDER)."))
    if mailbox.kind == Mailbox.Kind.IMAP:
        if not mailbox.host.strip():
            _add(errors, "host", _("An IMAP mailbox needs a server."))
        elif "host" not in errors:
            for message in host_errors(mailbox.host):
                _add(errors, "host", message)
        if not mailbox.username.strip() and "username" not in errors:
            _add(errors, "username", _("An IMAP mailbox needs a user name."))
    if not isinstance(mailbox.port, int) or not 1 <= mailbox.port <= 65535:
        _add(errors, "port", _("A port is a number from 1 to 65535."))
    if mailbox.security not in Mailbox.Security.values:
        _add(errors, "security", _("Choose how the connection is secured."))
    if not mailbox.folder.strip() and "folder" not in errors:
        _add(errors, "folder", _("This field is required."))
    for name in ("folder", "processed_folder"):
        if name not in errors:
            for message in folder_errors(getattr(mailbox, name)):
                _add(errors, name, message)
    if (
        mailbox.processed_folder
        and mailbox.processed_folder == mailbox.folder
        and "processed_folder" not in errors
    ):
        _add(errors, "processed_folder", _("Choose another folder than the one read, or leave it empty."))
    interval = mailbox.poll_interval_seconds
    if not isinstance(interval, int) or not MIN_POLL_SECONDS <= interval <= MAX_POLL_SECONDS:
        _add(
            errors,
            "poll_interval_seconds",
            _("Poll every %(low)d to %(high)d seconds.")
            % {"low": MIN_POLL_SECONDS, "high": MAX_POLL_SECONDS},
        )
    if mailbox.is_active and "address" not in errors:
        taken = Mailbox.objects.filter(is_active=True, address__iexact=mailbox.address)
        if mailbox.pk is not None:
            taken = taken.exclude(pk=mailbox.pk)
        if taken.exists():
            _add(errors, "address", _("Another active mailbox has this address."))


def _password_errors(password: str | None) -> list[str]:
    if password is None or password == "":
        return []
    if "\x00" in password or "\r" in password or "\n" in password:
        return [_("The password cannot hold line breaks or NUL characters.")]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [_("The password has at most %(limit)d characters.") % {"limit": MAX_PASSWORD_LENGTH}]
    return []


def _apply(mailbox: Mailbox, data: dict, *, by, creating: bool, password: str | None) -> dict:
    errors: dict[str, list] = {}
    data = {name: value for name, value in data.items() if name in MAILBOX_FIELDS}
    _check_texts(errors, data)
    old_region = mailbox.region_id
    for name, value in data.items():
        if name in errors:
            continue
        if isinstance(value, str) and name not in ("name",):
            value = value.strip()
        setattr(mailbox, name, value)
    if "address" in data and "address" not in errors:
        mailbox.address = mailbox.address.strip()
    region_moved = creating or mailbox.region_id != old_region
    _check_mailbox(mailbox, errors, by=by, creating=creating, region_moved=region_moved)
    if problems := _password_errors(password):
        errors["password"] = problems
    elif creating and mailbox.kind == Mailbox.Kind.IMAP and not password:
        _add(errors, "password", _("An IMAP mailbox needs the password of its user."))
    if not errors and not by.is_superuser:
        allowed = access.can(by, Action.CREATE if creating else Action.CHANGE, mailbox)
        if not allowed:
            _add(
                errors,
                "organisation" if mailbox.organisation_id else "region",
                _("You cannot connect this mailbox."),
            )
    return errors


def _constraint_errors(error: IntegrityError) -> ValidationError:
    text = str(error)
    if "mailbox_active_address_unique" in text:
        return ValidationError({"address": [_("Another active mailbox has this address.")]})
    if "mailbox_imap_has_host" in text:
        return ValidationError({"host": [_("An IMAP mailbox needs a server.")]})
    raise error


def _changed_fields(before: dict, mailbox: Mailbox) -> list[str]:
    return [name for name in MAILBOX_FIELDS if before.get(name) != _value(mailbox, name)]


def _value(mailbox: Mailbox, name: str):
    field = Mailbox._meta.get_field(name)
    return getattr(mailbox, field.attname)


# --- Mailboxes -------------------------------------------------------------------------------------------


def create_mailbox(*, by, data: dict[str, Any], password: str = "") -> Mailbox:
    """A new mailbox connected by `by` (regional staff, or an organisation lead for their own)."""
    mailbox = Mailbox(created_by=by)
    errors = _apply(mailbox, data, by=by, creating=True, password=password)
    if errors:
        raise ValidationError(errors)
    mailbox.password_encrypted = secrets.encrypt(password or "")
    try:
        with transaction.atomic():
            mailbox.save()
            audit_record(
                AUDIT_MAILBOX_CREATED,
                actor=by,
                obj=mailbox,
                address=mailbox.address,
                kind=mailbox.kind,
                password_set=bool(password),
            )
    except IntegrityError as error:
        raise _constraint_errors(error) from None
    return mailbox


def _locked(mailbox: Mailbox, expected_version: int | None) -> Mailbox:
    current = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleMailbox
    return current


def update_mailbox(
    *, mailbox: Mailbox, by, data: dict[str, Any], password: str | None = None, expected_version: int | None
) -> Mailbox:
    """Change a mailbox's settings (with the version the editor read). An empty `password` keeps the
    stored one."""
    try:
        with transaction.atomic():
            current = _locked(mailbox, expected_version)
            before = {name: _value(current, name) for name in MAILBOX_FIELDS}
            errors = _apply(current, data, by=by, creating=False, password=password)
            if errors:
                raise ValidationError(errors)
            changed = _changed_fields(before, current)
            if password:
                current.password_encrypted = secrets.encrypt(password)
            current.version = F("version") + 1
            current.save()
            current.refresh_from_db()
            audit_record(
                AUDIT_MAILBOX_CHANGED, actor=by, obj=current, changed=changed, password_changed=bool(password)
            )
    except IntegrityError as error:
        raise _constraint_errors(error) from None
    return current


def set_active(*, mailbox: Mailbox, by, active: bool, expected_version: int | None = None) -> Mailbox:
    """Deactivate a mailbox (it is no longer polled; its messages stay), or activate it again (its
    address must be free)."""
    try:
        with transaction.atomic():
            current = _locked(mailbox, expected_version)
            if current.is_active == active:
                return current
            if active and (
                Mailbox.objects.filter(is_active=True, address__iexact=current.address)
                .exclude(pk=current.pk)
                .exists()
            ):
                raise ValidationError({"address": [_("Another active mailbox has this address.")]})
            current.is_active = active
            current.version = F("version") + 1
            current.save(update_fields=["is_active", "version", "updated_at"])
            current.refresh_from_db()
            audit_record(AUDIT_MAILBOX_CHANGED, actor=by, obj=current, changed=["is_active"], active=active)
    except IntegrityError as error:
        raise _constraint_errors(error) from None
    return current


def poll_now(*, mailbox: Mailbox) -> None:
    """Ask a worker to poll the mailbox now (after commit; the task is idempotent and takes a lock)."""
    from .tasks import poll_mailbox  # the task imports the poller, which the pages need not load

    mailbox_id = mailbox.pk
    transaction.on_commit(lambda: broker.publish(poll_mailbox, mailbox_id))


# --- A request that came by email: "did you mean" -----------------------------------------------------------


def _only_referred_to_by_nothing(obj, own=()) -> bool:
    """Whether deleting `obj` would delete nothing but `obj` and its own records (`own`: model labels, e.g.
    a company's timeline) and no reference prevents it."""
    collector = Collector(using=obj._state.db or "default")
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError):
        return False
    for model, instances in collector.data.items():
        if model is type(obj):
            if any(instance.pk != obj.pk for instance in instances):
                return False
        elif instances and model._meta.label not in own:
            return False
    return not any(
        queryset.exists() for queryset in collector.fast_deletes if queryset.model._meta.label not in own
    )


def use_company(*, request, company, by):
    """Move a request (and its contact) from the company made from an email's sender to `company`, the one
    the advisor chose; the made-up company is deleted when nothing else refers to it."""
    from referrals.models import AdviceRequest

    access.require(by, Action.ASSIGN, request)
    if not access.can(by, Action.VIEW, company) or company.merged_into_id is not None:
        raise ValidationError({"company": [_("Choose a company you can see.")]})
    with transaction.atomic():
        current = (
            AdviceRequest.objects.select_for_update(of=("self",))
            .select_related("company", "contact")
            .get(pk=request.pk)
        )
        old = current.company
        submitted = dict(current.submitted or {})
        email = dict(submitted.get("email") or {})
        if email.get("company_matched_by") != MatchedBy.NEW or old.pk == company.pk:
            raise ValidationError({"company": [_("The request's company was already chosen.")]})
        email["company_matched_by"] = CHOSEN_BY_ADVISOR
        submitted["email"] = email
        contact = current.contact
        if contact is not None and contact.company_id == old.pk:
            known = (
                company.contacts.filter(email__iexact=contact.email).order_by("pk").first()
                if contact.email
                else None
            )
            if known is not None:  # the person is already the chosen company's contact: use that one
                AdviceRequest.objects.filter(pk=current.pk).update(contact=known)
                if _only_referred_to_by_nothing(contact):
                    contact.delete()
            elif not contact.requests.exclude(pk=current.pk).exists():
                contact.company = company
                contact.save(update_fields=["company", "updated_at"])
        AdviceRequest.objects.filter(pk=current.pk).update(
            company=company, submitted=submitted, version=F("version") + 1
        )
        current.refresh_from_db()
        old_name, old_id = old.name, old.public_id
        removed = False
        if _only_referred_to_by_nothing(old, own=COMPANY_OWN_RECORDS):
            old.delete()
            removed = True
        audit_record(
            AUDIT_REQUEST_COMPANY,
            actor=by,
            obj=current,
            from_company=str(old_id),
            from_company_name=old_name,
            to_company=str(company.public_id),
            placeholder_removed=removed,
        )
    return current
