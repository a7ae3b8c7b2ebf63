"""Demo data: surveys (issue 18). Idempotent, and it sends no email.

Requests closed as helped (keyed by their submission id `demo-survey-<n>`) with answered satisfaction
surveys for the Uppsala partners: Almi (8 answers) and Business Sweden (6) show figures, EKN (3) and SEK
(2) show "fewer than 5". Follow-up surveys: some sent and waiting, some answered (which confirms the
company's flags with source "company survey").
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from advisors.models import Organisation, Region
from companies.models import Company, FlagSource
from companies.services import confirm_international_flags
from effects.models import Answer, FollowUpSurvey, SatisfactionSurvey, SurveyStatus
from exportcenter.workdays import local_date
from referrals.models import AdviceRequest
from referrals.services.intake import next_reference

# (partner slug, satisfaction scores, comments)
ANSWERS = [
    ("almi", [5, 4, 5, 3, 4, 5, 4, 2], {0: "Mycket bra hjälp med finansieringen.", 7: "Det tog lång tid."}),
    ("business-sweden", [4, 4, 5, 3, 5, 4], {1: "Marknadsanalysen för Norge var precis vad vi behövde."}),
    ("ekn", [5, 3, 4], {0: "Garantin räddade affären."}),
    ("sek", [4, 5], {}),
]
COMPANY_OFFSET = 30  # the demo register's companies after those the demo requests use
FOLLOW_UPS = 6


def _companies(count: int) -> list[Company]:
    # Seeded before: the companies of the demo's survey requests, in the same order, so that a company
    # registered since (one sorting first) does not shift the choice and make a second run add surveys.
    seeded = list(
        Company.objects.filter(requests__idempotency_key__startswith="demo-survey-")
        .order_by("org_number", "pk")
        .distinct()
    )
    if len(seeded) >= count:
        return seeded[:count]
    return list(
        Company.objects.active()
        .filter(municipality__county_id="03", contacts__is_primary=True, contacts__email__gt="")
        .order_by("org_number", "pk")
        .distinct()[COMPANY_OFFSET : COMPANY_OFFSET + count]
    )


def _closed_request(key: str, *, company: Company, region: Region, owner: Organisation, closed_at):
    existing = AdviceRequest.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    year = timezone.localdate().year
    number, reference = next_reference(year)
    contact = company.contacts.filter(is_primary=True).first()
    request = AdviceRequest.objects.create(
        idempotency_key=key,
        reference=reference,
        year=year,
        number=number,
        company=company,
        contact=contact,
        region=region,
        owner_organisation=owner,
        owner_since=closed_at - timedelta(days=6),
        status=AdviceRequest.Status.CLOSED,
        outcome=AdviceRequest.Outcome.HELPED,
        closed_at=closed_at,
        language=contact.preferred_language if contact else "sv",
        first_response_due_at=closed_at - timedelta(days=6),
        first_response_at=closed_at - timedelta(days=6, hours=-2),
    )
    return request, True


@transaction.atomic
def _seed_satisfaction(region: Region, companies: list[Company]) -> int:
    partners = {o.slug: o for o in Organisation.objects.filter(slug__in=[slug for slug, *_ in ANSWERS])}
    now = timezone.now()
    made, index = 0, 0
    for slug, scores, comments in ANSWERS:
        owner = partners.get(slug)
        for n, score in enumerate(scores):
            company = companies[index % len(companies)]
            index += 1
            if owner is None:
                continue
            closed_at = now - timedelta(days=2 + index)
            request, _created = _closed_request(
                f"demo-survey-{slug}-{n}", company=company, region=region, owner=owner, closed_at=closed_at
            )
            # Made here, in the request's transaction: the after-commit task finds it and sends nothing.
            _survey, created = SatisfactionSurvey.objects.get_or_create(
                request=request,
                defaults={
                    "organisation": owner,
                    "region": region,
                    "contact": request.contact,
                    "status": SurveyStatus.ANSWERED,
                    "sent_at": closed_at,
                    "answered_at": closed_at + timedelta(hours=20),
                    "satisfaction": score,
                    "right_partner_in_one_day": Answer.YES if score >= 4 else Answer.NO,
                    "handover_clear": Answer.YES if score >= 3 else Answer.DONT_KNOW,
                    "comment": comments.get(n, ""),
                },
            )
            made += created
    return made


@transaction.atomic
def _seed_follow_ups(region: Region, companies: list[Company]) -> int:
    today = timezone.localdate()
    made = 0
    for n, company in enumerate(companies[:FOLLOW_UPS]):
        wave = FollowUpSurvey.Wave.SIX_MONTHS if n % 2 == 0 else FollowUpSurvey.Wave.TWELVE_MONTHS
        helped_on = today - timedelta(days=wave * 30 + 3 + n)
        answered = n < FOLLOW_UPS // 2
        sent_at = timezone.now() - timedelta(days=3 + n)
        flags = {"exports_goods": True, "imports": n % 2 == 0, "operations_abroad": False}
        survey, created = FollowUpSurvey.objects.get_or_create(
            company=company,
            wave=wave,
            helped_on=helped_on.replace(day=1),
            defaults={
                "region": region,
                "contact": company.contacts.filter(is_primary=True).first(),
                "status": SurveyStatus.ANSWERED if answered else SurveyStatus.SENT,
                "sent_at": sent_at,
                "answered_at": sent_at + timedelta(days=1) if answered else None,
                **(flags if answered else {}),
            },
        )
        if created and answered:
            confirm_international_flags(
                company=company,
                flags=flags,
                source=FlagSource.COMPANY_SURVEY,
                on=local_date(survey.answered_at),
            )
        made += created
    return made


def seed() -> int:
    region = Region.objects.filter(slug="uppsala").first()
    companies = _companies(12)
    if region is None or not companies:
        return 0
    _seed_satisfaction(region, companies)
    _seed_follow_ups(region, companies)
    return (
        SatisfactionSurvey.objects.filter(request__idempotency_key__startswith="demo-survey-").count()
        + FollowUpSurvey.objects.filter(region=region, company__in=companies).count()
    )
