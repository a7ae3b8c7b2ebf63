"""Read-side queries of advice requests."""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors import access
from advisors.models import Organisation, User
from companies.identifiers import format_number, mask_number
from companies.models import Company, EmployeeBand, ExportExperience, Municipality

from .filters import RequestFilter, deadline_state_q
from .models import AdviceRequest, InboxView, NeedCategory, RequestEvent, SavedView

# The related rows a request list shows: one query for the page, whatever its length.
REQUEST_LIST_RELATED = ["company__municipality", "region", "owner_organisation", "owner_advisor"]


def visible_requests(user) -> QuerySet[AdviceRequest]:
    return access.visible(user, AdviceRequest.objects.all())


def with_list_relations(queryset: QuerySet[AdviceRequest]) -> QuerySet[AdviceRequest]:
    return queryset.select_related(*REQUEST_LIST_RELATED).prefetch_related(
        Prefetch("needs", queryset=NeedCategory.objects.order_by("position"))
    )


def requests_for_company(user, company: Company) -> list[AdviceRequest]:
    return list(with_list_relations(visible_requests(user).filter(company=company)).order_by("-created_at"))


def unassigned_requests(user) -> QuerySet[AdviceRequest]:
    """The queue of requests from counties no export center serves."""
    return (
        with_list_relations(visible_requests(user).filter(region__isnull=True))
        .select_related("contact")
        .order_by("created_at")
    )


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


def timeline(user, request: AdviceRequest) -> QuerySet[RequestEvent]:
    """The request's events this user may see, oldest first (organisation-only notes of other partners
    are left out)."""
    return (
        access.visible(user, RequestEvent.objects.filter(request=request))
        .select_related("actor", "organisation")
        .order_by("created_at", "pk")
    )


# --- The shared inbox ---------------------------------------------------------------------------------

VIEW_COUNT_CAP = 1000  # a view's count stops here ("1000+"): never count a whole table per page view


def view_filter(view: str, user, now=None) -> Q:
    """The standard inbox views as filters."""
    open_ = ~Q(status=AdviceRequest.Status.CLOSED)
    return {
        InboxView.NEW: Q(status=AdviceRequest.Status.NEW),
        InboxView.MINE: open_ & Q(owner_advisor_id=user.pk),
        InboxView.ORGANISATION: open_ & Q(owner_organisation_id=user.organisation_id),
        InboxView.OVERDUE: open_ & deadline_state_q("overdue", now),
        InboxView.OPEN: open_,
        InboxView.CLOSED: Q(status=AdviceRequest.Status.CLOSED),
    }[InboxView(view)]


def visible_to(user) -> Q:
    """Events the user may see: all but other organisations' organisation-only notes."""
    return ~Q(visibility=RequestEvent.Visibility.ORGANISATION) | Q(organisation_id=user.organisation_id)


def with_last_event(queryset: QuerySet[AdviceRequest], user) -> QuerySet[AdviceRequest]:
    """Annotate each request with the kind and time of its last event the user may see."""
    last = RequestEvent.objects.filter(visible_to(user), request=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    return queryset.annotate(
        last_event_kind=Subquery(last.values("kind")[:1]),
        last_event_at=Subquery(last.values("created_at")[:1]),
    )


@dataclass
class Inbox:
    view: str
    filter: RequestFilter
    requests: QuerySet[AdviceRequest]


def inbox_for(user, view: str, params, *, http_request=None) -> Inbox:
    """One view of the shared inbox with the user's filters; invalid filters give no rows (and errors)."""
    now = timezone.now()
    base = visible_requests(user).filter(view_filter(view, user, now))
    filterset = RequestFilter(params or None, queryset=base, request=http_request)
    if filterset.is_bound and not filterset.is_valid():
        requests = base.none()
    else:
        requests = filterset.qs
        if not (filterset.is_bound and filterset.form.cleaned_data.get("sort")):
            requests = requests.order_by(
                *(("created_at", "pk") if view == InboxView.OVERDUE else ("-created_at", "-pk"))
            )
    if filterset.is_bound and filterset.form.cleaned_data.get("need"):
        requests = requests.distinct()
    requests = with_last_event(with_list_relations(requests), user)
    return Inbox(view=view, filter=filterset, requests=requests)


def view_counts(user) -> dict[str, int]:
    """How many requests each standard view holds, counted up to VIEW_COUNT_CAP + 1 (one query each)."""
    now = timezone.now()
    base = visible_requests(user)
    return {
        view: base.filter(view_filter(view, user, now))[: VIEW_COUNT_CAP + 1].count()
        for view in InboxView.values
    }


def saved_views_for(user) -> list[SavedView]:
    return list(access.visible(user, SavedView.objects.select_related("owner")))


def request_detail(user, public_id) -> AdviceRequest | None:
    return (
        with_list_relations(visible_requests(user))
        .select_related("contact", "region__operator", "duplicate_of", "company__sni_code__section")
        .filter(public_id=public_id)
        .first()
    )


def assignable_organisations(request: AdviceRequest):
    """The active partners that serve the request's region (its queue can take the request)."""
    organisations = Organisation.objects.active()
    if request.region_id is not None:
        organisations = organisations.filter(regions=request.region_id)
    return organisations.order_by("name")


def assignable_advisors(request: AdviceRequest):
    return (
        User.objects.filter(is_active=True, organisation__in=assignable_organisations(request))
        .select_related("organisation")
        .order_by("organisation__name", "full_name")
    )
