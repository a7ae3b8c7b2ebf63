"""Routing suggestions ("no wrong door"): which partners of the region should help with a request.

Pure and deterministic: it reads the request, its company, the partners serving its region and their active
services, and writes nothing. A fixed number of queries however many partners and services there are.

How a partner scores, per need of the request:

- its best active service covering the need, if the company is eligible for it: ``COVERED`` points, or
  ``COVERED_UNCHECKED`` when the register lacks a value a criterion of the service needs. A service the
  company is not eligible for earns nothing, but the reason says why;
- its kind is a primary partner kind of the need (``PRIMARY``) or a secondary one (``SECONDARY``).

The catalogue outweighs the routing table: a secondary partner with a fitting service ranks above a primary
partner without one. Equal scores are ordered by name, so the same data always gives the same list.
"""

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advisors.models import Organisation
from companies.models import Company

from .models import AdviceRequest, Criterion, Eligibility, Mismatch, NeedCategory, Service

COVERED = 4
COVERED_UNCHECKED = 3
PRIMARY = 3
SECONDARY = 1


@dataclass
class Suggestion:
    organisation: Organisation
    score: int
    reasons: list[str] = field(default_factory=list)
    open_requests: int = 0  # current workload: open requests the organisation owns, in any region

    @property
    def matches(self) -> bool:
        """The catalogue or the routing table points to the partner for at least one need."""
        return self.score > 0


def split(suggestions: list[Suggestion]) -> tuple[list[Suggestion], list[Suggestion]]:
    """The matching partners (best first, as given) and the others: the request page shows the first and
    keeps the rest behind "Show all partners"."""
    return [s for s in suggestions if s.matches], [s for s in suggestions if not s.matches]


def _criteria_text(criteria) -> str:
    names = {
        Criterion.EMPLOYEES: _("company size"),
        Criterion.TURNOVER: _("turnover"),
        Criterion.INDUSTRY: _("industry"),
    }
    return get_text_list([str(names[criterion]) for criterion in criteria], _("and"))


def _mismatch_text(mismatches) -> str:
    names = {
        Mismatch.TOO_FEW_EMPLOYEES: _("too few employees"),
        Mismatch.TOO_MANY_EMPLOYEES: _("too many employees"),
        Mismatch.EMPLOYEES_OUTSIDE: _("a number of employees it does not cover"),
        Mismatch.TURNOVER_TOO_LOW: _("too low a turnover"),
        Mismatch.TURNOVER_TOO_HIGH: _("too high a turnover"),
        Mismatch.TURNOVER_OUTSIDE: _("a turnover it does not cover"),
        Mismatch.INDUSTRY: _("an industry it does not cover"),
    }
    return get_text_list([str(names[mismatch]) for mismatch in mismatches], _("and"))


def _coverage_reason(need: NeedCategory, service: Service, eligibility: Eligibility) -> str:
    names = {"need": need.name, "service": service.name}
    if not eligibility.is_eligible:
        return _("'%(service)s' covers '%(need)s', but the company has %(mismatches)s.") % {
            **names,
            "mismatches": _mismatch_text(eligibility.mismatches),
        }
    if eligibility.unknown:
        return ngettext(
            "Covers '%(need)s' through '%(service)s'; check that the company qualifies: "
            "its %(criteria)s is not in the register.",
            "Covers '%(need)s' through '%(service)s'; check that the company qualifies: "
            "its %(criteria)s are not in the register.",
            len(eligibility.unknown),
        ) % {**names, "criteria": _criteria_text(eligibility.unknown)}
    if eligibility.restricted:
        return ngettext(
            "Covers '%(need)s' through '%(service)s'; %(criteria)s fits.",
            "Covers '%(need)s' through '%(service)s'; %(criteria)s fit.",
            len(eligibility.restricted),
        ) % {**names, "criteria": _criteria_text(eligibility.restricted)}
    return _("Covers '%(need)s' through '%(service)s', which is open to every company.") % names


def _rank(eligibility: Eligibility) -> int:
    if not eligibility.is_eligible:
        return 0
    return COVERED_UNCHECKED if eligibility.unknown else COVERED


def _company(request: AdviceRequest) -> Company:
    """The request's company with its SNI code (for the section), reusing what the caller selected."""
    if AdviceRequest.company.is_cached(request):
        company = request.company
        if company.sni_code_id is None or Company.sni_code.is_cached(company):
            return company
    return Company.objects.select_related("sni_code").get(pk=request.company_id)


def open_workload():
    """An organisation's open requests (the routing's workload), for `.annotate()` on organisations: a
    count per partner from the partial index of open requests by owner (not a join of every partner with
    all requests)."""
    open_requests = (
        AdviceRequest.objects.filter(owner_organisation=OuterRef("pk"))
        .exclude(status=AdviceRequest.Status.CLOSED)
        .order_by()
        .values("owner_organisation")
        .annotate(n=Count("*"))  # COUNT(*): from the index alone (COUNT(id) would read every row for its id)
        .values("n")
    )
    return Coalesce(Subquery(open_requests, output_field=IntegerField()), 0)


def _organisations(region):
    """The active partners serving the region, by name, each with its open workload, in one query."""
    return list(Organisation.objects.active().serving(region).annotate(workload=open_workload()))


def _services_by_organisation_and_need(organisations, needs) -> dict[tuple[int, int], list[Service]]:
    """Active services of these partners covering these needs, in one query over the M2M table."""
    links = (
        Service.needs.through.objects.filter(
            service__organisation__in=[organisation.pk for organisation in organisations],
            service__is_active=True,
            needcategory__in=[need.pk for need in needs],
        )
        .select_related("service")
        .order_by("service__name_sv", "service__pk")
    )
    found: dict[tuple[int, int], list[Service]] = {}
    for link in links:
        found.setdefault((link.service.organisation_id, link.needcategory_id), []).append(link.service)
    return found


def suggestions_for(request: AdviceRequest, partners=None) -> list[Suggestion]:
    """Every active partner serving the request's region, best first. Empty without a region.

    `partners`: `selectors.request_partners(request)` when the request page has read them (every active
    organisation, by name, with `serves_region` and the serving ones' `workload`): no query of its own.

    A score of 0 means neither the catalogue nor the routing table points to the partner; it is listed
    so that the person routing sees every partner's workload.
    """
    if request.region_id is None:
        return []
    if partners is None:
        organisations = _organisations(request.region_id)
    else:
        organisations = [organisation for organisation in partners if organisation.serves_region]
    needs = sorted(request.needs.all(), key=lambda need: (need.position, need.slug))  # uses a prefetch
    company = _company(request)
    services = _services_by_organisation_and_need(organisations, needs)

    suggestions = []
    for organisation in organisations:
        score, reasons = 0, []
        for need in needs:
            candidates = services.get((organisation.pk, need.pk), [])
            if candidates:
                # The best fitting service speaks for the partner; ties go to the first by name.
                assessed = [(service, service.eligibility_for(company)) for service in candidates]
                service, eligibility = max(assessed, key=lambda pair: _rank(pair[1]))
                score += _rank(eligibility)
                reasons.append(_coverage_reason(need, service, eligibility))
            if organisation.kind in need.primary_partner_kinds:
                score += PRIMARY
                reasons.append(_("Primary partner for '%(need)s'.") % {"need": need.name})
            elif organisation.kind in need.secondary_partner_kinds:
                score += SECONDARY
                reasons.append(_("Secondary partner for '%(need)s'.") % {"need": need.name})
        suggestions.append(
            Suggestion(
                organisation=organisation, score=score, reasons=reasons, open_requests=organisation.workload
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.organisation.name.casefold(), s.organisation.pk))
    return suggestions
