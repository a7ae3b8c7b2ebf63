"""Import companies and their contact persons from a CSV file: a dry-run preview first, then apply.

`preview_import` validates every row and writes nothing. `apply_import` validates the stored file again
(the register may have changed since the preview) and writes it in one transaction, through the same
services as the forms, so every change is attributed and lands on the company's timeline.
"""

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from advisors import access
from exportcenter.errors import Stale
from reference.models import EmployeeBand, Municipality, SNICode, TurnoverClass

from . import services
from .identifiers import parse_organisation_number
from .models import PROFILE_FIELDS, Company, CompanyImport, CompanySource, Contact, ExportExperience
from .phones import normalise_phone

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 1000  # applied synchronously: about 6 s on SQLite, 9 s on PostgreSQL
MAX_CELL_LENGTH = 300

REQUIRED_COLUMNS = ["org_number", "name"]
COMPANY_COLUMNS = PROFILE_FIELDS
CONTACT_COLUMNS = ["contact_name", "contact_email", "contact_phone", "contact_title"]
COLUMNS = [*COMPANY_COLUMNS, *CONTACT_COLUMNS]
CSV_TEMPLATE_HEADER = ",".join(COLUMNS)

ALLOWED_CONTENT_TYPES = frozenset(
    {"text/csv", "text/plain", "application/vnd.ms-excel", "application/csv", "application/octet-stream"}
)

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"


# --- Reading the upload ---------------------------------------------------------------------------


def read_upload(uploaded_file) -> tuple[str, str]:
    """The file name and text of an uploaded CSV file; ValidationError if it is not one we accept."""
    if uploaded_file.size is None or uploaded_file.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(size)s.") % {"size": filesizeformat(MAX_IMPORT_BYTES)},
            code="size",
        )
    filename = os.path.basename(uploaded_file.name or "")
    content_type = (uploaded_file.content_type or "").split(";")[0].strip().lower()
    if not filename.lower().endswith(".csv") or content_type not in ALLOWED_CONTENT_TYPES:
        raise ValidationError(_("Choose a CSV file (a name ending in .csv)."), code="type")
    uploaded_file.seek(0)
    # Read one byte more than allowed: `size` comes from the client and may not be the truth.
    data = uploaded_file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(size)s.") % {"size": filesizeformat(MAX_IMPORT_BYTES)},
            code="size",
        )
    if b"\x00" in data:
        raise ValidationError(_("This is not a text file. Choose a CSV file."), code="binary")
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not in UTF-8. In Excel, save it as “CSV UTF-8 (comma delimited)”."),
            code="encoding",
        ) from None
    return filename[:200], text


# --- The preview ----------------------------------------------------------------------------------


@dataclass
class RowResult:
    line: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    action: str = ERROR
    org_number: str | None = None
    company: Company | None = None
    # The validated values, as the services take them; only non-empty cells.
    company_data: dict[str, Any] = field(default_factory=dict, repr=False)
    contact_data: dict[str, Any] = field(default_factory=dict, repr=False)
    changed_fields: list[str] = field(default_factory=list)
    adds_contact: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def add_error(self, column: str, message) -> None:
        self.errors.setdefault(column, []).append(str(message))

    @property
    def action_label(self) -> str:
        """What applying the row will do, for the preview table."""
        contact = _(" and a contact person") if self.adds_contact else ""
        if self.action == CREATE:
            return _("New company") + contact
        if self.action == UPDATE:
            fields = ", ".join(
                str(Company._meta.get_field(name).verbose_name) for name in self.changed_fields
            )
            return _("Update: %(fields)s") % {"fields": fields or _("contact person")} + contact
        return _("Unchanged")


@dataclass
class ImportPreview:
    header_errors: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.is_valid]

    @property
    def invalid_rows(self) -> list[RowResult]:
        return [row for row in self.rows if not row.is_valid]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys([CREATE, UPDATE, UNCHANGED, ERROR], 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def can_apply_all(self) -> bool:
        return not self.header_errors and not self.invalid_rows


@dataclass
class _ReferenceData:
    """Lookup tables loaded once per file, so that no row needs a query of its own."""

    municipalities: dict[str, Municipality]
    sni_codes: dict[str, SNICode]
    turnover_classes: dict[str, TurnoverClass]

    @classmethod
    def load(cls) -> "_ReferenceData":
        municipalities = {}
        for municipality in Municipality.objects.all():
            for key in (municipality.code, municipality.short_name, municipality.name):
                municipalities[key.casefold()] = municipality
        return cls(
            municipalities=municipalities,
            sni_codes={sni.code: sni for sni in SNICode.objects.all()},
            turnover_classes={str(turnover.code): turnover for turnover in TurnoverClass.objects.all()},
        )


def _municipality(value: str, reference: _ReferenceData) -> Municipality:
    municipality = reference.municipalities.get(value.casefold())
    if municipality is None:
        raise ValidationError(
            _("Unknown municipality. Write its four-digit code, like 0380, or its name, like Uppsala.")
        )
    return municipality


def _sni_code(value: str, reference: _ReferenceData) -> SNICode:
    sni = reference.sni_codes.get(value.replace(".", "").replace(" ", ""))
    if sni is None:
        raise ValidationError(_("Unknown SNI 2025 code. Write its five digits, like 62.100."))
    return sni


def _turnover_class(value: str, reference: _ReferenceData) -> TurnoverClass:
    turnover = reference.turnover_classes.get(value.lstrip("0") or "0")
    if turnover is None:
        raise ValidationError(_("Unknown turnover class. Write SCB's class number, 0 to 12."))
    return turnover


def _choice(choices) -> Callable[[str, _ReferenceData], str]:
    def clean(value: str, reference: _ReferenceData) -> str:
        if value not in choices.values:
            raise ValidationError(_("Write one of: %(values)s.") % {"values": ", ".join(choices.values)})
        return value

    return clean


def _form_field(form_field: forms.Field) -> Callable[[str, _ReferenceData], Any]:
    return lambda value, reference: form_field.clean(value)


# column -> (the data it fills: "company" or "contact", the model field, its cleaner)
_FIELDS: dict[str, tuple[str, str, Callable[[str, _ReferenceData], Any]]] = {
    "name": (
        "company",
        "name",
        _form_field(
            forms.CharField(
                max_length=200, error_messages={"required": gettext_lazy("Enter the company's name.")}
            )
        ),
    ),
    "municipality": ("company", "municipality", _municipality),
    "sni_code": ("company", "sni_code", _sni_code),
    "employee_band": ("company", "employee_band", _choice(EmployeeBand)),
    "turnover_class": ("company", "turnover_class", _turnover_class),
    "website": ("company", "website", _form_field(forms.URLField(max_length=300, assume_scheme="https"))),
    "export_experience": ("company", "export_experience", _choice(ExportExperience)),
    "contact_name": ("contact", "name", _form_field(forms.CharField(max_length=200))),
    "contact_email": ("contact", "email", _form_field(forms.EmailField(max_length=254))),
    "contact_phone": ("contact", "phone", lambda value, reference: normalise_phone(value)),
    "contact_title": ("contact", "title", _form_field(forms.CharField(max_length=200))),
}


def _delimiter(first_line: str) -> str:
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;").delimiter
    except csv.Error:
        return ","


def _read_header(header: list[str], preview: ImportPreview) -> list[str]:
    columns = [cell.strip().lower() for cell in header]
    while columns and not columns[-1]:
        columns.pop()  # Excel sometimes ends every line with empty cells
    for number, column in enumerate(columns, start=1):
        if not column:
            preview.header_errors.append(_("Column %(number)s has no name.") % {"number": number})
    unknown = [column for column in columns if column and column not in COLUMNS]
    if unknown:
        preview.header_errors.append(
            _("Unknown columns: %(columns)s. The accepted columns are: %(accepted)s.")
            % {"columns": ", ".join(unknown), "accepted": ", ".join(COLUMNS)}
        )
    for column in sorted({column for column in columns if column and columns.count(column) > 1}):
        preview.header_errors.append(_("The column %(column)s appears more than once.") % {"column": column})
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            preview.header_errors.append(_("The required column %(column)s is missing.") % {"column": column})
    return columns


def _read_rows(text: str, preview: ImportPreview) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header's column names and the non-blank data rows with the line each starts on."""
    first_line = text.partition("\n")[0].rstrip("\r")
    if not first_line.strip():
        preview.header_errors.append(_("The file is empty, or its first line is empty."))
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    records: list[tuple[int, list[str]]] = []
    try:
        columns = _read_header(next(reader), preview)
        next_line = reader.line_num + 1
        for cells in reader:
            line, next_line = next_line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) == MAX_IMPORT_ROWS:
                preview.header_errors.append(
                    _("The file has more than %(max)s rows. Split it into smaller files.")
                    % {"max": MAX_IMPORT_ROWS}
                )
                return columns, []
            records.append((line, cells))
    except csv.Error:
        preview.header_errors.append(
            _("The file cannot be read as CSV near line %(line)s. Check its quotation marks.")
            % {"line": reader.line_num}
        )
        return [], []
    if not records and not preview.header_errors:
        preview.header_errors.append(_("The file has no rows below the header."))
    return columns, records


def _clean_row(line: int, columns: list[str], cells: list[str], reference: _ReferenceData) -> RowResult:
    row = RowResult(
        line=line, values={column: cells[i] if i < len(cells) else "" for i, column in enumerate(columns)}
    )
    if any(cell.strip() for cell in cells[len(columns) :]):
        row.add_error(NON_FIELD_ERRORS, _("This row has more cells than the header has columns."))
    for column, raw in row.values.items():
        value = raw.strip()
        if len(value) > MAX_CELL_LENGTH:
            row.add_error(column, _("At most %(max)s characters.") % {"max": MAX_CELL_LENGTH})
            continue
        if column == "org_number":
            try:
                number = parse_organisation_number(value)
            except ValidationError as error:
                row.errors[column] = error.messages
            else:
                row.org_number = number.digits
                row.company_data.update(org_number=number.digits, legal_form=number.legal_form)
            continue
        if not value and column not in REQUIRED_COLUMNS:
            continue  # an empty cell never blanks out what is registered
        target, name, clean = _FIELDS[column]
        try:
            cleaned = clean(value, reference)
        except ValidationError as error:
            row.errors[column] = error.messages
        else:
            (row.company_data if target == "company" else row.contact_data)[name] = cleaned
    if (
        any(row.values.get(column, "").strip() for column in CONTACT_COLUMNS)
        and not row.values.get("contact_name", "").strip()
    ):
        row.add_error(
            "contact_name", _("Enter the contact person's name, or leave every contact column empty.")
        )
    return row


def _changed_fields(company: Company, data: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in data.items():
        model_field = Company._meta.get_field(name)
        new = value.pk if model_field.is_relation else value
        if getattr(company, model_field.attname) != new:
            changed.append(name)
    return changed


def _update_data(row: RowResult) -> dict[str, Any]:
    # The number found the company; writing it back could only move a merged company's number.
    return {
        name: value for name, value in row.company_data.items() if name not in ("org_number", "legal_form")
    }


def _has_contact(contact: dict[str, Any], existing: list[tuple[str, str]]) -> bool:
    """Whether the company already has this person: by email, or by name when the file gives no email."""
    if contact.get("email"):
        return any(email.lower() == contact["email"].lower() for email, _name in existing)
    return any(name.casefold() == contact["name"].casefold() for _email, name in existing)


def preview_import(text: str, *, user) -> ImportPreview:
    """Validate every row of the file and say what applying it would do. Writes nothing."""
    preview = ImportPreview()
    columns, records = _read_rows(text, preview)
    if preview.header_errors:
        return preview
    reference = _ReferenceData.load()
    preview.rows = [_clean_row(line, columns, cells, reference) for line, cells in records]

    numbers = {row.org_number for row in preview.rows if row.org_number}
    registered = {company.org_number: company for company in Company.objects.filter(org_number__in=numbers)}
    first_line_of_number: dict[str, int] = {}
    first_line_of_company: dict[int, int] = {}
    for row in preview.rows:
        if row.org_number is None:
            continue
        first = first_line_of_number.setdefault(row.org_number, row.line)
        if first != row.line:
            row.add_error(
                "org_number", _("This organisation number is also on line %(line)s.") % {"line": first}
            )
            continue
        company = registered.get(row.org_number)
        if company is None:
            continue
        if company.merged_into_id is not None:
            company = services.existing_company_for(row.org_number)  # follows the merge to the survivor
        if not access.can(user, access.Action.CHANGE, company):
            row.add_error(
                "org_number",
                _("This company is registered in another region. Ask that region's export center about it."),
            )
            continue
        first = first_line_of_company.setdefault(company.pk, row.line)
        if first != row.line:
            row.add_error(
                "org_number",
                _("This company is also on line %(line)s, under another organisation number.")
                % {"line": first},
            )
            continue
        row.company = company

    contacts: dict[int, list[tuple[str, str]]] = {}
    matched = [row.company.pk for row in preview.rows if row.company is not None]
    for company_id, email, name in Contact.objects.filter(company__in=matched).values_list(
        "company_id", "email", "name"
    ):
        contacts.setdefault(company_id, []).append((email, name))

    for row in preview.rows:
        municipality = row.company_data.get("municipality")
        if municipality is not None and not access.can(
            user, access.Action.CHANGE, Company(municipality=municipality)
        ):
            row.add_error(
                "municipality", _("This municipality is outside your region: you could not see the company.")
            )
        creates = row.company is None and "org_number" not in row.errors
        if creates and municipality is None and "municipality" not in row.errors:
            row.add_error("municipality", _("Enter the municipality: a new company needs one."))
        if not row.is_valid:
            row.action = ERROR
        elif row.company is None:
            row.action = CREATE
            row.adds_contact = bool(row.contact_data)
        else:
            row.changed_fields = _changed_fields(row.company, _update_data(row))
            row.adds_contact = bool(row.contact_data) and not _has_contact(
                row.contact_data, contacts.get(row.company.pk, [])
            )
            row.action = UPDATE if row.changed_fields or row.adds_contact else UNCHANGED
    return preview


# --- Applying -------------------------------------------------------------------------------------


def _apply_row(row: RowResult, by) -> None:
    company = row.company
    if row.action == CREATE:
        company = services.register_company(by=by, data=row.company_data, source=CompanySource.IMPORT)
    elif row.changed_fields:
        company = services.update_company(
            company=company, by=by, data=_update_data(row), expected_version=company.version
        )
    if row.adds_contact:
        services.add_contact(
            company=company,
            by=by,
            data={
                **row.contact_data,
                "legal_basis": Contact.LegalBasis.LEGITIMATE_INTEREST,
                "source": CompanySource.IMPORT,
            },
        )


def apply_import(*, company_import: CompanyImport, by, valid_only: bool) -> dict[str, int]:
    """Validate the stored file again and write it, all or nothing. Returns the counts per action.

    With `valid_only`, rows with errors are skipped; otherwise one invalid row refuses the whole file.
    """
    with transaction.atomic():
        locked = CompanyImport.objects.select_for_update().get(pk=company_import.pk)
        if locked.status == CompanyImport.Status.APPLIED:
            raise ValidationError(_("This file has already been imported."), code="applied")
        preview = preview_import(locked.content, user=by)
        if preview.header_errors:
            raise ValidationError(preview.header_errors, code="header")
        invalid = len(preview.invalid_rows)
        if invalid and not valid_only:
            raise ValidationError(
                ngettext(
                    "%(count)s row has errors. Correct the file, or import only the valid rows.",
                    "%(count)s rows have errors. Correct the file, or import only the valid rows.",
                    invalid,
                )
                % {"count": invalid},
                code="invalid_rows",
            )
        try:
            for row in preview.valid_rows:
                _apply_row(row, by)
        except (services.DuplicateCompany, Stale):
            # Someone changed the register between our check and our write: nothing is kept.
            raise ValidationError(
                _("The register changed while the file was being imported. Preview the file again."),
                code="stale",
            ) from None
        locked.status = CompanyImport.Status.APPLIED
        locked.applied_at = timezone.now()
        locked.summary = preview.counts
        locked.save(update_fields=["status", "applied_at", "summary"])
    company_import.status, company_import.applied_at, company_import.summary = (
        locked.status,
        locked.applied_at,
        locked.summary,
    )
    return preview.counts
