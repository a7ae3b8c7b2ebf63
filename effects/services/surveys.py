"""Surveys to companies: sending them, and the company's answers.

Each survey row is its own exactly-once ledger. It is inserted (get_or_create on its unique key: the
request for a satisfaction survey; company, wave and help day for a follow-up) in the same transaction as
its email, and the email's outbox key is the survey's: a second run, a concurrent run or a re-run after a
crash finds the row and sends nothing.
"""

import calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from advisors.models import Region
from companies.models import INTERNATIONAL_FLAGS, Company, Contact, FlagSource
from companies.services import confirm_international_flags
from exportcenter.locks import advisory_lock
from exportcenter.workdays import STOCKHOLM, local_date
from notifications.services import queue_email
from outreach.models import Activity
from referrals.models import AdviceRequest

from .. import links
from ..models import FollowUpSurvey, SatisfactionSurvey, SurveyStatus

logger = logging.getLogger(__name__)

SkipReason = SatisfactionSurvey.SkipReason

# The outcomes after which the company is asked how it went (AdviceRequest.Outcome).
SURVEYED_OUTCOMES = (AdviceRequest.Outcome.HELPED, AdviceRequest.Outcome.REFERRED_ONWARD)
# The sweep looks back this far for closed requests without a survey: it catches what the after-commit task
# missed (a broker outage, a crash), without asking companies about requests closed long ago.
SATISFACTION_SWEEP_DAYS = 14
# A follow-up is sent from the day the help is `wave` months old, and for this many days after (a daily job
# that did not run for a while catches up; older help is not asked about any more).
FOLLOW_UP_WINDOW_DAYS = 30
SATISFACTION_LOCK = "effects.surveys.satisfaction"
FOLLOW_UP_LOCK = "effects.surveys.follow_up"


class AlreadyAnswered(Exception):
    """The survey was answered already: the first answer stands."""


# --- Helpers ----------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31 Aug + 6 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def link_expires_at(survey) -> datetime | None:
    """When the survey's link stops working: SURVEY_LINK_DAYS after it was sent."""
    if survey.sent_at is None:
        return None
    return survey.sent_at + timedelta(days=settings.SURVEY_LINK_DAYS)


def _skip_reason(company: Company, contact: Contact | None) -> str:
    if company.merged_into_id is not None:
        return SkipReason.MERGED
    if contact is None or not contact.email or contact.anonymised_at is not None:
        return SkipReason.NO_EMAIL
    if contact.surveys_declined_on is not None:
        return SkipReason.OPTED_OUT
    return ""


def _language(contact: Contact, fallback: str = "") -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    for language in (contact.preferred_language, fallback, settings.LANGUAGE_CODE):
        if language in codes:
            return language
    return settings.LANGUAGE_CODE


def _send(*, key: str, template: str, contact: Contact, language: str, context: dict) -> None:
    with translation.override(language):
        context = {**context, "contact": contact, "link_days": settings.SURVEY_LINK_DAYS}
        queue_email(
            key=key,
            to=contact.email,
            subject=render_to_string(f"effects/surveys/email/{template}_subject.txt", context),
            body_text=render_to_string(f"effects/surveys/email/{template}.txt", context),
        )


# --- Satisfaction after a request closes -----------------------------------------------------------------


def satisfaction_due(request: AdviceRequest) -> bool:
    return (
        request.status == AdviceRequest.Status.CLOSED
        and request.outcome in SURVEYED_OUTCOMES
        and request.region_id is not None
    )


@transaction.atomic
def send_satisfaction_survey(*, request_id: int) -> SatisfactionSurvey | None:
    """The one satisfaction survey of a request closed as helped or referred onward: created and its email
    queued once, or recorded as not sent (no email address, the contact declined surveys, the company was
    merged away). None for a request that is not (or no longer) closed that way."""
    request = (
        AdviceRequest.objects.select_related("company", "contact", "region", "owner_organisation")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not satisfaction_due(request):
        return None
    contact = request.contact
    reason = _skip_reason(request.company, contact)
    survey, created = SatisfactionSurvey.objects.get_or_create(
        request=request,
        defaults={
            "organisation": request.owner_organisation,
            "region": request.region,
            "contact": contact,
            "status": SurveyStatus.SKIPPED if reason else SurveyStatus.SENT,
            "skip_reason": reason,
            "sent_at": None if reason else timezone.now(),
        },
    )
    if created and not reason:
        language = _language(contact, request.language)
        token = links.token_for("satisfaction", survey.public_id)
        _send(
            key=f"satisfaction:{request.pk}",
            template="satisfaction",
            contact=contact,
            language=language,
            context={
                "request": request,
                "partner": request.owner_organisation,
                "region": request.region,
                "url": links.absolute_url("effects:satisfaction_survey", token, language),
            },
        )
    return survey


def satisfaction_candidates(now: datetime | None = None):
    """Requests closed as helped or referred onward within SATISFACTION_SWEEP_DAYS that have no survey."""
    since = (now or timezone.now()) - timedelta(days=SATISFACTION_SWEEP_DAYS)
    return AdviceRequest.objects.filter(
        status=AdviceRequest.Status.CLOSED,
        outcome__in=SURVEYED_OUTCOMES,
        region__isnull=False,
        closed_at__gte=since,
        satisfaction_survey__isnull=True,
    ).order_by("closed_at", "pk")


def sweep_satisfaction_surveys(now: datetime | None = None) -> int:
    """Send the surveys the after-commit task did not (each in its own transaction). Returns how many
    surveys were made. A second sweep at the same time is turned away by the lock."""
    made = 0
    with advisory_lock(SATISFACTION_LOCK) as acquired:
        if not acquired:
            return 0
        for request_id in satisfaction_candidates(now).values_list("pk", flat=True)[:5000]:
            if send_satisfaction_survey(request_id=request_id) is not None:
                made += 1
    return made


@dataclass(frozen=True)
class SatisfactionAnswer:
    satisfaction: int
    right_partner_in_one_day: str = ""
    handover_clear: str = ""
    comment: str = ""


@transaction.atomic
def answer_satisfaction(*, survey: SatisfactionSurvey, answer: SatisfactionAnswer) -> SatisfactionSurvey:
    """Record the company's answer. A second answer changes nothing (AlreadyAnswered): the first stands."""
    current = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    if current.status == SurveyStatus.ANSWERED:
        raise AlreadyAnswered
    current.satisfaction = answer.satisfaction
    current.right_partner_in_one_day = answer.right_partner_in_one_day
    current.handover_clear = answer.handover_clear
    current.comment = answer.comment.strip()
    current.status = SurveyStatus.ANSWERED
    current.answered_at = timezone.now()
    current.save(
        update_fields=[
            "satisfaction",
            "right_partner_in_one_day",
            "handover_clear",
            "comment",
            "status",
            "answered_at",
        ]
    )
    return current


def decline_surveys(*, contact: Contact | None, on: date | None = None) -> None:
    """The person asked for no more surveys (or requests to confirm outcomes): the first date stands."""
    if contact is None:
        return
    Contact.objects.filter(pk=contact.pk, surveys_declined_on__isnull=True).update(
        surveys_declined_on=on or timezone.localdate()
    )


# --- Follow-ups 6 and 12 months after help ------------------------------------------------------------


@dataclass(frozen=True)
class Help:
    company_id: int
    helped_on: date
    region_id: int | None
    contact_id: int | None = None


def _helps_between(first: date, last: date) -> list[Help]:
    """Help given from `first` to `last` (Stockholm days): requests closed as helped or referred onward,
    and activities with an outcome."""
    starts = datetime.combine(first, datetime.min.time(), tzinfo=STOCKHOLM)
    ends = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=STOCKHOLM)
    helps = [
        Help(company_id, local_date(closed_at), region_id, contact_id)
        for company_id, closed_at, region_id, contact_id in AdviceRequest.objects.filter(
            status=AdviceRequest.Status.CLOSED,
            outcome__in=SURVEYED_OUTCOMES,
            closed_at__gte=starts,
            closed_at__lt=ends,
        ).values_list("company_id", "closed_at", "region_id", "contact_id")
    ]
    activities = (
        Activity.objects.filter(occurred_on__gte=first, occurred_on__lte=last)
        .exclude(outcome="")
        .values_list(
            "company_id", "occurred_on", "campaign_member__campaign__region_id", "request__region_id"
        )
    )
    helps += [
        Help(company_id, occurred_on, campaign_region or request_region)
        for company_id, occurred_on, campaign_region, request_region in activities
    ]
    return helps


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def due_follow_ups(run_date: date, wave: int) -> list[Help]:
    """One help per company and month whose `wave`-month mark fell in the last FOLLOW_UP_WINDOW_DAYS days:
    the company's first help of that month (so many requests in a month make one survey per wave), and
    none for a company and month that have a survey of this wave already."""
    last = add_months(run_date, -wave)
    window_first = add_months(run_date - timedelta(days=FOLLOW_UP_WINDOW_DAYS - 1), -wave)
    month_first = window_first.replace(day=1)
    helps = _helps_between(month_first, last)
    in_window = {(h.company_id, _month(h.helped_on)) for h in helps if h.helped_on >= window_first}
    first_of_month: dict[tuple[int, tuple[int, int]], Help] = {}
    for help_ in sorted(helps, key=lambda h: (h.helped_on, h.region_id is None)):
        key = (help_.company_id, _month(help_.helped_on))
        if key in in_window:
            first_of_month.setdefault(key, help_)
    asked = {
        (company_id, _month(helped_on))
        for company_id, helped_on in FollowUpSurvey.objects.filter(
            wave=wave, helped_on__gte=month_first, helped_on__lte=last
        ).values_list("company_id", "helped_on")
    }
    return [help_ for key, help_ in sorted(first_of_month.items()) if key not in asked]


def _region_of_county(company_ids) -> dict[int, int]:
    """The region serving each company's county (for help that names no region)."""
    county_region = {}
    for region_id, county_id in (
        Region.objects.filter(is_active=True).order_by("pk").values_list("pk", "counties")
    ):
        if county_id is not None:
            county_region.setdefault(county_id, region_id)
    return {
        company_id: county_region.get(county_id)
        for company_id, county_id in Company.objects.filter(pk__in=company_ids).values_list(
            "pk", "municipality__county_id"
        )
    }


def _contact_for(company: Company, contact_id: int | None) -> Contact | None:
    """The person who asked (the request's contact), else the company's primary contact, else anyone with
    an email address."""
    contacts = list(company.contacts.all())  # prefetched, primary first
    chosen = next((c for c in contacts if c.pk == contact_id), None)
    return chosen or next((c for c in contacts if c.email and c.anonymised_at is None), None)


def _make_follow_up(help_: Help, wave: int, company: Company, region_id: int) -> bool:
    """Insert the survey and queue its email in one savepoint: True when it was made now."""
    contact = _contact_for(company, help_.contact_id)
    reason = _skip_reason(company, contact)
    with transaction.atomic():
        survey, created = FollowUpSurvey.objects.get_or_create(
            company=company,
            wave=wave,
            helped_on=help_.helped_on,
            defaults={
                "region_id": region_id,
                "contact": contact,
                "status": SurveyStatus.SKIPPED if reason else SurveyStatus.SENT,
                "skip_reason": reason,
                "sent_at": None if reason else timezone.now(),
            },
        )
        if created and not reason:
            language = _language(contact)
            token = links.token_for("follow_up", survey.public_id)
            _send(
                key=f"follow_up:{company.pk}:{wave}:{help_.helped_on.isoformat()}",
                template="follow_up",
                contact=contact,
                language=language,
                context={
                    "company": company,
                    "survey": survey,
                    "region": survey.region,
                    "url": links.absolute_url("effects:follow_up_survey", token, language),
                },
            )
    return created


def sweep_follow_up_surveys(run_date: date | None = None) -> int:
    """Ask the companies helped 6 and 12 months ago (FollowUpSurvey.Wave). Runs under an advisory lock:
    a second sweep at the same time does nothing. Returns how many surveys were made (sent or skipped)."""
    run_date = run_date or timezone.localdate()
    made = 0
    with advisory_lock(FOLLOW_UP_LOCK) as acquired:
        if not acquired:
            return 0
        for wave in FollowUpSurvey.Wave.values:
            due = due_follow_ups(run_date, wave)
            if not due:
                continue
            company_ids = {help_.company_id for help_ in due}
            companies = Company.objects.prefetch_related("contacts").in_bulk(company_ids)
            county_regions = _region_of_county(company_ids)
            for help_ in due:
                region_id = help_.region_id or county_regions.get(help_.company_id)
                if region_id is None:
                    logger.warning("No region for company %s: no follow-up survey.", help_.company_id)
                    continue
                made += _make_follow_up(help_, wave, companies[help_.company_id], region_id)
    return made


FLAG_NAMES = [name for name, _label in INTERNATIONAL_FLAGS]


@transaction.atomic
def answer_follow_up(*, survey: FollowUpSurvey, flags: dict[str, bool], comment: str = "") -> FollowUpSurvey:
    """Record the company's answer and confirm its flags with source "company survey" on the answer's day.
    A second answer changes nothing (AlreadyAnswered)."""
    current = FollowUpSurvey.objects.select_for_update().select_related("company").get(pk=survey.pk)
    if current.status == SurveyStatus.ANSWERED:
        raise AlreadyAnswered
    for name in FLAG_NAMES:
        setattr(current, name, flags.get(name))
    current.comment = comment.strip()
    current.status = SurveyStatus.ANSWERED
    current.answered_at = timezone.now()
    current.save(update_fields=[*FLAG_NAMES, "comment", "status", "answered_at"])
    company = current.company
    if company.merged_into_id is not None:
        company = Company.objects.get(pk=company.merged_into_id)
    confirm_international_flags(
        company=company,
        flags={name: flags.get(name) for name in FLAG_NAMES},
        source=FlagSource.COMPANY_SURVEY,
        on=local_date(current.answered_at),
    )
    return current
