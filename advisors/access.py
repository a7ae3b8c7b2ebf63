"""The one access-control module. Every view, API endpoint, template and export asks it.

It answers two questions:

- ``can(user, action, obj)``: may this user do this to this object (or, for "create", this model)?
- ``visible(user, queryset)``: which of these objects may this user see?

Rules are grouped in one policy per model, registered by model label so that this module never imports
another app's models. Superusers may do everything; anonymous and inactive users nothing. A model without
a policy is closed: nothing is visible and nothing is allowed. An action that is not an `Action` raises
`UnknownAction`: a typo must not read as "denied".

Each view rule is written once, as a query (`Policy.view_filter`, a `Q`). `visible()` filters by it, and
`can(user, "view", obj)` evaluates the same `Q` against the object in memory where it can (its own fields,
and relations already loaded), or else asks the database about that one row. A policy that answers "view"
in Python instead (a fast path, to spare a query per row) must give the same answer:
tests/advisors/test_access_property.py checks `can(view) == visible()` for every policy, role and object.
"""

from enum import StrEnum

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import CharField, Model, Q, QuerySet, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Cast, Replace


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
    RESET_TWO_FACTOR = "reset_two_factor"  # asked about a User: remove their second factors (a lost device)
    GDPR_EXPORT = "gdpr_export"  # one person's data (a contact, a sole trader): privacy
    GDPR_ERASE = "gdpr_erase"
    SET_LEGAL_HOLD = "set_legal_hold"
    UNLOCK = "unlock"  # asked about a person: lift their sign-in lockout


class UnknownAction(LookupError):
    """`can()` was asked about an action that is not an `Action` (a programming error, never "denied")."""


def _action(action) -> Action:
    try:
        return Action(action)
    except ValueError:
        raise UnknownAction(f"Unknown access action: {action!r}") from None


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
        from reference.models import County

        cached = frozenset(County.objects.filter(regions__in=region_ids(user)).values_list("pk", flat=True))
        user._access_county_ids = cached
    return cached


def _is_lead_or_staff(user) -> bool:
    return user.is_organisation_lead or user.is_regional_staff


# --- One rule, two questions ----------------------------------------------------------------------
# A view rule is a Q. `evaluate(q, obj)` answers it for one object without the database where it can:
# True or False, or None ("unknown") when it needs a subquery, a many-to-many or reverse relation, a
# relation that is not loaded, or a lookup other than exact/in/isnull. It follows SQL: NULL never
# equals or is "in" anything, and a negated lookup on NULL is true (as Django's exclude() makes it).


def through(relation: str, rule: Q) -> Q:
    """The rule of a related object, seen from this one: `through("company", company_rule)`."""
    prefixed = Q(_connector=rule.connector, _negated=rule.negated)
    for child in rule.children:
        if isinstance(child, Q):
            prefixed.children.append(through(relation, child))
        else:
            lookup, value = child
            prefixed.children.append((f"{relation}{LOOKUP_SEP}{lookup}", value))
    return prefixed


def evaluate(rule: Q, obj: Model) -> bool | None:
    results = [
        evaluate(child, obj) if isinstance(child, Q) else _evaluate_lookup(obj, *child)
        for child in rule.children
    ]
    if rule.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif rule.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        return None
    return result if result is None or not rule.negated else not result


_LOOKUPS = {"exact", "in", "isnull"}


def _evaluate_lookup(obj: Model, lookup: str, value) -> bool | None:
    *path, lookup_name = lookup.split(LOOKUP_SEP)
    if lookup_name not in _LOOKUPS or not path:
        path.append(lookup_name)
        lookup_name = "exact"
    current = obj
    for position, name in enumerate(path):
        meta = current._meta
        try:
            field = meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            return None  # a lookup or transform the evaluator does not know (icontains, gte, a JSON key...)
        if not field.concrete or field.many_to_many:
            return None
        if position == len(path) - 1:
            return _compare(getattr(current, field.attname), lookup_name, value)
        if not field.is_relation or not field.is_cached(current):
            return None
        current = getattr(current, field.name)
        if current is None:
            return None  # an outer join: leave it to the database
    return None


def _compare(actual, lookup_name: str, value) -> bool | None:
    if hasattr(value, "resolve_expression"):
        return None  # a subquery or an expression
    if isinstance(value, Model):
        value = value.pk
    if lookup_name == "isnull":
        return (actual is None) is bool(value)
    if lookup_name == "exact":
        return actual is None if value is None else actual == value
    values = {item.pk if isinstance(item, Model) else item for item in value}
    return actual is not None and actual in values


class Policy:
    """Rules for one model.

    `view_filter(user)` is the view rule, written once as a Q (None: nothing is visible); `scope` and
    `can_view` follow from it. `can_<action>(user, obj)` methods answer can() for the other actions.
    """

    def can(self, user, action: Action, obj) -> bool:
        handler = getattr(self, f"can_{action}", None)
        return bool(handler(user, obj)) if handler else False

    def view_filter(self, user) -> Q | None:
        return None

    def scope(self, user, queryset: QuerySet) -> QuerySet:
        rule = self.view_filter(user)
        return queryset.none() if rule is None else queryset.filter(rule)

    def can_view(self, user, obj) -> bool:
        rule = self.view_filter(user)
        if rule is None or isinstance(obj, type):
            return False
        known = evaluate(rule, obj)
        if known is not None:
            return known
        if obj.pk is None:
            return False  # not saved: no row to find
        return self.scope(user, type(obj)._base_manager.filter(pk=obj.pk)).exists()


_POLICIES: dict[str, Policy] = {}


def policy(label: str):
    """Register a Policy subclass for the model with this label, e.g. ``@policy("advisors.Region")``."""

    def register(cls):
        _POLICIES[label] = cls()
        return cls

    return register


def registered_policies() -> dict[str, Policy]:
    """The registered policies by model label (the property test walks them all)."""
    return dict(_POLICIES)


def _model(label: str) -> type[Model]:
    """Another app's model, by label: this module never imports other apps."""
    return apps.get_model(label)


def _policy_for(model_or_obj) -> Policy:
    return _POLICIES.get(model_or_obj._meta.label, Policy())


def can(user, action: str, obj) -> bool:
    action = _action(action)
    if not _is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return _policy_for(obj).can(user, action, obj)


def visible(user, queryset: QuerySet) -> QuerySet:
    if not _is_signed_in(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return _policy_for(queryset.model).scope(user, queryset)


def permitted(user, action: str, queryset: QuerySet) -> QuerySet:
    """The objects of `queryset` this user may `action`, for an action whose policy writes its rule as a Q
    (`<action>_filter`); can() asks the same Q about one object. Other actions permit nothing here."""
    action = _action(action)
    if not _is_signed_in(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    rule_of = getattr(_policy_for(queryset.model), f"{action}_filter", None)
    rule = rule_of(user) if rule_of is not None else None
    return queryset.none() if rule is None else queryset.filter(rule)


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied (HTTP 403) unless can(user, action, obj)."""
    if not can(user, action, obj):
        raise PermissionDenied


# --- Policies -------------------------------------------------------------------------------------


@policy("advisors.Region")
class RegionPolicy(Policy):
    def view_filter(self, user):
        return Q(pk__in=region_ids(user))


@policy("advisors.Organisation")
class OrganisationPolicy(Policy):
    """Partners are a shared directory: everyone signed in sees them all, so referrals can cross regions."""

    def view_filter(self, user):
        return Q()

    def can_change(self, user, organisation):
        if user.is_organisation_lead:
            return organisation.pk == user.organisation_id
        if user.is_regional_staff:
            return organisation.regions.filter(pk__in=region_ids(user)).exists()
        return False


@policy("referrals.Service")
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

    def view_filter(self, user):
        query = Q(is_active=True)
        if user.is_organisation_lead and user.organisation_id is not None:
            query |= Q(organisation_id=user.organisation_id)
        elif user.is_regional_staff:
            from .models import Organisation

            query |= Q(organisation__in=Organisation.objects.filter(regions__in=region_ids(user)))
        return query

    def can_change(self, user, service):
        return self._maintains(user, service)

    can_create = can_change


@policy("advisors.User")
class UserPolicy(Policy):
    """People see colleagues of every partner in their regions; leads manage their own organisation."""

    def view_filter(self, user):
        from .models import Organisation

        # A subquery, not a join over the regions: one row per person.
        return Q(pk=user.pk) | Q(organisation__in=Organisation.objects.filter(regions__in=region_ids(user)))

    def reset_two_factor_filter(self, user) -> Q | None:
        """A lost device: an organisation lead resets their organisation's people, regional staff the people
        of the organisations serving their regions. Never oneself (that is what recovery codes are for), and
        never a superuser."""
        if user.is_regional_staff:
            from .models import Organisation

            people = Q(organisation__in=Organisation.objects.filter(regions__in=region_ids(user)))
        elif user.is_organisation_lead and user.organisation_id is not None:
            people = Q(organisation_id=user.organisation_id)
        else:
            return None
        return people & Q(is_superuser=False) & ~Q(pk=user.pk)

    def can_reset_two_factor(self, user, person):
        rule = self.reset_two_factor_filter(user)
        if rule is None or isinstance(person, type) or person.pk is None:
            return False
        known = evaluate(rule, person)
        if known is not None:
            return known
        return type(person)._base_manager.filter(pk=person.pk).filter(rule).exists()

    def can_change(self, user, person):
        if person.pk == user.pk:
            return True
        return (
            user.is_organisation_lead
            and not person.is_superuser
            and person.organisation_id is not None
            and person.organisation_id == user.organisation_id
        )

    def unlock_filter(self, user) -> Q | None:
        """Whose sign-in lockout a user may lift: regional staff, for the people of every partner in their
        regions (superusers' lockouts are lifted in the admin, by superusers)."""
        if not user.is_regional_staff:
            return None
        return self.view_filter(user) & Q(is_superuser=False)

    def can_unlock(self, user, person):
        rule = self.unlock_filter(user)
        if rule is None or isinstance(person, type) or person.pk is None:
            return False
        known = evaluate(rule, person)
        return known if known is not None else type(person)._base_manager.filter(rule, pk=person.pk).exists()


@policy("axes.AccessAttempt")
class AccessAttemptPolicy(Policy):
    """Failed sign-ins (django-axes), the lockouts: seen by those who may unlock the person they name.
    Attempts for addresses of nobody (or of people outside one's regions) stay hidden."""

    def view_filter(self, user):
        from .models import User

        rule = UserPolicy().unlock_filter(user)
        if rule is None:
            return None
        return Q(username__in=User.objects.filter(rule).values("email"))

    def can_view(self, user, attempt):
        if isinstance(attempt, type):  # the lockouts page: for those who may lift some lockout
            return UserPolicy().unlock_filter(user) is not None
        return super().can_view(user, attempt)


@policy("advisors.ApiToken")
class ApiTokenPolicy(Policy):
    """A personal API token is its owner's alone: only the owner sees and revokes it.

    A token signs in without the second factor, so only organisation leads and regional staff may hold
    one; for "create", ask about the model or `ApiToken(user=...)`. The token authentication asks the
    same question on every use, so a token stops working when its owner loses the role.
    """

    def view_filter(self, user):
        return Q(user_id=user.pk)

    def can_create(self, user, token):
        if not _is_lead_or_staff(user):
            return False
        return isinstance(token, type) or token.user_id == user.pk

    def can_delete(self, user, token):
        return token.user_id == user.pk


@policy("companies.Company")
class CompanyPolicy(Policy):
    """The register is shared by every advisor of a region: all may see and edit its companies.

    A company belongs to the regions that cover its municipality's county (the first two digits of the
    municipality code, so no query is needed per object).
    """

    def view_filter(self, user):
        return Q(municipality__county_id__in=county_ids(user))

    def _in_region(self, user, company):
        """The view rule without a query: a municipality code starts with its county's code."""
        return company.municipality_id is not None and company.municipality_id[:2] in county_ids(user)

    def can_view(self, user, company):  # fast path (a query per row otherwise); the property test guards it
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

    def can_gdpr_export(self, user, company):
        """The GDPR tools on a sole trader: regional staff of the company's region only."""
        return company.is_sole_trader and user.is_regional_staff and self._in_region(user, company)

    can_gdpr_erase = can_gdpr_export

    def can_set_legal_hold(self, user, company):
        return user.is_regional_staff and self._in_region(user, company)

    def can_view_personal_data(self, user, company):
        """A sole trader's personal number: leads, regional staff and the responsible organisation."""
        if not self._in_region(user, company):
            return False
        return _is_lead_or_staff(user) or (
            company.responsible_organisation_id is not None
            and company.responsible_organisation_id == user.organisation_id
        )


@policy("companies.Contact")
class ContactPolicy(Policy):
    """Contacts follow their company."""

    def view_filter(self, user):
        return through("company", CompanyPolicy().view_filter(user))

    def can_view(self, user, contact):  # the company's fast path
        return CompanyPolicy().can_view(user, contact.company)

    def can_change(self, user, contact):
        # An erased person (privacy) stays erased: nobody writes their data back.
        return contact.anonymised_at is None and CompanyPolicy().can_change(user, contact.company)

    def can_create(self, user, contact):
        return CompanyPolicy().can_change(user, contact.company)

    def can_gdpr_export(self, user, contact):
        """The GDPR tools on a contact person: regional staff of the company's region only. Asked about
        the model: may the user open the tools (find a person) at all."""
        if isinstance(contact, type):
            return user.is_regional_staff and bool(region_ids(user))
        return user.is_regional_staff and CompanyPolicy()._in_region(user, contact.company)

    can_gdpr_erase = can_gdpr_export


@policy("companies.CompanyImport")
class CompanyImportPolicy(Policy):
    """An import belongs to the person who uploaded it."""

    def view_filter(self, user):
        return Q(created_by_id=user.pk)

    def can_change(self, user, company_import):
        return self.can_view(user, company_import)


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

    def _region_filter(self, user) -> Q:
        """Seen as one of the region's partners (or, unassigned, as regional staff)."""
        query = Q(region_id__in=region_ids(user))
        if user.is_regional_staff:
            query |= Q(region__isnull=True)
        return query

    def _in_region(self, user, request) -> bool:
        return bool(evaluate(self._region_filter(user), request))  # the request's own fields: always known

    def view_filter(self, user):
        query = self._region_filter(user)
        organisation_id = user.organisation_id
        if organisation_id is not None:
            # Owned by, referred to or from, or co-handled by the user's organisation (another region's).
            # Subqueries, not joins: one row per request, and no query per row.
            referrals = _model("referrals.Referral").objects.filter(
                Q(to_organisation_id=organisation_id, status__in=self.REFERRED_STATUSES)
                | Q(from_organisation_id=organisation_id)
            )
            co_handled = _model("referrals.CoHandling").objects.filter(organisation_id=organisation_id)
            query |= (
                Q(owner_organisation_id=organisation_id)
                | Q(pk__in=referrals.values("request_id"))
                | Q(pk__in=co_handled.values("request_id"))
            )
        return query

    def can_view_unassigned(self, user, model):
        """The unassigned queue (requests from counties no region serves) is regional staff's to pick up;
        partner advisors, leads and the triage function see only their regions' requests."""
        return user.is_regional_staff

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

    def can_set_legal_hold(self, user, request):
        return user.is_regional_staff and self._in_region(user, request)


@policy("referrals.RequestEvent")
class RequestEventPolicy(Policy):
    """A request's timeline is the request's; an organisation-only note is its organisation's alone."""

    def view_filter(self, user):
        requests = AdviceRequestPolicy().scope(user, _model("referrals.AdviceRequest").objects.all())
        organisation_only = _model("referrals.RequestEvent").Visibility.ORGANISATION
        return Q(request__in=requests) & (
            ~Q(visibility=organisation_only) | Q(organisation_id=user.organisation_id)
        )


@policy("referrals.Referral")
class ReferralPolicy(Policy):
    """A referral is seen by both organisations and by everyone who sees its request (regional staff see
    everything in their region). Only the receiving organisation accepts or declines it; the sending
    organisation or the request's owner withdraws it. Whether it is still pending is the services' check.
    """

    def view_filter(self, user):
        query = Q(
            request__in=AdviceRequestPolicy().scope(user, _model("referrals.AdviceRequest").objects.all())
        )
        if user.organisation_id is not None:
            query |= Q(from_organisation_id=user.organisation_id) | Q(to_organisation_id=user.organisation_id)
        return query

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


@policy("referrals.SavedView")
class SavedViewPolicy(Policy):
    """A saved inbox view is its owner's; a shared one is seen by the owner's organisation, and its leads
    may remove it."""

    def view_filter(self, user):
        return Q(owner_id=user.pk) | Q(is_shared=True, organisation_id=user.organisation_id)

    def can_create(self, user, saved):
        return True  # everyone signed in keeps views of the inbox for themselves

    def can_delete(self, user, saved):
        if saved.owner_id == user.pk:
            return True
        return user.is_organisation_lead and saved.is_shared and saved.organisation_id == user.organisation_id


@policy("referrals.NeedCategory")
class NeedCategoryPolicy(Policy):
    """Need categories drive routing for every region: regional staff maintain them."""

    def view_filter(self, user):
        return Q()

    def can_change(self, user, category):
        return user.is_regional_staff

    can_create = can_change


@policy("outreach.Campaign")
class CampaignPolicy(Policy):
    """Advisors see their regions' campaigns. The owning organisation runs a campaign: its people change it
    and its target list, and so do regional staff of the region. For "create", ask about
    `Campaign(region=..., organisation=...)`: advisors and leads create for their own organisation, regional
    staff for any organisation serving the region."""

    def view_filter(self, user):
        return Q(region_id__in=region_ids(user))

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


@policy("outreach.CampaignMember")
class CampaignMemberPolicy(Policy):
    """Contacting the target list is shared work: everyone who sees the campaign records how far the
    contact with a company has come ("change_status"). Taking a company off the list ("delete") is for
    those who may change the campaign."""

    def view_filter(self, user):
        return through("campaign", CampaignPolicy().view_filter(user))

    def can_change_status(self, user, member):
        return self.can_view(user, member)

    def can_delete(self, user, member):
        return CampaignPolicy().can_change(user, member.campaign)


@policy("outreach.Activity")
class ActivityPolicy(Policy):
    """Activities are the region's, like the companies they are about. Whoever may change a company logs
    activities on it (ask about `Activity(company=...)`); the author and the author's organisation's leads
    change one."""

    def view_filter(self, user):
        return through("company", CompanyPolicy().view_filter(user))

    def can_view(self, user, activity):  # the company's fast path
        return CompanyPolicy().can_view(user, activity.company)

    def can_create(self, user, activity):
        return not isinstance(activity, type) and CompanyPolicy().can_change(user, activity.company)

    def can_change(self, user, activity):
        if not self.can_view(user, activity):
            return False
        return activity.created_by_id == user.pk or (
            user.is_organisation_lead and activity.organisation_id == user.organisation_id
        )


@policy("outreach.FollowUp")
class FollowUpPolicy(Policy):
    """A follow-up is seen by its owner and the owner's organisation. The owner and the organisation's
    leads change it; only they reassign it ("assign"). For "create", ask about
    `FollowUp(owner=..., company=...)`: for oneself on a company of one's regions, or, as a lead, for a
    colleague."""

    def view_filter(self, user):
        query = Q(owner_id=user.pk)
        if user.organisation_id is not None:
            query |= Q(organisation_id=user.organisation_id)
        return query

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


@policy("notifications.Notification")
class NotificationPolicy(Policy):
    """A notification is its recipient's alone."""

    def view_filter(self, user):
        return Q(recipient_id=user.pk)

    def can_change(self, user, notification):
        return self.can_view(user, notification)


@policy("privacy.RetentionRun")
class RetentionRunPolicy(Policy):
    """The retention job's log and its dry run: regional staff (the job itself runs for every region)."""

    def view_filter(self, user):
        return Q() if user.is_regional_staff else None

    def can_view(self, user, run):
        return user.is_regional_staff if isinstance(run, type) else super().can_view(user, run)


@policy("dashboards.RegionalGoal")
class RegionalGoalPolicy(Policy):
    """Everyone working in a region sees its goals (the dashboards measure against them); its regional staff
    set them. For "create", ask about `RegionalGoal(region=...)`.
    """

    def view_filter(self, user):
        return Q(region_id__in=region_ids(user))

    def can_view(self, user, goal):
        return isinstance(goal, type) or super().can_view(user, goal)  # the goals page: everyone signed in

    def can_change(self, user, goal):
        if isinstance(goal, type):
            return user.is_regional_staff and bool(region_ids(user))
        return user.is_regional_staff and goal.region_id in region_ids(user)

    can_create = can_change
    can_delete = can_change


def _audit_keys(queryset: QuerySet, field: str) -> QuerySet:
    """The keys by which the audit log names these objects (`audit.models.object_key`): a public id as 32
    hex digits (a UUID's text without hyphens, on PostgreSQL and SQLite alike), anything else as text."""
    key = Cast(field, output_field=CharField())
    if field == "public_id":
        key = Replace(key, Value("-"), Value(""))
    return queryset.annotate(audit_key=key).values("audit_key")


@policy("audit.AuditEntry")
class AuditEntryPolicy(Policy):
    """The audit log is regional staff's to search (superusers see all of it; nobody else any of it).

    Regional staff see the entries of their regions: those whose actor works for a partner serving one of
    their regions, and those about an object of their regions (a company or contact in the regions'
    counties, a request of the regions, a person or partner of the regions), whoever acted. The rule follows
    where people and objects are now. Entries of nobody's region (a failed sign-in with an unknown address,
    the nightly purge) are the superusers'. Entries are never changed or deleted, by anyone.
    "view" and "export" asked about the model: the search page and its CSV.
    """

    def view_filter(self, user):
        if not user.is_regional_staff or not region_ids(user):
            return None
        organisations = _model("advisors.Organisation").objects.filter(regions__in=region_ids(user))
        people = _model("advisors.User").objects.filter(organisation__in=organisations)
        companies = _model("companies.Company").objects.filter(municipality__county_id__in=county_ids(user))
        contacts = _model("companies.Contact").objects.filter(company__in=companies.values("pk"))
        requests = _model("referrals.AdviceRequest").objects.filter(region_id__in=region_ids(user))
        return (
            Q(actor__in=people.values("pk"))
            | Q(object_type="companies.company", object_id__in=_audit_keys(companies, "public_id"))
            | Q(object_type="companies.contact", object_id__in=_audit_keys(contacts, "public_id"))
            | Q(object_type="referrals.advicerequest", object_id__in=_audit_keys(requests, "reference"))
            | Q(object_type="advisors.user", object_id__in=_audit_keys(people, "pk"))
            | Q(object_type="advisors.organisation", object_id__in=_audit_keys(organisations, "pk"))
        )

    def can_view(self, user, entry):
        if isinstance(entry, type):
            return user.is_regional_staff and bool(region_ids(user))
        return super().can_view(user, entry)

    def can_export(self, user, entry):
        return isinstance(entry, type) and self.can_view(user, entry)
