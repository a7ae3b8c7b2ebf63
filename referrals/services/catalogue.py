"""Changes to the service catalogue: what the partner organisations offer. Callers ask `advisors.access`
first; these functions only write. Routing (`referrals.routing`) reads the catalogue to suggest partners."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from advisors.models import Organisation
from exportcenter.errors import Stale
from reference.models import EmployeeBand

from ..models import Service

__all__ = ["SERVICE_FIELDS", "StaleService", "create_service", "update_service"]

# What a lead maintains about a service. The organisation is fixed when the service is created.
SERVICE_FIELDS = [
    "name_sv",
    "name_en",
    "description_sv",
    "description_en",
    "needs",
    "employee_bands",
    "turnover_classes",
    "sni_sections",
    "url",
    "is_active",
]


class StaleService(Stale):
    """The service changed after it was read. Nothing was saved."""


def _canonical(field: str, codes):
    """Code lists in one order (size order for bands), each code once, so equal lists compare equal."""
    if not isinstance(codes, list):
        return codes  # the model's validators say what is wrong
    unique = list(dict.fromkeys(codes))
    if field == "employee_bands":
        order = EmployeeBand.values
        return sorted(unique, key=lambda code: order.index(code) if code in order else len(order))
    try:
        return sorted(unique)
    except TypeError:
        return unique


def _apply(service: Service, data: dict[str, Any]) -> bool:
    """Set the given fields (except needs) on the service; True if anything changed."""
    changed = False
    for field, value in data.items():
        if field == "needs" or field not in SERVICE_FIELDS:
            continue
        if field in ("employee_bands", "turnover_classes", "sni_sections"):
            value = _canonical(field, value)
        if getattr(service, field) != value:
            setattr(service, field, value)
            changed = True
    return changed


def _name_taken(service: Service) -> bool:
    # Compared in Python: SQLite folds only ASCII case, and an organisation has few services.
    name = service.name_sv.casefold()
    others = Service.objects.filter(organisation_id=service.organisation_id).exclude(pk=service.pk)
    return any(other.casefold() == name for other in others.values_list("name_sv", flat=True))


def _validate(service: Service, needs) -> None:
    """Field rules (codes against reference data), at least one need, a name unique per organisation."""
    errors: dict[str, list] = {}
    try:
        service.full_clean(exclude=["organisation", "updated_by"], validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if needs is not None and not needs:
        errors.setdefault("needs", []).append(_("Choose at least one need that the service covers."))
    if "name_sv" not in errors and _name_taken(service):
        errors["name_sv"] = [_("The organisation already has a service with this name.")]
    if errors:
        raise ValidationError(errors)


def _save(service: Service) -> None:
    try:
        with transaction.atomic():
            service.save()
    except IntegrityError:
        # Someone saved the same name in between: the unique constraint decides.
        raise ValidationError(
            {"name_sv": [_("The organisation already has a service with this name.")]}, code="unique"
        ) from None


@transaction.atomic
def create_service(*, organisation: Organisation, by, data: dict[str, Any]) -> Service:
    """Add a service to an organisation's catalogue. Raises ValidationError with field errors."""
    service = Service(organisation=organisation, updated_by=by)
    _apply(service, data)
    needs = list(data.get("needs") or [])
    _validate(service, needs)
    _save(service)
    service.needs.set(needs)
    return service


@transaction.atomic
def update_service(*, service: Service, by, data: dict[str, Any], expected_version: int | None) -> Service:
    """Change a service if nobody changed it since `expected_version` (None: do not check).

    Only the given fields change. Raises StaleService or ValidationError; either way nothing is written.
    """
    current = Service.objects.select_for_update().get(pk=service.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleService
    changed = _apply(current, data)
    needs = None
    if "needs" in data:
        needs = list(data["needs"] or [])
        if {need.pk for need in needs} != set(current.needs.values_list("pk", flat=True)):
            changed = True
    _validate(current, needs)
    if not changed:
        return current
    current.updated_by = by
    current.version = F("version") + 1
    _save(current)
    current.refresh_from_db()
    if needs is not None:
        current.needs.set(needs)
    return current


def record_person_changes(*, person, role_before: str | None, organisation_before, by) -> None:
    """Audit a change of a person's role or organisation (None before: the person is new), in the
    transaction that saved it. The admin calls it; so must any page or service that changes either."""
    from audit.services import Action as AuditAction
    from audit.services import record

    if role_before != person.role:
        record(
            AuditAction.ROLE_CHANGED, actor=by, obj=person, role_before=role_before or "", role=person.role
        )
    organisation_before_id = getattr(organisation_before, "pk", organisation_before)
    if organisation_before_id != person.organisation_id:
        names = dict(
            Organisation.objects.filter(pk__in=[organisation_before_id, person.organisation_id]).values_list(
                "pk", "name"
            )
        )
        record(
            AuditAction.ORGANISATION_CHANGED,
            actor=by,
            obj=person,
            organisation_before=names.get(organisation_before_id, ""),
            organisation=names.get(person.organisation_id, ""),
        )
