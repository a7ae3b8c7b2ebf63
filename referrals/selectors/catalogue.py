"""Read-side queries of the service catalogue: the partners' services and their eligibility."""

from dataclasses import dataclass

from advisors import access
from advisors.models import Organisation
from reference.models import EmployeeBand, SNISection, TurnoverClass

from ..models import Service

SERVICE_LIST_RELATED = ["organisation"]
SERVICE_LIST_PREFETCH = ["needs"]


def visible_services(user):
    """Every service the user may see (active ones; also inactive ones they maintain), ready for a list."""
    return (
        access.visible(user, Service.objects.all())
        .select_related(*SERVICE_LIST_RELATED)
        .prefetch_related(*SERVICE_LIST_PREFETCH)
    )


@dataclass(frozen=True)
class ServiceRow:
    """A service with its eligibility spelt out for people: labels, not codes. Empty lists mean any."""

    service: Service
    employees: list[str]
    turnover: list[str]
    industries: list[str]


def service_rows(user, organisation: Organisation) -> list[ServiceRow]:
    """An organisation's services the user may see, active first. Four queries however many services."""
    services = (
        visible_services(user).filter(organisation=organisation).order_by("-is_active", "name_sv", "pk")
    )
    bands = dict(EmployeeBand.choices)
    turnover = {t.code: t.label for t in TurnoverClass.objects.all()}
    sections = {s.code: str(s) for s in SNISection.objects.all()}
    return [
        ServiceRow(
            service=service,
            employees=[str(bands.get(code, code)) for code in service.employee_bands],
            turnover=[turnover.get(code, str(code)) for code in service.turnover_classes],
            industries=[sections.get(code, code) for code in service.sni_sections],
        )
        for service in services
    ]
