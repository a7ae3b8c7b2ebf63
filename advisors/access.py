"""The one access-control module. Every view, API endpoint, template and export asks it.

It answers two questions:

- ``can(user, action, obj)``: may this user do this to this object (or, for "create", this model)?
- ``visible(user, queryset)``: which of these objects may this user see?

Rules are grouped in one policy per model, registered by model label so that this module never imports
another app's models. Superusers may do everything; anonymous and inactive users nothing. A model without
a policy is closed: nothing is visible and nothing is allowed.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from rest_framework.permissions import BasePermission


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    MERGE = "merge"
    IMPORT = "import"
    EXPORT = "export"
    EXPORT_PERSONAL_DATA = "export_personal_data"
    VIEW_PERSONAL_DATA = "view_personal_data"
    CLAIM = "claim"
    ASSIGN = "assign"
    ADD_NOTE = "add_note"
    CHANGE_STATUS = "change_status"
    WRITE_TO_COMPANY = "write_to_company"
    REFER = "refer"
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    VIEW_UNASSIGNED = "view_unassigned"  # asked about the AdviceRequest model: the unassigned queue


def _is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def region_ids(user) -> frozenset[int]:
    """The regions a user works in: those their organisation serves. Cached on the user object."""
    cached = getattr(user, "_access_region_ids", None)
    if cached is None:
        if user.organisation_id is None:
            cached = frozenset()
        else:
            cached = frozenset(user.organisation.regions.values_list("pk", flat=True))
        user._access_region_ids = cached
    return cached


def county_ids(user) -> frozenset[str]:
    """The counties of the user's regions. Cached on the user object."""
    cached = getattr(user, "_access_county_ids", None)
    if cached is None:
        from companies.models import County

        cached = frozenset(County.objects.filter(regions__in=region_ids(user)).values_list("pk", flat=True))
        user._access_county_ids = cached
    return cached


def _is_lead_or_staff(user) -> bool:
    return user.is_organisation_lead or user.is_regional_staff


class Policy:
    """Rules for one model. `can_<action>(user, obj)` methods answer can(); `scope` answers visible()."""

    def can(self, user, action: str, obj) -> bool:
        handler = getattr(self, f"can_{action}", None)
        return bool(handler(user, obj)) if handler else False

    def scope(self, user, queryset: QuerySet) -> QuerySet:
        return queryset.none()


_POLICIES: dict[str, Policy] = {}


def policy(label: str):
    """Register a Policy subclass for the model with this label, e.g. ``@policy("advisors.Region")``."""

    def register(cls):
        _POLICIES[label] = cls()
        return cls

    return register


def _policy_for(model_or_obj) -> Policy:
    return _POLICIES.get(model_or_obj._meta.label, Policy())


def can(user, action: str, obj) -> bool:
    if not _is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return _policy_for(obj).can(user, str(action), obj)


def visible(user, queryset: QuerySet) -> QuerySet:
    if not _is_signed_in(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return _policy_for(queryset.model).scope(user, queryset)


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied (HTTP 403) unless can(user, action, obj)."""
    if not can(user, action, obj):
        raise PermissionDenied


# --- Policies -------------------------------------------------------------------------------------


@policy("advisors.Region")
class RegionPolicy(Policy):
    def can_view(self, user, region):
        return region.pk in region_ids(user)

    def scope(self, user, queryset):
        return queryset.filter(pk__in=region_ids(user))


@policy("advisors.Organisation")
class OrganisationPolicy(Policy):
    """Partners are a shared directory: everyone signed in sees them all, so referrals can cross regions."""

    def can_view(self, user, organisation):
        return True

    def can_change(self, user, organisation):
        if user.is_organisation_lead:
            return organisation.pk == user.organisation_id
        if user.is_regional_staff:
            return organisation.regions.filter(pk__in=region_ids(user)).exists()
        return False

    def scope(self, user, queryset):
        return queryset


@policy("advisors.Service")
class ServicePolicy(Policy):
    """The service catalogue is a shared directory like the partners: everyone signed in sees the active
    services. An organisation's lead maintains its services, and so do regional staff of a region it serves.
    A service is switched off, never deleted. For "create", ask about `Service(organisation=...)`.
    """

    def _maintains(self, user, service) -> bool:
        if isinstance(service, type) or service.organisation_id is None:
            return False
        if user.is_organisation_lead:
            return service.organisation_id == user.organisation_id
        if user.is_regional_staff:
            return service.organisation.regions.filter(pk__in=region_ids(user)).exists()
        return False

    def can_view(self, user, service):
        return service.is_active or self._maintains(user, service)

    def can_change(self, user, service):
        return self._maintains(user, service)

    can_create = can_change

    def scope(self, user, queryset):
        query = Q(is_active=True)
        if user.is_organisation_lead:
            query |= Q(organisation_id=user.organisation_id)
        elif user.is_regional_staff:
            from .models import Organisation

            query |= Q(organisation__in=Organisation.objects.filter(regions__in=region_ids(user)))
        return queryset.filter(query)


@policy("advisors.User")
class UserPolicy(Policy):
    """People see colleagues of every partner in their regions; leads manage their own organisation."""

    def can_view(self, user, person):
        if person.pk == user.pk:
            return True
        if person.organisation_id is None:
            return False
        return person.organisation.regions.filter(pk__in=region_ids(user)).exists()

    def can_change(self, user, person):
        if person.pk == user.pk:
            return True
        return (
            user.is_organisation_lead
            and not person.is_superuser
            and person.organisation_id is not None
            and person.organisation_id == user.organisation_id
        )

    def scope(self, user, queryset):
        return queryset.filter(Q(pk=user.pk) | Q(organisation__regions__in=region_ids(user))).distinct()


@policy("companies.Company")
class CompanyPolicy(Policy):
    """The register is shared by every advisor of a region: all may see and edit its companies.

    A company belongs to the regions that cover its municipality's county (the first two digits of the
    municipality code, so no query is needed per object).
    """

    def _in_region(self, user, company):
        return company.municipality_id is not None and company.municipality_id[:2] in county_ids(user)

    def can_view(self, user, company):
        return self._in_region(user, company)

    def can_change(self, user, company):
        return company.merged_into_id is None and self._in_region(user, company)

    def can_create(self, user, company):
        return bool(region_ids(user))

    def can_merge(self, user, company):
        return user.is_regional_staff and self.can_change(user, company)

    def can_import(self, user, company):
        return bool(region_ids(user))

    def can_export(self, user, company):
        return bool(region_ids(user))

    def can_export_personal_data(self, user, company):
        return _is_lead_or_staff(user) and bool(region_ids(user))

    def can_view_personal_data(self, user, company):
        """A sole trader's personal number: leads, regional staff and the responsible organisation."""
        if not self._in_region(user, company):
            return False
        return _is_lead_or_staff(user) or (
            company.responsible_organisation_id is not None
            and company.responsible_organisation_id == user.organisation_id
        )

    def scope(self, user, queryset):
        return queryset.filter(municipality__county_id__in=county_ids(user))


@policy("companies.Contact")
class ContactPolicy(Policy):
    """Contacts follow their company."""

    def can_view(self, user, contact):
        return CompanyPolicy().can_view(user, contact.company)

    def can_change(self, user, contact):
        return CompanyPolicy().can_change(user, contact.company)

    def can_create(self, user, contact):
        return CompanyPolicy().can_change(user, contact.company)

    def scope(self, user, queryset):
        return queryset.filter(company__municipality__county_id__in=county_ids(user))


@policy("companies.CompanyImport")
class CompanyImportPolicy(Policy):
    """An import belongs to the person who uploaded it."""

    def can_view(self, user, company_import):
        return company_import.created_by_id == user.pk

    can_change = can_view

    def scope(self, user, queryset):
        return queryset.filter(created_by=user)


@policy("referrals.AdviceRequest")
class AdviceRequestPolicy(Policy):
    """No wrong door: every advisor of a region sees the region's requests.

    A request from a county no region serves waits in the unassigned queue, which regional staff of every
    region see, so that someone picks it up. Regions cooperate: an organisation also sees, whatever its
    regions, the requests it owns, that are referred to it (pending or accepted), that it referred, and
    whose needs it co-handles.
    """

    # The referral statuses that open a request to the receiving organisation.
    REFERRED_STATUSES = ("pending", "accepted")

    def _in_region(self, user, request) -> bool:
        """Seen as one of the region's partners (or, unassigned, as regional staff)."""
        if request.region_id is None:
            return user.is_regional_staff
        return request.region_id in region_ids(user)

    def can_view(self, user, request):
        return self._in_region(user, request) or self._involves_organisation(user, request)

    def can_view_unassigned(self, user, model):
        """The unassigned queue (requests from counties no region serves) is regional staff's to pick up;
        partner advisors, leads and the triage function see only their regions' requests."""
        return user.is_regional_staff

    def _involves_organisation(self, user, request) -> bool:
        """Owned by, referred to or from, or co-handled by the user's organisation (another region's)."""
        organisation_id = user.organisation_id
        if organisation_id is None:
            return False
        if request.owner_organisation_id == organisation_id:
            return True
        if request.pk is None:
            return False
        return (
            request.referrals.filter(
                Q(to_organisation_id=organisation_id, status__in=self.REFERRED_STATUSES)
                | Q(from_organisation_id=organisation_id)
            ).exists()
            or request.co_handlings.filter(organisation_id=organisation_id).exists()
        )

    def _handles(self, user, request) -> bool:
        """The owning organisation's advisors, or, before anyone owns it, the triage function (the
        organisation that runs the center); regional staff always."""
        if not self.can_view(user, request):
            return False
        if user.is_regional_staff and self._in_region(user, request):
            return True
        if request.owner_organisation_id is not None:
            return request.owner_organisation_id == user.organisation_id
        operator_id = request.region.operator_id if request.region_id else None
        return operator_id is not None and operator_id == user.organisation_id

    def can_add_note(self, user, request):
        return self.can_view(user, request)  # every partner may comment and propose routing

    def can_claim(self, user, request):
        if request.is_closed:
            return False
        if request.owner_organisation_id == user.organisation_id:
            return self.can_view(user, request)
        # An unowned request is taken by the region's partners; another region's partner accepts a referral.
        return request.owner_organisation_id is None and self._in_region(user, request)

    def can_assign(self, user, request):
        # No wrong door: before a request has an owner, any advisor of the region may route it.
        if request.owner_organisation_id is None:
            return self._in_region(user, request) and not request.is_closed
        return self._handles(user, request)

    def can_change_status(self, user, request):
        return self._handles(user, request)

    can_write_to_company = can_change_status

    def can_refer(self, user, request):
        return not request.is_closed and self._handles(user, request)

    def scope(self, user, queryset):
        query = Q(region_id__in=region_ids(user))
        if user.is_regional_staff:
            query |= Q(region__isnull=True)
        organisation_id = user.organisation_id
        if organisation_id is not None:
            # Subqueries, not joins: one row per request, and no query per row.
            model = queryset.model
            referrals = model._meta.get_field("referrals").related_model.objects.filter(
                Q(to_organisation_id=organisation_id, status__in=self.REFERRED_STATUSES)
                | Q(from_organisation_id=organisation_id)
            )
            co_handled = model._meta.get_field("co_handlings").related_model.objects.filter(
                organisation_id=organisation_id
            )
            query |= (
                Q(owner_organisation_id=organisation_id)
                | Q(pk__in=referrals.values("request_id"))
                | Q(pk__in=co_handled.values("request_id"))
            )
        return queryset.filter(query)


@policy("referrals.RequestEvent")
class RequestEventPolicy(Policy):
    """A request's timeline is the request's; an organisation-only note is its organisation's alone."""

    def can_view(self, user, event):
        if not AdviceRequestPolicy().can_view(user, event.request):
            return False
        return (
            event.visibility != event.Visibility.ORGANISATION or event.organisation_id == user.organisation_id
        )

    def scope(self, user, queryset):
        requests = AdviceRequestPolicy().scope(user, queryset.model.request.field.related_model.objects.all())
        return queryset.filter(request__in=requests).filter(
            ~Q(visibility="organisation") | Q(organisation_id=user.organisation_id)
        )


@policy("referrals.Referral")
class ReferralPolicy(Policy):
    """A referral is seen by both organisations and by everyone who sees its request (regional staff see
    everything in their region). Only the receiving organisation accepts or declines it; the sending
    organisation or the request's owner withdraws it. Whether it is still pending is the services' check.
    """

    def can_view(self, user, referral):
        organisation_id = user.organisation_id
        if organisation_id is not None and organisation_id in (
            referral.from_organisation_id,
            referral.to_organisation_id,
        ):
            return True
        return AdviceRequestPolicy().can_view(user, referral.request)

    def can_accept(self, user, referral):
        return user.organisation_id is not None and user.organisation_id == referral.to_organisation_id

    can_decline = can_accept

    def can_withdraw(self, user, referral):
        organisation_id = user.organisation_id
        if organisation_id is None:
            return False
        return organisation_id == referral.from_organisation_id or (
            organisation_id == referral.request.owner_organisation_id
        )

    def scope(self, user, queryset):
        requests = AdviceRequestPolicy().scope(user, queryset.model.request.field.related_model.objects.all())
        query = Q(request__in=requests)
        if user.organisation_id is not None:
            query |= Q(from_organisation_id=user.organisation_id) | Q(to_organisation_id=user.organisation_id)
        return queryset.filter(query)


@policy("referrals.SavedView")
class SavedViewPolicy(Policy):
    """A saved inbox view is its owner's; a shared one is seen by the owner's organisation, and its leads
    may remove it."""

    def can_view(self, user, saved):
        return saved.owner_id == user.pk or (
            saved.is_shared and saved.organisation_id == user.organisation_id
        )

    def can_delete(self, user, saved):
        if saved.owner_id == user.pk:
            return True
        return user.is_organisation_lead and saved.is_shared and saved.organisation_id == user.organisation_id

    def scope(self, user, queryset):
        return queryset.filter(Q(owner=user) | Q(is_shared=True, organisation_id=user.organisation_id))


@policy("referrals.NeedCategory")
class NeedCategoryPolicy(Policy):
    """Need categories drive routing for every region: regional staff maintain them."""

    def can_view(self, user, category):
        return True

    def can_change(self, user, category):
        return user.is_regional_staff

    can_create = can_change

    def scope(self, user, queryset):
        return queryset


@policy("outreach.Campaign")
class CampaignPolicy(Policy):
    """Advisors see their regions' campaigns. The owning organisation runs a campaign: its people change it
    and its target list, and so do regional staff of the region. For "create", ask about
    `Campaign(region=..., organisation=...)`: advisors and leads create for their own organisation, regional
    staff for any organisation serving the region."""

    def can_view(self, user, campaign):
        return campaign.region_id in region_ids(user)

    def can_change(self, user, campaign):
        return self.can_view(user, campaign) and (
            user.is_regional_staff or campaign.organisation_id == user.organisation_id
        )

    def can_create(self, user, campaign):
        if isinstance(campaign, type):
            return bool(region_ids(user))
        if campaign.region_id not in region_ids(user):
            return False
        if campaign.organisation_id == user.organisation_id:
            return True
        return user.is_regional_staff and campaign.organisation.regions.filter(pk=campaign.region_id).exists()

    def scope(self, user, queryset):
        return queryset.filter(region_id__in=region_ids(user))


@policy("outreach.CampaignMember")
class CampaignMemberPolicy(Policy):
    """Contacting the target list is shared work: everyone who sees the campaign records how far the
    contact with a company has come ("change_status"). Taking a company off the list ("delete") is for
    those who may change the campaign."""

    def can_view(self, user, member):
        return CampaignPolicy().can_view(user, member.campaign)

    can_change_status = can_view

    def can_delete(self, user, member):
        return CampaignPolicy().can_change(user, member.campaign)

    def scope(self, user, queryset):
        return queryset.filter(campaign__region_id__in=region_ids(user))


@policy("outreach.Activity")
class ActivityPolicy(Policy):
    """Activities are the region's, like the companies they are about. Whoever may change a company logs
    activities on it (ask about `Activity(company=...)`); the author and the author's organisation's leads
    change one."""

    def can_view(self, user, activity):
        return CompanyPolicy()._in_region(user, activity.company)

    def can_create(self, user, activity):
        return not isinstance(activity, type) and CompanyPolicy().can_change(user, activity.company)

    def can_change(self, user, activity):
        if not self.can_view(user, activity):
            return False
        return activity.created_by_id == user.pk or (
            user.is_organisation_lead and activity.organisation_id == user.organisation_id
        )

    def scope(self, user, queryset):
        return queryset.filter(company__municipality__county_id__in=county_ids(user))


@policy("outreach.FollowUp")
class FollowUpPolicy(Policy):
    """A follow-up is seen by its owner and the owner's organisation. The owner and the organisation's
    leads change it; only they reassign it ("assign"). For "create", ask about
    `FollowUp(owner=..., company=...)`: for oneself on a company of one's regions, or, as a lead, for a
    colleague."""

    def can_view(self, user, follow_up):
        return follow_up.owner_id == user.pk or (
            user.organisation_id is not None and follow_up.organisation_id == user.organisation_id
        )

    def can_change(self, user, follow_up):
        return follow_up.owner_id == user.pk or (
            user.is_organisation_lead and follow_up.organisation_id == user.organisation_id
        )

    can_assign = can_change

    def can_create(self, user, follow_up):
        if isinstance(follow_up, type) or not CompanyPolicy()._in_region(user, follow_up.company):
            return False
        if follow_up.owner_id == user.pk:
            return True
        return user.is_organisation_lead and follow_up.owner.organisation_id == user.organisation_id

    def scope(self, user, queryset):
        query = Q(owner_id=user.pk)
        if user.organisation_id is not None:
            query |= Q(organisation_id=user.organisation_id)
        return queryset.filter(query)


@policy("notifications.Notification")
class NotificationPolicy(Policy):
    """A notification is its recipient's alone."""

    def can_view(self, user, notification):
        return notification.recipient_id == user.pk

    can_change = can_view

    def scope(self, user, queryset):
        return queryset.filter(recipient_id=user.pk)


# --- Adapters -------------------------------------------------------------------------------------


class AccessPermission(BasePermission):
    """DRF permission that asks `can()` for object-level access, by HTTP method."""

    method_actions = {"GET": Action.VIEW, "HEAD": Action.VIEW, "OPTIONS": Action.VIEW}

    def has_object_permission(self, request, view, obj: Model) -> bool:
        action = self.method_actions.get(
            request.method, Action.DELETE if request.method == "DELETE" else Action.CHANGE
        )
        return can(request.user, action, obj)


@policy("dashboards.RegionalGoal")
class RegionalGoalPolicy(Policy):
    """Everyone working in a region sees its goals (the dashboards measure against them); its regional staff
    set them. For "create", ask about `RegionalGoal(region=...)`.
    """

    def can_view(self, user, goal):
        return isinstance(goal, type) or goal.region_id in region_ids(user)

    def can_change(self, user, goal):
        if isinstance(goal, type):
            return user.is_regional_staff and bool(region_ids(user))
        return user.is_regional_staff and goal.region_id in region_ids(user)

    can_create = can_change
    can_delete = can_change

    def scope(self, user, queryset):
        return queryset.filter(region__in=region_ids(user))
