"""Read-side queries of advice requests."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from advisors import access
from companies.identifiers import format_number, mask_number
from companies.models import Company, EmployeeBand, ExportExperience, Municipality

from .models import AdviceRequest, NeedCategory

# The related rows a request list shows: one query for the page, whatever its length.
REQUEST_LIST_RELATED = ["company__municipality", "region", "owner_organisation", "owner_advisor"]


def visible_requests(user) -> QuerySet[AdviceRequest]:
    return access.visible(user, AdviceRequest.objects.all())


def with_list_relations(queryset: QuerySet[AdviceRequest]) -> QuerySet[AdviceRequest]:
    return queryset.select_related(*REQUEST_LIST_RELATED).prefetch_related(
        Prefetch("needs", queryset=NeedCategory.objects.order_by("position"))
    )


def requests_for_company(user, company: Company) -> list[AdviceRequest]:
    return list(with_list_relations(visible_requests(user).filter(company=company)).order_by("-created_at"))


def unassigned_requests(user) -> QuerySet[AdviceRequest]:
    """The queue of requests from counties no export center serves."""
    return (
        with_list_relations(visible_requests(user).filter(region__isnull=True))
        .select_related("contact")
        .order_by("created_at")
    )


@dataclass(frozen=True)
class Difference:
    label: str
    submitted: str
    registered: str


_PROFILE_LABELS = {
    "org_number": _("Organisation number"),
    "name": _("Name"),
    "municipality": _("Municipality"),
    "website": _("Website"),
    "employee_band": _("Employees"),
    "export_experience": _("Export experience"),
    "export_countries": _("Exports to"),
}


def _readable(field: str, value, company: Company) -> str:
    if field == "org_number":
        return mask_number(value) if company.is_sole_trader else format_number(value)
    if field == "municipality":
        return str(Municipality.objects.filter(pk=value).first() or value or "")
    if field == "employee_band":
        return str(dict(EmployeeBand.choices).get(value, value or ""))
    if field == "export_experience":
        return str(dict(ExportExperience.choices).get(value, value or ""))
    if field == "export_countries":
        return ", ".join(sorted(str(code) for code in value or []))
    return str(value or "")


def submitted_differences(request: AdviceRequest) -> list[Difference]:
    """Where what the SME wrote differs from the register (which the form never overwrites)."""
    company = request.company
    registered = {
        "org_number": company.org_number or "",
        "name": company.name,
        "municipality": company.municipality_id,
        "website": company.website,
        "employee_band": company.employee_band,
        "export_experience": company.export_experience,
        "export_countries": sorted(str(code) for code in company.export_countries),
    }
    differences = []
    for field, label in _PROFILE_LABELS.items():
        submitted = request.submitted.get(field)
        if submitted in (None, "", []):
            continue
        if field == "export_countries":
            submitted = sorted(submitted)
        if submitted != registered[field]:
            differences.append(
                Difference(
                    str(label),
                    _readable(field, submitted, company),
                    _readable(field, registered[field], company),
                )
            )
    return differences
