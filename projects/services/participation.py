"""Companies taking part in a project, and the support they get.

Rules (issue 19):
- A company enrols from a date inside the project's period; its size class, employee band, turnover class
  and registration date are read from the register then and kept: a later change in the register does not
  change them (the funder counts the size at enrolment).
- A company takes part in a project once: a second enrolment is a field error on `company`, backed by the
  unique constraint (two enrolments at once: one wins, the other gets the same field error).
- Support is given inside the company's participation (not before it joined, not after it left or the
  project ended); hours and value are never negative.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company
from exportcenter.bad_input import text_errors
from exportcenter.errors import Stale

from ..models import Participation, Project, Support, SupportKind
from ..sizes import size_of

TEXT_LIMIT = 2000
MAX_HOURS = Decimal("99999.9")
MAX_VALUE_SEK = Decimal("999999999999.99")
RESUBMIT_MINUTES = 10


class StaleParticipation(Stale):
    """The participation changed since the editor read it."""


def _period_errors(project: Project, on, field: str, errors: dict) -> None:
    if not isinstance(on, date):
        errors.setdefault(field, []).append(_("Enter a valid date."))
    elif not project.starts_on <= on <= project.ends_on:
        errors.setdefault(field, []).append(
            _("Choose a date within the project's period, %(start)s–%(end)s.")
            % {"start": project.starts_on.isoformat(), "end": project.ends_on.isoformat()}
        )


def _check_participation(project: Project, data: dict[str, Any], errors: dict) -> None:
    if "joined_on" in data:
        _period_errors(project, data["joined_on"], "joined_on", errors)
    left_on = data.get("left_on")
    if left_on is not None:
        _period_errors(project, left_on, "left_on", errors)
        joined_on = data.get("joined_on")
        if "left_on" not in errors and isinstance(joined_on, date) and left_on < joined_on:
            errors.setdefault("left_on", []).append(_("A company cannot leave before it joins."))
    if "note" in data and (problems := text_errors(str(data["note"] or ""), TEXT_LIMIT)):
        errors["note"] = problems


def _duplicate() -> ValidationError:
    return ValidationError({"company": [_("This company already takes part in the project.")]})


@transaction.atomic
def enrol_company(
    *, project: Project, company: Company, joined_on, by, note: str = "", left_on=None, registered_on=None
) -> Participation:
    """Enrol a company in the project, with its size from the register today. Raises a ValidationError by
    field (a date outside the period, a company already taking part, a merged company)."""
    errors: dict[str, list] = {}
    if company.merged_into_id is not None:
        errors["company"] = [_("This company was merged into another. Enrol the company it merged into.")]
    _check_participation(project, {"joined_on": joined_on, "left_on": left_on, "note": note}, errors)
    if "company" not in errors and Participation.objects.filter(project=project, company=company).exists():
        errors["company"] = _duplicate().message_dict["company"]
    if registered_on is not None and isinstance(joined_on, date) and registered_on > joined_on:
        errors["company_registered_on"] = [_("The company must be registered before it joins.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():  # a savepoint: the race's loser gets the field error, not a 500
            return Participation.objects.create(
                project=project,
                company=company,
                joined_on=joined_on,
                left_on=left_on,
                note=note or "",
                size_class=size_of(company),
                employee_band=company.employee_band or "",
                turnover_class=company.turnover_class_id,
                company_registered_on=registered_on or _registered_on(company),
                created_by=by,
            )
    except IntegrityError as error:
        if "participation_once_per_project" in str(error):
            raise _duplicate() from error
        raise


def _registered_on(company: Company):
    """When the company was registered, if the register knows (not every installation stores it)."""
    return getattr(company, "registered_on", None)


@transaction.atomic
def update_participation(
    *, participation: Participation, data: dict[str, Any], expected_version: int
) -> Participation:
    """Change the dates or note (never the size snapshot). Raises StaleParticipation or a ValidationError."""
    current = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=participation.pk)
    )
    if current.version != expected_version:
        raise StaleParticipation
    merged = {
        "joined_on": current.joined_on,
        "left_on": current.left_on,
        **{k: v for k, v in data.items() if k in ("joined_on", "left_on", "note")},
    }
    errors: dict[str, list] = {}
    _check_participation(current.project, merged, errors)
    first_support = current.supports.order_by("given_on").values_list("given_on", flat=True).first()
    if not errors and first_support and merged["joined_on"] > first_support:
        errors["joined_on"] = [_("The company got support before this date. Choose an earlier date.")]
    if errors:
        raise ValidationError(errors)
    for name, value in merged.items():
        setattr(current, name, value if name != "note" else (value or ""))
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    return current


def _decimal_errors(value, field: str, limit: Decimal, errors: dict) -> None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(field, []).append(_("Enter a number."))
        return
    if not number.is_finite():
        errors.setdefault(field, []).append(_("Enter a number."))
    elif number < 0:
        errors.setdefault(field, []).append(_("This cannot be negative."))
    elif number > limit:
        errors.setdefault(field, []).append(_("Enter at most %(limit)s.") % {"limit": limit})


@transaction.atomic
def record_support(*, participation: Participation, by, data: dict[str, Any]) -> Support:
    """Record support given to a participating company. Raises a ValidationError by field."""
    errors: dict[str, list] = {}
    if data.get("kind") not in SupportKind.values:
        errors["kind"] = [_("Choose one of the kinds of support.")]
    given_on = data.get("given_on")
    project = participation.project
    _period_errors(project, given_on, "given_on", errors)
    if "given_on" not in errors:
        if given_on < participation.joined_on:
            errors["given_on"] = [
                _("The company took part only from %(date)s.") % {"date": participation.joined_on}
            ]
        elif participation.left_on and given_on > participation.left_on:
            errors["given_on"] = [
                _("The company left the project on %(date)s.") % {"date": participation.left_on}
            ]
    hours = data.get("hours") if data.get("hours") is not None else Decimal(0)
    value_sek = data.get("value_sek") if data.get("value_sek") is not None else Decimal(0)
    _decimal_errors(hours, "hours", MAX_HOURS, errors)
    _decimal_errors(value_sek, "value_sek", MAX_VALUE_SEK, errors)
    description = str(data.get("description") or "")
    if problems := text_errors(description, 300):
        errors["description"] = problems
    if errors:
        raise ValidationError(errors)
    # A form sent twice is one support: the participation is locked, and the same support just recorded
    # (same kind, date, hours, value and description, by the same person, in the last few minutes) refused.
    Participation.objects.select_for_update(of=("self",)).filter(pk=participation.pk).first()
    support = {
        "participation": participation,
        "kind": data["kind"],
        "given_on": given_on,
        "hours": Decimal(str(hours)),
        "value_sek": Decimal(str(value_sek)),
        "description": description,
        "created_by": by,
    }
    just_now = timezone.now() - timedelta(minutes=RESUBMIT_MINUTES)
    if Support.objects.filter(**support, created_at__gte=just_now).exists():
        raise ValidationError(_("This support was just recorded. Record it again only if it is another one."))
    return Support.objects.create(**support)
