"""Demo rows for the worklist (issue 17 §1), so that the demo advisor, lead and regional staff see it at
work: a request of Anna's waiting for the company for longer than WAITING_NUDGE_DAYS, a company's reply on
another, a third of hers to handle, a referral from EKN waiting for Almi's answer (due), a request nobody
answered in time, and a request from a county no region serves (the unassigned queue). Idempotent: each step
is keyed on a demo request and done once; it sends no email.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from advisors.models import Organisation, User
from notifications.models import OutboundEmail
from reference.models import Municipality
from referrals import services
from referrals.models import AdviceRequest, NeedCategory, Referral, RequestEvent

from . import companies as companies_demo

ADVISOR = "anna.advisor@almi.example"
REFERRER = "eva.advisor@ekn.example"
# The demo requests (demo.requests: one per demo plan, by organisation number) this module moves on.
WAITING, REPLIED, OWNED, REFERRED, OVERDUE = 20, 21, 22, 23, 19
UNASSIGNED = "demo-worklist-unassigned"
UNASSIGNED_COMPANY = "Gävle Glasbruk (under bildande)"
REPLY = "Tack! Vi har tagit fram siffrorna ni bad om och skickar dem i veckan."
NOTE = "Företaget behöver finansiering av en order till Polen. Kan Almi hjälpa till med ett lån?"


def _demo_request(n: int) -> AdviceRequest | None:
    """The n-th demo request (demo.requests), keyed on the demo plan, never on what the register holds."""
    plans = sorted(companies_demo.demo_plans(), key=lambda plan: plan.fields["org_number"])
    if n >= len(plans):
        return None
    number = plans[n].fields["org_number"]
    return AdviceRequest.objects.filter(company__org_number=number).order_by("pk").first()


def _free(n: int) -> AdviceRequest | None:
    """The n-th demo request while nobody owns it and it has no referrals (else: done already)."""
    request = _demo_request(n)
    if request is None or request.owner_organisation_id is not None or request.referrals.exists():
        return None
    return request


def _take(request: AdviceRequest, advisor: User, *, to: list[str]) -> AdviceRequest:
    request = services.claim(request=request, advisor=advisor)
    for status in to:
        request.refresh_from_db()
        request = services.transition(
            request=request, to_status=status, by=advisor, expected_version=request.version
        )
    return request


@transaction.atomic
def seed() -> int:
    """Returns how many of the worklist's demo rows there are."""
    people = {user.email: user for user in User.objects.filter(email__in=[ADVISOR, REFERRER])}
    almi = Organisation.objects.filter(slug="almi").first()
    if len(people) < 2 or almi is None:
        return 0
    anna, eva = people[ADVISOR], people[REFERRER]
    last_email = OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    now = timezone.now()
    in_progress, waiting = AdviceRequest.Status.IN_PROGRESS, AdviceRequest.Status.WAITING_FOR_COMPANY

    if request := _free(WAITING):
        _take(request, anna, to=[in_progress, waiting])
        # It has waited since well before the nudge: its status changes are dated back (in their order).
        RequestEvent.objects.filter(request=request, kind=RequestEvent.Kind.STATUS_CHANGED).update(
            created_at=now - timedelta(days=settings.WAITING_NUDGE_DAYS + 3)
        )
    if request := _free(REPLIED):
        _take(request, anna, to=[in_progress])
        services.reply_from_company(request=request, body=REPLY)
    if request := _free(OWNED):
        _take(request, anna, to=[])
    if request := _free(REFERRED):
        request = _take(request, eva, to=[])
        referral = services.refer_request(
            request=request,
            to_organisation=almi,
            by=eva,
            needs=[],
            note=NOTE,
            consent=services.Consent(method=Referral.ConsentMethod.PHONE, details="Vd, per telefon."),
            expected_version=request.version,
        )
        # Sent yesterday: the answer is due (the lead's "referral answers due").
        Referral.objects.filter(pk=referral.pk).update(
            created_at=now - timedelta(days=1, hours=2), due_at=now - timedelta(hours=2)
        )
    if (request := _free(OVERDUE)) and request.first_response_due_at > now:
        # Nobody has answered it in time: the region's "overdue requests by partner" (no partner yet).
        AdviceRequest.objects.filter(pk=request.pk).update(
            created_at=now - timedelta(days=4), first_response_due_at=now - timedelta(days=3)
        )
    if not AdviceRequest.objects.filter(region__isnull=True, company__name=UNASSIGNED_COMPANY).exists():
        gavle = Municipality.objects.filter(code="2180").first()
        if gavle is not None:
            services.submit_request(
                submission=services.Submission(
                    org_number=None,
                    legal_form="unregistered",
                    company_name=UNASSIGNED_COMPANY,
                    municipality=gavle,
                    website="",
                    employee_band="1-4",
                    sells="goods",
                    export_experience="never",
                    export_countries=[],
                    needs=list(NeedCategory.objects.filter(is_active=True).order_by("position")[:1]),
                    target_markets=["NO"],
                    description="Vi blåser glas och vill sälja till Norge. Var börjar vi?",
                    contact_name="Greta Glas",
                    contact_email="greta@glasbruk.example",
                    contact_phone="",
                    language="sv",
                    preferred_contact_method="email",
                    idempotency_key=UNASSIGNED,
                )
            )
    # The demo emails nobody: drop what the services queued, before the worker sees it.
    OutboundEmail.objects.filter(pk__gt=last_email).delete()
    mine = [_demo_request(n) for n in (WAITING, REPLIED, OWNED)]
    return (
        sum(1 for request in mine if request is not None and request.owner_advisor_id == anna.pk)
        + Referral.objects.filter(to_organisation=almi, note=NOTE).count()
        + AdviceRequest.objects.filter(region__isnull=True, company__name=UNASSIGNED_COMPANY).count()
    )
