"""Demo data of the GDPR tools: one demo request on legal hold, so that the retention page and the request
page show what a hold looks like. Idempotent: the same request every time, put on hold once."""

from companies.models import Company
from demo import companies as companies_demo
from privacy import services
from referrals.models import AdviceRequest

# The demo company (by organisation number order) whose first request is on legal hold.
HELD_COMPANY_INDEX = 2


def seed() -> str:
    """Put the chosen demo request on legal hold; return its reference ("" if the demo has no requests)."""
    plans = sorted(companies_demo.demo_plans(), key=lambda plan: plan.fields["org_number"])
    if len(plans) <= HELD_COMPANY_INDEX:
        return ""
    company = Company.objects.filter(org_number=plans[HELD_COMPANY_INDEX].fields["org_number"]).first()
    request = AdviceRequest.objects.filter(company=company).order_by("pk").first() if company else None
    if request is None:
        return ""
    services.set_legal_hold(obj=request, on_hold=True, by=None)
    return request.reference
