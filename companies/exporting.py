"""Export of the company register as CSV or XLSX (written by `exportcenter.spreadsheets`).

The view passes `access.visible(user, ...)`, so only companies the user may see are exported; this module
asks the access module again for what may be shown of each one (a sole trader's number, contacts).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisors import access

from .models import INTERNATIONAL_FLAGS, Company, Contact
from .phones import display_phone
from .selectors import COMPANY_LIST_RELATED

EXPORT_RELATED = [*COMPANY_LIST_RELATED, "municipality__county"]
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ExportColumn:
    label: str
    # (company, may_see_personal_data) -> the cell's value
    value: Callable[[Company, bool], object]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _countries(countries) -> str:
    return ", ".join(str(country.name) for country in countries)


def _flag_column(name: str, label) -> ExportColumn:
    return ExportColumn(label, lambda company, personal: _yes_no(getattr(company, name)))


EXPORT_COLUMNS: list[ExportColumn] = [
    ExportColumn(
        gettext_lazy("Organisation number"),
        lambda c, personal: c.org_number_display if personal else c.org_number_masked,
    ),
    ExportColumn(gettext_lazy("Name"), lambda c, personal: c.name),
    ExportColumn(gettext_lazy("Legal form"), lambda c, personal: c.get_legal_form_display()),
    ExportColumn(gettext_lazy("Municipality"), lambda c, personal: c.municipality.short_name),
    ExportColumn(gettext_lazy("County"), lambda c, personal: c.municipality.county.name),
    ExportColumn(
        gettext_lazy("SNI code"),
        lambda c, personal: f"{c.sni_code.code[:2]}.{c.sni_code.code[2:]}" if c.sni_code else "",
    ),
    ExportColumn(
        gettext_lazy("SNI section"), lambda c, personal: str(c.sni_code.section) if c.sni_code else ""
    ),
    ExportColumn(gettext_lazy("Employees"), lambda c, personal: c.get_employee_band_display()),
    ExportColumn(
        gettext_lazy("Turnover class"), lambda c, personal: c.turnover_class.label if c.turnover_class else ""
    ),
    ExportColumn(gettext_lazy("Website"), lambda c, personal: c.website),
    ExportColumn(gettext_lazy("Export experience"), lambda c, personal: c.get_export_experience_display()),
    ExportColumn(gettext_lazy("Exports to"), lambda c, personal: _countries(c.export_countries)),
    ExportColumn(gettext_lazy("Target markets"), lambda c, personal: _countries(c.target_markets)),
    *[_flag_column(name, label) for name, label in INTERNATIONAL_FLAGS],
    ExportColumn(
        gettext_lazy("Responsible organisation"),
        lambda c, personal: c.responsible_organisation.name if c.responsible_organisation else "",
    ),
    ExportColumn(gettext_lazy("Source"), lambda c, personal: c.get_source_display()),
    ExportColumn(
        gettext_lazy("Updated"),
        lambda c, personal: timezone.localtime(c.updated_at).strftime("%Y-%m-%d %H:%M"),
    ),
]

# Only for users who may export personal data: the primary contact person.
CONTACT_EXPORT_COLUMNS: list[tuple[str, Callable[[Contact], str]]] = [
    (gettext_lazy("Contact person"), lambda contact: contact.name),
    (gettext_lazy("Contact email"), lambda contact: contact.email),
    (gettext_lazy("Contact phone"), lambda contact: display_phone(contact.phone)),
]


def export_rows(user, queryset: QuerySet[Company]) -> Iterator[list[str]]:
    """The header row, then one row per company of `queryset` (which the caller limits to visible ones)."""
    with_contacts = access.can(user, access.Action.EXPORT_PERSONAL_DATA, Company)
    queryset = queryset.select_related(*EXPORT_RELATED)
    if with_contacts:
        queryset = queryset.prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.filter(is_primary=True), to_attr="primary_contacts")
        )
    # A streamed response is consumed after the view returns, possibly in another thread: keep the
    # language of the request for the labels.
    return _rows(user, queryset, with_contacts, translation.get_language())


def _rows(user, queryset, with_contacts: bool, language: str) -> Iterator[list[str]]:
    with translation.override(language):
        header = [str(column.label) for column in EXPORT_COLUMNS]
        if with_contacts:
            header += [str(label) for label, _value in CONTACT_EXPORT_COLUMNS]
        yield header
        for company in queryset.iterator(chunk_size=CHUNK_SIZE):
            personal = with_contacts and access.can(user, access.Action.EXPORT_PERSONAL_DATA, company)
            row = [str(column.value(company, personal)) for column in EXPORT_COLUMNS]
            if with_contacts:
                contact = company.primary_contacts[0] if personal and company.primary_contacts else None
                row += [value(contact) if contact else "" for _label, value in CONTACT_EXPORT_COLUMNS]
            yield row
