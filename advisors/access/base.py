"""The actions, the policy registry, and the questions every caller asks: can, visible, permitted, require."""

from enum import StrEnum

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from .rules import evaluate


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
    # Asked about the Organisation model: see one's own organisation's workload (the worklist's team
    # sections); about the Region model: one's regions' (the unassigned queue aside, see VIEW_UNASSIGNED).
    OVERSEE = "oversee"


class UnknownAction(LookupError):
    """`can()` was asked about an action that is not an `Action` (a programming error, never "denied")."""


def _action(action) -> Action:
    try:
        return Action(action)
    except ValueError:
        raise UnknownAction(f"Unknown access action: {action!r}") from None


def _is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _read_regions(user) -> None:
    """The regions the user's organisation serves, by name, with their counties: one query for what a page
    asks (region_ids, county_ids, and the base layout's region: `regions_of`), cached on the user object."""
    regions: dict[int, Model] = {}
    counties = set()
    if user.organisation_id is not None:
        region_model = _model("advisors.Region")
        fields = [field.attname for field in region_model._meta.concrete_fields]
        rows = (
            region_model.objects.filter(organisations=user.organisation_id)
            .order_by("name", "pk")
            .values_list(*fields, "counties")
        )
        for *values, county in rows:
            if values[0] not in regions:
                regions[values[0]] = region_model.from_db(region_model.objects.db, fields, values)
            if county is not None:
                counties.add(county)
    user._access_regions = list(regions.values())
    user._access_region_ids = frozenset(regions)
    user._access_county_ids = frozenset(counties)


def regions_of(user) -> list[Model]:
    """The regions the user's organisation serves (Region objects, by name). Cached on the user object."""
    if getattr(user, "_access_regions", None) is None:
        _read_regions(user)
    return user._access_regions


def region_ids(user) -> frozenset[int]:
    """The regions a user works in: those their organisation serves. Cached on the user object."""
    if getattr(user, "_access_region_ids", None) is None:
        _read_regions(user)
    return user._access_region_ids


def county_ids(user) -> frozenset[str]:
    """The counties of the user's regions. Cached on the user object."""
    if getattr(user, "_access_county_ids", None) is None:
        _read_regions(user)
    return user._access_county_ids


def _is_lead_or_staff(user) -> bool:
    return user.is_organisation_lead or user.is_regional_staff


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

    def combinable_filter(self, user) -> Q | None:
        """The view rule, written so that PostgreSQL can combine its conditions' indexes with the query's
        own (see `visible(..., combinable=True)`); the same rows. By default the view rule itself."""
        return self.view_filter(user)

    def scope(self, user, queryset: QuerySet, *, combinable: bool = False) -> QuerySet:
        rule = self.combinable_filter(user) if combinable else self.view_filter(user)
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


def visible(user, queryset: QuerySet, *, combinable: bool = False) -> QuerySet:
    """The objects of `queryset` this user may see. `combinable`: the query counts many rows, or has
    selective indexed conditions of its own (a text search), rather than reading the newest page of them;
    a policy may write its rule for that (the same rows; see AdviceRequestPolicy)."""
    if not _is_signed_in(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return _policy_for(queryset.model).scope(user, queryset, combinable=combinable)


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
