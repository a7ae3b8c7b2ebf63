"""State changes of projects, their partners and activities, and of programmes (issue 19, part 1).

Rules:
- The period is ordered (a project cannot end before it starts) and EU plus national co-financing never
  exceed the total budget; both are database constraints too, so nothing half-valid is stored.
- The recording region must be one of the creator's; participating regions are any active Swedish regions.
- A partner is an organisation in the portal or one outside it with a name and country (and region). At most
  one partner leads: naming a new lead moves the role (the database allows one).
- Whoever creates a project without being regional staff (an organisation lead) has their organisation
  added as a partner, so that they can keep editing it (advisors.access.projects).
- Every change takes the project's row lock and bumps its version: two editors, or a double submit with the
  same version, cannot both win (`StaleProject`).
- An activity of a project is an outreach activity (study visit, seminar, matchmaking, delegation) about a
  company the user can see, logged through `outreach.services.log_activity`.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from advisors.access import region_ids
from advisors.models import Region
from exportcenter.bad_input import bad_text
from exportcenter.errors import Stale
from outreach.models import Activity
from outreach.services import log_activity

from ..models import Programme, Project, ProjectActivity, ProjectPartner

ACTIVITY_KINDS = (
    Activity.Kind.STUDY_VISIT,
    Activity.Kind.SEMINAR,
    Activity.Kind.MATCHMAKING,
    Activity.Kind.DELEGATION,
)
PROJECT_FIELDS = (
    "name",
    "acronym",
    "programme",
    "region",
    "starts_on",
    "ends_on",
    "status",
    "budget_total_eur",
    "eu_cofinancing_eur",
    "national_cofinancing_eur",
    "description",
    "website",
)
PROGRAMME_FIELDS = ("code", "name_sv", "name_en", "fund", "period", "website", "is_active")
MAX_EUR = Decimal("999999999999.99")  # the columns hold 14 digits, 2 after the point


class StaleProject(Stale):
    """The project changed since the editor read it."""


class StaleProgramme(Stale):
    """The programme changed since the editor read it."""


# --- Validation ------------------------------------------------------------------------------------------


def _check_texts(errors: dict, data: dict, model) -> None:
    """NUL bytes and text over the column's limit are field errors, never a database error."""
    for name, value in data.items():
        if not isinstance(value, str):
            continue
        if bad_text(value):
            errors.setdefault(name, []).append(_("The text holds characters that cannot be read."))
            continue
        field = model._meta.get_field(name)
        limit = getattr(field, "max_length", None)
        if limit and len(value) > limit:
            errors.setdefault(name, []).append(
                _("Write at most %(limit)d characters (it has %(count)d).")
                % {"limit": limit, "count": len(value)}
            )


def _check_project(project: Project, errors: dict) -> None:
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        errors.setdefault("ends_on", []).append(_("The project cannot end before it starts."))
    for name in ("budget_total_eur", "eu_cofinancing_eur", "national_cofinancing_eur"):
        value = getattr(project, name)
        if value is None:
            errors.setdefault(name, []).append(_("This field is required."))
        elif value < 0:
            errors.setdefault(name, []).append(_("The amount cannot be negative."))
        elif value > MAX_EUR:
            errors.setdefault(name, []).append(_("The amount is too large."))
    amounts_valid = not errors.keys() & {"budget_total_eur", "eu_cofinancing_eur", "national_cofinancing_eur"}
    if (
        amounts_valid
        and project.eu_cofinancing_eur + project.national_cofinancing_eur > project.budget_total_eur
    ):
        errors.setdefault("eu_cofinancing_eur", []).append(
            _("EU and national co-financing together exceed the total budget.")
        )
    if project.status not in Project.Status.values:
        errors.setdefault("status", []).append(_("Choose a status."))


def _apply(project: Project, data: dict, *, by, creating: bool) -> dict:
    """Set the fields given in `data` on `project`; the errors found, by field."""
    errors: dict[str, list] = {}
    _check_texts(errors, {k: v for k, v in data.items() if k in PROJECT_FIELDS}, Project)
    if "region" in data:
        region = data["region"]
        moved = creating or region is None or region.pk != project.region_id
        if region is None or (moved and region.pk not in region_ids(by)):
            errors.setdefault("region", []).append(_("Choose one of your regions."))
    for name in PROJECT_FIELDS:
        if name in data:
            setattr(project, name, data[name])
    required = (
        ["name", "starts_on", "ends_on"]
        if creating
        else [n for n in ("name", "starts_on", "ends_on") if n in data]
    )
    for name in required:
        if not str(getattr(project, name) or "").strip() and name not in errors:
            errors[name] = [_("This field is required.")]
    if (creating or "programme" in data) and project.programme_id is None:
        errors.setdefault("programme", []).append(_("Choose a programme."))
    if creating and project.region_id is None:
        errors.setdefault("region", []).append(_("Choose one of your regions."))
    if not errors:
        _check_project(project, errors)
    return errors


def _save_regions(project: Project, regions) -> None:
    if regions is not None:
        project.regions.set(regions)


def _constraint_errors(error: IntegrityError) -> ValidationError:
    """A constraint the checks above missed (a race): its own message, on the form."""
    text = str(error)
    if "project_period_ordered" in text:
        return ValidationError({"ends_on": [_("The project cannot end before it starts.")]})
    if "project_cofinancing_within_budget" in text:
        return ValidationError(
            {"eu_cofinancing_eur": [_("EU and national co-financing together exceed the total budget.")]}
        )
    if "project_one_lead_partner" in text:
        return ValidationError({"is_lead": [_("The project already has a lead partner.")]})
    if "project_partner_organisation_once" in text:
        return ValidationError(
            {"organisation": [_("This organisation is already a partner of the project.")]}
        )
    raise error


# --- Projects ---------------------------------------------------------------------------------------------


def create_project(*, by, data: dict[str, Any], partners=()) -> Project:
    """A new project recorded by `by` in one of their regions (`data["regions"]`: participating regions),
    with its `partners` (dicts as for `add_partner`; at most one leads)."""
    project = Project(created_by=by, status=Project.Status.PLANNED)
    errors = _apply(project, data, by=by, creating=True)
    partners = [_partner_data(partner, errors, prefix="partners.") for partner in partners]
    organisations = [partner["organisation"].pk for partner in partners if partner.get("organisation")]
    if len(organisations) != len(set(organisations)):
        errors.setdefault("partners", []).append(_("Name each organisation once."))
    if sum(1 for partner in partners if partner.get("is_lead")) > 1:
        errors.setdefault("partners", []).append(_("A project has one lead partner."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            # A form sent twice (or two people at once) makes one project: the region's row is the lock, and
            # the same name, programme and start in the region is the same project.
            Region.objects.select_for_update().filter(pk=project.region_id).first()
            if Project.objects.filter(
                region=project.region_id,
                programme=project.programme_id,
                starts_on=project.starts_on,
                name__iexact=project.name.strip(),
            ).exists():
                raise ValidationError(
                    {"name": [_("The region already has a project with this name, programme and start.")]}
                )
            project.save()
            _save_regions(project, data.get("regions"))
            for partner in partners:
                ProjectPartner.objects.create(project=project, **partner)
            own = by.organisation_id
            if not by.is_regional_staff and own is not None and own not in organisations:
                ProjectPartner.objects.create(project=project, organisation_id=own)
    except IntegrityError as error:
        raise _constraint_errors(error) from None
    return project


def _locked(project: Project, expected_version: int | None) -> Project:
    current = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleProject
    return current


def _bump(project: Project) -> None:
    Project.objects.filter(pk=project.pk).update(version=F("version") + 1)
    project.refresh_from_db(fields=["version", "updated_at"])


def update_project(*, project: Project, by, data: dict[str, Any], expected_version: int | None) -> Project:
    """Change a project's facts and participating regions (with the version the editor read)."""
    try:
        with transaction.atomic():
            current = _locked(project, expected_version)
            errors = _apply(current, data, by=by, creating=False)
            if errors:
                raise ValidationError(errors)
            current.version = F("version") + 1
            current.save()
            current.refresh_from_db()
            _save_regions(current, data.get("regions"))
    except IntegrityError as error:
        raise _constraint_errors(error) from None
    return current


# --- Partners ---------------------------------------------------------------------------------------------

PARTNER_FIELDS = ("organisation", "name", "country", "region_name", "is_lead", "role")


def _partner_data(data: dict[str, Any], errors: dict, prefix: str = "") -> dict:
    """The partner's fields, checked: a portal organisation, or a name and country outside it."""
    data = {name: data[name] for name in PARTNER_FIELDS if name in data}
    found: dict[str, list] = {}
    _check_texts(found, data, ProjectPartner)
    organisation = data.get("organisation")
    name = (data.get("name") or "").strip()
    if organisation is None and not name:
        found.setdefault("name", []).append(_("Choose an organisation in the portal or name one outside it."))
    if organisation is not None:
        data.update(name="", country="SE", region_name="")
    else:
        data["name"] = name
        if not data.get("country"):
            found.setdefault("country", []).append(_("Choose the partner's country."))
    for field, messages in found.items():
        errors.setdefault(f"{prefix}{field}", []).extend(messages)
    return data


def add_partner(*, project: Project, by, data: dict[str, Any], expected_version: int | None = None):
    """A partner in the portal (`organisation`) or outside it (`name`, `country`, `region_name`). A new
    lead partner takes the role from the old one."""
    errors: dict[str, list] = {}
    data = _partner_data(data, errors)
    organisation = data.get("organisation")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            current = _locked(project, expected_version)
            if organisation is not None and current.partners.filter(organisation=organisation).exists():
                raise ValidationError(
                    {"organisation": [_("This organisation is already a partner of the project.")]}
                )
            if data.get("is_lead"):
                current.partners.filter(is_lead=True).update(is_lead=False)
            partner = ProjectPartner.objects.create(project=current, **data)
            _bump(current)
    except IntegrityError as error:
        raise _constraint_errors(error) from None
    return partner


def make_lead(*, partner: ProjectPartner, by, expected_version: int | None = None) -> ProjectPartner:
    """Make an existing partner the lead partner; the one before is a partner like the others."""
    with transaction.atomic():
        current = _locked(partner.project, expected_version)
        partner = ProjectPartner.objects.get(pk=partner.pk, project=current)
        current.partners.filter(is_lead=True).exclude(pk=partner.pk).update(is_lead=False)
        if not partner.is_lead:
            partner.is_lead = True
            partner.save(update_fields=["is_lead"])
        _bump(current)
    return partner


def remove_partner(*, partner: ProjectPartner, by, expected_version: int | None = None) -> None:
    """Remove a partner (its visits lose it); the last portal partner of an organisation lead's own
    organisation may be removed too: regional staff still keep the project."""
    with transaction.atomic():
        current = _locked(partner.project, expected_version)
        ProjectPartner.objects.filter(pk=partner.pk, project=current).delete()
        _bump(current)


# --- Activities -------------------------------------------------------------------------------------------


def add_activity(
    *, project: Project, by, company, data: dict[str, Any], expected_version: int | None = None
) -> ProjectActivity:
    """Log an outreach activity about `company` and make it the project's. `data`: kind, occurred_on, title,
    host_region, host_country, visiting_partners (partners of this project), notes."""
    errors: dict[str, list] = {}
    texts = {name: data.get(name) or "" for name in ("title", "host_region")}
    _check_texts(errors, texts, ProjectActivity)
    notes = data.get("notes") or ""
    if bad_text(notes):
        errors["notes"] = [_("The text holds characters that cannot be read.")]
    elif len(notes) > 5000:
        errors["notes"] = [
            _("Write at most %(limit)d characters (it has %(count)d).") % {"limit": 5000, "count": len(notes)}
        ]
    kind = data.get("kind")
    if kind not in ACTIVITY_KINDS:
        errors["kind"] = [_("Choose a study visit, seminar, matchmaking or delegation.")]
    occurred_on = data.get("occurred_on")
    if occurred_on is None:
        errors["occurred_on"] = [_("This field is required.")]
    visitors = list(data.get("visiting_partners") or [])
    if any(partner.project_id != project.pk for partner in visitors):
        errors["visiting_partners"] = [_("Choose partners of this project.")]
    if kind != Activity.Kind.STUDY_VISIT and (
        visitors or data.get("host_region") or data.get("host_country")
    ):
        errors.setdefault("kind", []).append(
            _("Only a study visit has a host region and visiting organisations.")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(project, expected_version)
        activity = log_activity(
            by=by, company=company, kind=kind, occurred_on=occurred_on, participants=[by], notes=notes
        )
        link = ProjectActivity.objects.create(
            activity=activity,
            project=current,
            title=texts["title"].strip(),
            host_region=texts["host_region"].strip(),
            host_country=data.get("host_country") or "",
        )
        link.visiting_partners.set(visitors)
        _bump(current)
    return link


# --- Programmes -------------------------------------------------------------------------------------------


def save_programme(*, by, data: dict[str, Any], programme: Programme | None = None, expected_version=None):
    """Add a programme, or change one (with the version read). The code is unique."""
    data = {name: data[name] for name in PROGRAMME_FIELDS if name in data}
    errors: dict[str, list] = {}
    _check_texts(errors, data, Programme)
    if "name_sv" in data and not (data["name_sv"] or "").strip():
        errors["name_sv"] = [_("Name the programme.")]
    if "fund" in data and data["fund"] not in Programme.Fund.values:
        errors["fund"] = [_("Choose a fund.")]
    code = data.get("code")
    if (
        code is not None
        and Programme.objects.filter(code=code).exclude(pk=getattr(programme, "pk", None)).exists()
    ):
        errors["code"] = [_("Another programme has this code.")]
    if programme is None and not code:
        errors.setdefault("code", []).append(_("This field is required."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            if programme is None:
                return Programme.objects.create(**data)
            current = Programme.objects.select_for_update().get(pk=programme.pk)
            if expected_version is not None and current.version != expected_version:
                raise StaleProgramme
            for name, value in data.items():
                setattr(current, name, value)
            current.version += 1
            current.save()
            return current
    except IntegrityError:
        raise ValidationError({"code": [_("Another programme has this code.")]}) from None
