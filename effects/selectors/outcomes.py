"""Reads of export outcomes: the lists, the company page's panel, one outcome, and the form's choices."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from advisors import access
from advisors.access import Action
from companies.models import Company
from outreach.models import Activity
from referrals.models import AdviceRequest, Referral

from ..models import ExportOutcome, OutcomePartner

OUTCOME_LIST_RELATED = ("company", "region", "organisation", "contact")


def with_list_relations(queryset: QuerySet[ExportOutcome]) -> QuerySet[ExportOutcome]:
    return queryset.select_related(*OUTCOME_LIST_RELATED).prefetch_related(
        Prefetch(
            "partner_links",
            queryset=OutcomePartner.objects.select_related("organisation").order_by("organisation__name"),
        )
    )


def visible_outcomes(user) -> QuerySet[ExportOutcome]:
    return with_list_relations(access.visible(user, ExportOutcome.objects.all()))


def outcome_detail(user, public_id) -> ExportOutcome | None:
    return (
        visible_outcomes(user)
        .prefetch_related(
            Prefetch("requests", queryset=AdviceRequest.objects.order_by("-created_at")),
            Prefetch("activities", queryset=Activity.objects.order_by("-occurred_on")),
            Prefetch("referrals", queryset=Referral.objects.select_related("request", "to_organisation")),
        )
        .filter(public_id=public_id)
        .first()
    )


@dataclass
class CompanyOutcomes:
    """The company page's panel: confirmed outcomes apart from those waiting, declined or expired."""

    confirmed: list = field(default_factory=list)
    others: list = field(default_factory=list)
    can_create: bool = False


def company_outcomes_probes() -> dict[str, Exists]:
    """What the company page asks first (exportcenter.panels): most companies have no outcome yet."""
    return {"outcomes": Exists(ExportOutcome.objects.filter(company=OuterRef("pk")))}


def company_outcomes(
    user, company: Company, found: dict | None = None, *, limit: int = 50
) -> CompanyOutcomes:
    """The company page's panel; `found`: the answers to company_outcomes_probes (none given: read)."""
    rows = (
        list(visible_outcomes(user).filter(company=company)[:limit]) if not found or found["outcomes"] else []
    )
    return CompanyOutcomes(
        confirmed=[row for row in rows if row.counts],
        others=[row for row in rows if not row.counts],
        can_create=access.can(user, Action.CREATE, ExportOutcome(company=company)),
    )


def linkable(user, company: Company) -> dict[str, QuerySet]:
    """The company's own requests, activities and referrals the user sees: what an outcome may link to."""
    return {
        "requests": access.visible(user, AdviceRequest.objects.filter(company=company)).order_by(
            "-created_at"
        ),
        "activities": access.visible(user, Activity.objects.filter(company=company)).order_by(
            "-occurred_on", "-pk"
        ),
        "referrals": access.visible(user, Referral.objects.filter(request__company=company))
        .select_related("request", "to_organisation")
        .order_by("-created_at"),
    }


def link_querysets(user) -> dict[str, QuerySet]:
    """What a posted link is looked up in: anything the user sees (the service refuses other companies')."""
    return {
        "requests": access.visible(user, AdviceRequest.objects.all()),
        "activities": access.visible(user, Activity.objects.all()),
        "referrals": access.visible(user, Referral.objects.all()).select_related("request"),
    }
