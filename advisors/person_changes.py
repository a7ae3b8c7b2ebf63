"""The audit of a change of a person's role or organisation, wherever it is made (today: the admin)."""

from audit.services import Action as AuditAction
from audit.services import record

from .models import Organisation


def record_person_changes(*, person, role_before: str | None, organisation_before, by) -> None:
    """Audit a change of `person`'s role or organisation in the transaction that saved it. `role_before`
    and `organisation_before` (an organisation or its id) are None for a new person. Any page or service
    that changes either calls this too."""
    if role_before != person.role:
        record(
            AuditAction.ROLE_CHANGED, actor=by, obj=person, role_before=role_before or "", role=person.role
        )
    organisation_before_id = getattr(organisation_before, "pk", organisation_before)
    if organisation_before_id != person.organisation_id:
        changed = [organisation_before_id, person.organisation_id]
        names = dict(Organisation.objects.filter(pk__in=changed).values_list("pk", "name"))
        record(
            AuditAction.ORGANISATION_CHANGED,
            actor=by,
            obj=person,
            organisation_before=names.get(organisation_before_id, ""),
            organisation=names.get(person.organisation_id, ""),
        )
