"""State changes of outreach: campaigns and their target lists, activities and follow-ups.

Permission checks (advisors.access) are the callers' (views, API), before they call; these functions check
the rules that hold whoever asks (a follow-up's owner belongs to an organisation, a contact met belongs to
the company, ...).
"""

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from exportcenter.errors import Stale
from exportcenter.workdays import previous_working_day

from .models import Activity, Campaign, CampaignMember, FollowUp

MAX_TARGETS = 5000  # a campaign's target list; a bigger one is a filter that needs narrowing


class TooManyTargets(ValidationError):
    def __init__(self, count: int):
        super().__init__(
            _("The filter matches more than %(max)s companies. Narrow it down.") % {"max": MAX_TARGETS},
            code="too_many_targets",
        )
        self.count = count


class StaleFollowUp(Stale):
    """The follow-up changed since the caller read it; nothing was saved."""


# --- Campaigns ----------------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    *,
    by,
    region,
    organisation,
    name: str,
    goal: str,
    starts_on: date,
    ends_on: date,
    companies,
    target_filter: dict,
) -> Campaign:
    """Create a campaign and freeze the companies matching its filter into its target list."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The campaign cannot end before it starts.")]})
    ids = list(companies.order_by().values_list("pk", flat=True).distinct()[: MAX_TARGETS + 1])
    if len(ids) > MAX_TARGETS:
        raise TooManyTargets(len(ids))
    campaign = Campaign.objects.create(
        name=name,
        goal=goal,
        region=region,
        organisation=organisation,
        starts_on=starts_on,
        ends_on=ends_on,
        target_filter=target_filter,
        created_by=by,
    )
    CampaignMember.objects.bulk_create(
        [CampaignMember(campaign=campaign, company_id=pk, added_by=by) for pk in ids], batch_size=500
    )
    return campaign


@transaction.atomic
def add_members(*, campaign: Campaign, companies, by) -> int:
    """Add companies to the target list (a removed company comes back with its status). Returns how many
    were added."""
    ids = set(companies.order_by().values_list("pk", flat=True).distinct()[: MAX_TARGETS + 1])
    existing = dict(
        CampaignMember.objects.filter(campaign=campaign, company__in=ids).values_list(
            "company_id", "removed_at"
        )
    )
    active = sum(1 for removed in existing.values() if removed is None)
    if (
        CampaignMember.objects.filter(campaign=campaign, removed_at__isnull=True).count() - active + len(ids)
        > MAX_TARGETS
    ):
        raise TooManyTargets(len(ids))
    restored = CampaignMember.objects.filter(
        campaign=campaign, company__in=ids, removed_at__isnull=False
    ).update(removed_at=None)
    created = CampaignMember.objects.bulk_create(
        [CampaignMember(campaign=campaign, company_id=pk, added_by=by) for pk in ids - set(existing)],
        ignore_conflicts=True,
    )
    _touch(campaign)
    return restored + len(created)


@transaction.atomic
def remove_member(*, member: CampaignMember, by) -> CampaignMember:
    """Take a company off the target list. Its activities and follow-ups stay, and so does its status."""
    CampaignMember.objects.filter(pk=member.pk, removed_at__isnull=True).update(removed_at=timezone.now())
    _touch(member.campaign)
    member.refresh_from_db()
    return member


@transaction.atomic
def set_member_status(*, member: CampaignMember, status: str, by) -> CampaignMember:
    if status not in CampaignMember.Status.values:
        raise ValidationError({"status": [_("Choose a valid status.")]})
    if member.status != status:
        member.status = status
        member.status_changed_at = timezone.now()
        member.status_changed_by = by
        member.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    return member


def _touch(campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(version=F("version") + 1, updated_at=timezone.now())


# --- Activities ---------------------------------------------------------------------------------------


@transaction.atomic
def log_activity(
    *,
    by,
    company,
    kind: str,
    occurred_on: date,
    participants,
    contacts=(),
    notes: str = "",
    outcome: str = "",
    campaign_member: CampaignMember | None = None,
    request=None,
) -> Activity:
    """Record what advisors did with a company. A campaign member still "to contact" becomes contacted."""
    errors = {}
    if campaign_member is not None and campaign_member.company_id != company.pk:
        errors["campaign_member"] = [_("The campaign member is another company.")]
    if request is not None and request.company_id != company.pk:
        errors["request"] = [_("The request is another company's.")]
    if any(contact.company_id != company.pk for contact in contacts):
        errors["contacts"] = [_("Choose contact persons of this company.")]
    participants = list(participants) or [by]
    if errors:
        raise ValidationError(errors)
    activity = Activity.objects.create(
        kind=kind,
        company=company,
        occurred_on=occurred_on,
        campaign_member=campaign_member,
        request=request,
        notes=notes,
        outcome=outcome,
        organisation=by.organisation,
        created_by=by,
    )
    activity.participants.set(participants)
    activity.contacts.set(contacts)
    if campaign_member is not None and campaign_member.status == CampaignMember.Status.TO_CONTACT:
        set_member_status(member=campaign_member, status=CampaignMember.Status.CONTACTED, by=by)
    return activity


# --- Follow-ups ---------------------------------------------------------------------------------------


def remind_on(due_on: date) -> date:
    """The day the owner is reminded: the due date, or the working day before when it is not a working
    day (a follow-up due on a Saturday or on Midsummer Eve reminds on the working day before)."""
    return previous_working_day(due_on)


def follow_up_company(*, company=None, request=None, activity=None, campaign_member=None):
    """The company a follow-up is about: given, or that of what it is attached to (which must agree).

    Callers that check access before `create_follow_up` ask this for the company to ask about."""
    attached = [obj.company for obj in (request, activity, campaign_member) if obj is not None]
    if len(attached) > 1:
        raise ValidationError(
            _("Attach a follow-up to one thing: a request, an activity or a campaign member.")
        )
    if attached:
        if company is not None and company.pk != attached[0].pk:
            raise ValidationError(_("The follow-up's company must be the company of what it is attached to."))
        return attached[0]
    if company is None:
        raise ValidationError(_("Say which company the follow-up is about."))
    return company


def _check_owner(owner) -> None:
    if owner.organisation_id is None or not owner.is_active:
        raise ValidationError({"owner": [_("The owner must be an active person of a partner organisation.")]})


@transaction.atomic
def create_follow_up(
    *,
    by,
    owner,
    description: str,
    due_on: date,
    due_time: time | None = None,
    company=None,
    request=None,
    activity=None,
    campaign_member=None,
) -> FollowUp:
    company = follow_up_company(
        company=company, request=request, activity=activity, campaign_member=campaign_member
    )
    _check_owner(owner)
    return FollowUp.objects.create(
        owner=owner,
        organisation_id=owner.organisation_id,
        company=company,
        request=request,
        activity=activity,
        campaign_member=campaign_member,
        description=description,
        due_on=due_on,
        due_time=due_time,
        remind_on=remind_on(due_on),
        created_by=by,
    )


def _locked(follow_up: FollowUp, expected_version: int | None) -> FollowUp:
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleFollowUp
    return locked


@transaction.atomic
def update_follow_up(*, follow_up: FollowUp, by, expected_version: int | None, **changes) -> FollowUp:
    """Change the description, due date, time or owner (reassigning: check `assign` access first).

    A follow-up is reassigned within its organisation (a superuser may move it to another one).
    """
    allowed = {"description", "due_on", "due_time", "owner"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Cannot change {', '.join(sorted(unknown))}.")
    follow_up = _locked(follow_up, expected_version)
    fields = []
    for name, value in changes.items():
        if getattr(follow_up, name) != value:
            setattr(follow_up, name, value)
            fields.append(name)
    if "owner" in fields:
        _check_owner(follow_up.owner)
        moved = follow_up.owner.organisation_id != follow_up.organisation_id
        if moved and not getattr(by, "is_superuser", False):
            raise ValidationError(
                {"owner": [_("A follow-up is reassigned within the owner's organisation.")]}
            )
        follow_up.organisation_id = follow_up.owner.organisation_id
        fields.append("organisation")
    if "due_on" in fields:
        follow_up.remind_on = remind_on(follow_up.due_on)
        fields.append("remind_on")
    if fields:
        follow_up.version += 1
        follow_up.save(update_fields=[*fields, "version", "updated_at"])
    return follow_up


@transaction.atomic
def set_follow_up_status(*, follow_up: FollowUp, by, status: str, expected_version: int | None) -> FollowUp:
    """Mark done, cancel, or reopen. Marking done what is done already is no change (a double click)."""
    if status not in FollowUp.Status.values:
        raise ValidationError({"status": [_("Choose a valid status.")]})
    follow_up = _locked(follow_up, None)
    if follow_up.status == status:
        return follow_up
    if expected_version is not None and follow_up.version != expected_version:
        raise StaleFollowUp
    follow_up.status = status
    if status == FollowUp.Status.OPEN:
        follow_up.completed_at, follow_up.completed_by = None, None
    else:
        follow_up.completed_at, follow_up.completed_by = timezone.now(), by
    follow_up.version += 1
    follow_up.save(update_fields=["status", "completed_at", "completed_by", "version", "updated_at"])
    return follow_up
