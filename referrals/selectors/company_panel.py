"""What the company page shows of the requests the company made (the requests panel, registered by
`referrals.apps` with `exportcenter.panels`), and what a request's company wrote differently from the
register (also on the request page)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext_lazy as _

from advisors import access
from companies.identifiers import format_number, mask_number
from companies.models import Company, ExportExperience
from reference.models import EmployeeBand, Municipality

from ..models import AdviceRequest, NeedCategory


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


# What the company page's requests panel shows of each request (templates/referrals/includes/
# company_requests.html and `submitted_differences`): the company is the page's own, not read again, and
# the rest of the request and its relations not at all (the list's 150 columns took 2 ms to compile).
COMPANY_PANEL_FIELDS = (
    "reference",
    "status",
    "created_at",
    "submitted",
    "company",
    "owner_organisation__name",
)


def requests_for_company(user, company: Company) -> list[AdviceRequest]:
    requests = list(
        access.visible(user, AdviceRequest.objects.all())
        .filter(company=company)
        .select_related("owner_organisation")
        .only(*COMPANY_PANEL_FIELDS)
        .prefetch_related(Prefetch("needs", queryset=NeedCategory.objects.order_by("position")))
        .order_by("-created_at")
    )
    for request in requests:
        request.company = company
    return requests


def company_requests_probes() -> dict[str, Exists]:
    """What the company page asks first (exportcenter.panels): whether the company has made a request."""
    return {"requests": Exists(AdviceRequest.objects.filter(company=OuterRef("pk")))}


def company_requests(user, company, found: dict | None = None) -> list:
    """The company page's requests panel: each request the user may see, with what the company wrote
    differently from the register. `found`: the answers to company_requests_probes (none given: read)."""
    if found is not None and not found["requests"]:
        return []
    return [(request, submitted_differences(request)) for request in requests_for_company(user, company)]
