"""What the apps below `privacy` hold about one person, and how it is anonymised.

Registered with `exportcenter.personal_data` when the app is ready (one part per section). The rule is the
same everywhere: the facts that statistics count stay (rows, dates, kinds, statuses, needs, markets,
outcomes, municipalities, size classes); what identifies the person goes (names, email addresses, phone
numbers, personal identity numbers, websites of sole traders) and so does free text (descriptions,
messages, notes, handover notes), which may quote them. Every function runs in the caller's transaction,
returns how many rows it changed, and changes nothing the second time.
"""

import re
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import INTERNATIONAL_FLAGS, Company, CompanyEvent, Contact
from effects.models import ExportOutcome, FollowUpSurvey, SatisfactionSurvey
from exportcenter.personal_data import Part, Row, Subject, iso, register
from notifications.models import OutboundEmail
from outreach.models import Activity, CampaignMember, FollowUp
from referrals import status_links
from referrals.models import AdviceRequest, Referral, RequestEvent

from . import attachment_parts, mail_parts, project_parts
from .labels import anonymised_label

# --- Helpers -----------------------------------------------------------------------------------------


def _countries(value) -> list[str]:
    return [country.code for country in value or []]


def scrub(value: Any, identifiers: frozenset[str]) -> Any:
    """`value` (text or JSON) with every identifier replaced by the placeholder, case-insensitively."""
    if not identifiers:
        return value
    if isinstance(value, str):
        pattern = "|".join(re.escape(item) for item in sorted(identifiers, key=len, reverse=True) if item)
        return re.sub(pattern, anonymised_label("text"), value, flags=re.IGNORECASE) if pattern else value
    if isinstance(value, dict):
        return {key: scrub(item, identifiers) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, identifiers) for item in value]
    return value


def _companies_of(subject: Subject) -> set[int]:
    return set(subject.company_ids) | set(
        Contact.objects.filter(pk__in=subject.contact_ids).values_list("company_id", flat=True)
    )


# --- companies: the person's contact records, a sole trader's company, the company timeline ------------


def collect_contacts(subject: Subject) -> list[Row]:
    contacts = Contact.objects.filter(Q(pk__in=subject.contact_ids) | Q(company_id__in=subject.company_ids))
    return [
        {
            "id": str(contact.public_id),
            "company": contact.company.name,
            "name": contact.name,
            "title": contact.title,
            "email": contact.email,
            "phone": contact.phone,
            "preferred_language": contact.preferred_language,
            "is_primary": contact.is_primary,
            "legal_basis": contact.legal_basis,
            "source": contact.source,
            "consent_given_on": iso(contact.consent_given_on),
            "created_at": iso(contact.created_at),
            "updated_at": iso(contact.updated_at),
            "anonymised_at": iso(contact.anonymised_at),
        }
        for contact in contacts.select_related("company").order_by("pk")
    ]


def erase_contacts(subject: Subject) -> int:
    now = timezone.now()
    return (
        Contact.objects.filter(Q(pk__in=subject.contact_ids) | Q(company_id__in=subject.company_ids))
        .filter(anonymised_at__isnull=True)
        .update(name=anonymised_label(), title="", email="", phone="", anonymised_at=now, updated_at=now)
    )


def collect_sole_trader(subject: Subject) -> list[Row]:
    return [
        {
            "id": str(company.public_id),
            "name": company.name,
            "personal_identity_number": company.org_number_display,
            "legal_form": company.legal_form,
            "municipality": company.municipality_id,
            "website": company.website,
            "employee_band": company.employee_band,
            "export_experience": company.export_experience,
            "export_countries": _countries(company.export_countries),
            "target_markets": _countries(company.target_markets),
            "created_at": iso(company.created_at),
            "updated_at": iso(company.updated_at),
            "legal_hold": company.legal_hold,
            "anonymised_at": iso(company.anonymised_at),
        }
        for company in Company.objects.filter(pk__in=subject.company_ids).order_by("pk")
    ]


def erase_sole_trader(subject: Subject) -> int:
    # The version moves on, so that an edit form or API client holding the old one gets "changed meanwhile".
    return Company.objects.filter(pk__in=subject.company_ids, anonymised_at__isnull=True).update(
        name=anonymised_label("sole_trader"),
        org_number=None,
        website="",
        anonymised_at=timezone.now(),
        updated_at=timezone.now(),
        version=F("version") + 1,
    )


def collect_company_events(subject: Subject) -> list[Row]:
    events = CompanyEvent.objects.filter(company_id__in=_companies_of(subject)).select_related("company")
    rows = []
    for event in events.order_by("created_at", "pk"):
        text = f"{event.summary} {event.data}".lower()
        # A sole trader's whole timeline is about them; a contact's, the entries that name them.
        if event.company_id in subject.company_ids or any(i.lower() in text for i in subject.identifiers):
            rows.append(
                {
                    "company": event.company.name,
                    "kind": event.kind,
                    "summary": event.summary,
                    "details": event.data,
                    "created_at": iso(event.created_at),
                }
            )
    return rows


def erase_company_events(subject: Subject) -> int:
    changed = 0
    for event in CompanyEvent.objects.filter(company_id__in=_companies_of(subject)):
        summary, data = scrub(event.summary, subject.identifiers), scrub(event.data, subject.identifiers)
        if summary != event.summary or data != event.data:
            CompanyEvent.objects.filter(pk=event.pk).update(summary=summary[:500], data=data)
            changed += 1
    return changed


# --- referrals: requests, their timeline, referrals, the status page ---------------------------------


def _requests(subject: Subject):
    return AdviceRequest.objects.filter(pk__in=subject.request_ids)


def collect_requests(subject: Subject) -> list[Row]:
    requests = _requests(subject).prefetch_related("needs").order_by("created_at", "pk")
    return [
        {
            "reference": request.reference,
            "status": request.status,
            "channel": request.channel,
            "received": iso(request.created_at),
            "closed": iso(request.closed_at),
            "needs": [need.slug for need in request.needs.all()],
            "target_markets": _countries(request.target_markets),
            "description": request.description,
            "sells": request.sells,
            "language": request.language,
            "preferred_contact_method": request.preferred_contact_method,
            "as_submitted": request.submitted,
            "outcome": request.outcome,
            "closing_comment": request.outcome_comment,
            "legal_hold": request.legal_hold,
            "anonymised_at": iso(request.anonymised_at),
        }
        for request in requests
    ]


def collect_timeline(subject: Subject) -> list[Row]:
    events = RequestEvent.objects.filter(request_id__in=subject.request_ids).select_related(
        "request", "organisation"
    )
    return [
        {
            "request": event.request.reference,
            "kind": event.kind,
            "text": event.body,
            "organisation": event.organisation.name if event.organisation else "",
            "details": event.data,
            "time": iso(event.created_at),
        }
        for event in events.order_by("created_at", "pk")
    ]


def collect_referrals(subject: Subject) -> list[Row]:
    referrals = Referral.objects.filter(request_id__in=subject.request_ids).select_related(
        "request", "from_organisation", "to_organisation"
    )
    return [
        {
            "request": referral.request.reference,
            "from": referral.from_organisation.name,
            "to": referral.to_organisation.name,
            "status": referral.status,
            "handover_note": referral.note,
            "consent_method": referral.consent_method,
            "consent_details": referral.consent_details,
            "reason_for_declining": referral.decline_reason,
            "sent": iso(referral.created_at),
            "answered": iso(referral.answered_at),
        }
        for referral in referrals.order_by("created_at", "pk")
    ]


def collect_status_page(subject: Subject) -> list[Row]:
    """What the person's private status page shows them (the link itself is a key: it is not exported)."""
    requests = _requests(subject).select_related("owner_organisation").order_by("created_at", "pk")
    return [
        {
            "request": request.reference,
            "status": request.status,
            "handled_by": request.owner_organisation.name if request.owner_organisation else "",
            "link_works": not status_links.link_expired(request),
            "updated": iso(request.updated_at),
        }
        for request in requests
    ]


def clear_request_text(request_ids, identifiers: frozenset[str] = frozenset()) -> int:
    """Remove the free text of these requests (and of their timeline and referrals); count the requests.

    Needs, markets, dates, statuses and outcomes stay; so do the timeline's entries, without their text.
    """
    now = timezone.now()
    requests = list(AdviceRequest.objects.filter(pk__in=request_ids, anonymised_at__isnull=True))
    for request in requests:
        submitted = {
            key: value
            for key, value in request.submitted.items()
            if key not in {"name", "org_number", "website"}
        }
        AdviceRequest.objects.filter(pk=request.pk).update(
            description="",
            outcome_comment="",
            submitted=scrub(submitted, identifiers),
            anonymised_at=now,
            updated_at=now,
            version=F("version") + 1,
        )
    RequestEvent.objects.filter(request_id__in=request_ids).exclude(body="").update(body="")
    for event in RequestEvent.objects.filter(request_id__in=request_ids).exclude(data={}):
        data = scrub(event.data, identifiers)
        if data != event.data:
            RequestEvent.objects.filter(pk=event.pk).update(data=data)
    referrals = Referral.objects.filter(request_id__in=request_ids)
    referrals.exclude(note="", consent_details="").update(note="", consent_details="")
    # A declined referral keeps a reason (a database check): the placeholder, not the text.
    referrals.filter(status=Referral.Status.DECLINED).exclude(decline_reason=anonymised_label("text")).update(
        decline_reason=anonymised_label("text")
    )
    referrals.exclude(status=Referral.Status.DECLINED).exclude(decline_reason="").update(decline_reason="")
    return len(requests)


def erase_requests(subject: Subject) -> int:
    return clear_request_text(subject.request_ids, subject.identifiers)


# --- outreach: activities the person took part in, follow-ups about them ------------------------------


def _activities(subject: Subject):
    return Activity.objects.filter(
        Q(contacts__in=subject.contact_ids) | Q(company_id__in=subject.company_ids)
    ).distinct()


def collect_activities(subject: Subject) -> list[Row]:
    activities = (
        _activities(subject)
        .select_related("company", "campaign_member__campaign", "request")
        .order_by("occurred_on", "pk")
    )
    return [
        {
            "id": str(activity.public_id),
            "kind": activity.kind,
            "date": iso(activity.occurred_on),
            "company": activity.company.name,
            "campaign": activity.campaign_member.campaign.name if activity.campaign_member else "",
            "request": activity.request.reference if activity.request else "",
            "notes": activity.notes,
            "outcome": activity.outcome,
        }
        for activity in activities
    ]


def erase_activities(subject: Subject) -> int:
    ids = list(_activities(subject).values_list("pk", flat=True))
    return (
        Activity.objects.filter(pk__in=ids)
        .exclude(notes="", outcome="")
        .update(notes="", outcome="", updated_at=timezone.now())
    )


def _follow_ups(subject: Subject):
    activity_ids = _activities(subject).values("pk")
    return FollowUp.objects.filter(
        Q(request_id__in=subject.request_ids)
        | Q(activity_id__in=activity_ids)
        | Q(company_id__in=subject.company_ids)
    )


def collect_follow_ups(subject: Subject) -> list[Row]:
    follow_ups = _follow_ups(subject).select_related("company").order_by("due_on", "pk")
    return [
        {
            "id": str(follow_up.public_id),
            "company": follow_up.company.name,
            "what_to_do": follow_up.description,
            "due": iso(follow_up.due_on),
            "status": follow_up.status,
        }
        for follow_up in follow_ups
    ]


def erase_follow_ups(subject: Subject) -> int:
    placeholder = anonymised_label("text")
    return (
        _follow_ups(subject)
        .exclude(description=placeholder)
        .update(description=placeholder, version=F("version") + 1, updated_at=timezone.now())
    )


def collect_campaigns(subject: Subject) -> list[Row]:
    members = CampaignMember.objects.filter(company_id__in=subject.company_ids).select_related("campaign")
    return [
        {"campaign": member.campaign.name, "status": member.status, "added": iso(member.added_at)}
        for member in members.order_by("added_at", "pk")
    ]


# --- effects: export outcomes the person was asked to confirm, and their survey answers -----------------


def _outcomes(subject: Subject):
    return ExportOutcome.objects.filter(
        Q(contact_id__in=subject.contact_ids) | Q(company_id__in=subject.company_ids)
    )


def collect_outcomes(subject: Subject) -> list[Row]:
    outcomes = _outcomes(subject).select_related("company").order_by("achieved_on", "pk")
    return [
        {
            "id": str(outcome.public_id),
            "company": outcome.company.name,
            "market": outcome.market.code,
            "kind": outcome.kind,
            "value_band": outcome.value_band,
            "date": iso(outcome.achieved_on),
            "description": outcome.description,
            "status": outcome.status,
            "answered_at": iso(outcome.answered_at),
            "support_meaning": outcome.support_meaning,
            "without_support": outcome.without_support,
            "case_study_allowed": outcome.case_study_allowed,
            "comment": outcome.company_comment,
        }
        for outcome in outcomes
    ]


def erase_outcomes(subject: Subject) -> int:
    # The facts that figures count stay (market, kind, value band, the answers); free text goes.
    return (
        _outcomes(subject)
        .exclude(description="", company_comment="")
        .update(description="", company_comment="", updated_at=timezone.now())
    )


def _surveys(model, subject: Subject):
    about_company = "request__company_id__in" if model is SatisfactionSurvey else "company_id__in"
    return model.objects.filter(
        Q(contact_id__in=subject.contact_ids) | Q(**{about_company: subject.company_ids})
    )


def collect_survey_answers(subject: Subject) -> list[Row]:
    rows: list[Row] = []
    for survey in _surveys(SatisfactionSurvey, subject).select_related("request").order_by("pk"):
        rows.append(
            {
                "survey": "satisfaction",
                "request": survey.request.reference,
                "status": survey.status,
                "sent_at": iso(survey.sent_at),
                "answered_at": iso(survey.answered_at),
                "satisfaction": survey.satisfaction,
                "right_partner_in_one_day": survey.right_partner_in_one_day,
                "handover_clear": survey.handover_clear,
                "comment": survey.comment,
            }
        )
    for survey in _surveys(FollowUpSurvey, subject).order_by("pk"):
        rows.append(
            {
                "survey": f"follow_up_{survey.wave}_months",
                "status": survey.status,
                "sent_at": iso(survey.sent_at),
                "answered_at": iso(survey.answered_at),
                **{name: getattr(survey, name) for name, _label in INTERNATIONAL_FLAGS},
                "comment": survey.comment,
            }
        )
    return rows


def erase_survey_answers(subject: Subject) -> int:
    return sum(
        _surveys(model, subject).exclude(comment="").update(comment="")
        for model in (SatisfactionSurvey, FollowUpSurvey)
    )


# --- notifications: the email sent to the person --------------------------------------------------------


def _emails(subject: Subject):
    if not subject.emails:
        return OutboundEmail.objects.none()
    query = Q()
    for email in subject.emails:
        query |= Q(to__iexact=email)
    return OutboundEmail.objects.filter(query)


def collect_emails(subject: Subject) -> list[Row]:
    return [
        {
            "to": email.to,
            "subject": email.subject,
            "text": email.body_text,
            "status": email.status,
            "created_at": iso(email.created_at),
            "sent_at": iso(email.sent_at),
        }
        for email in _emails(subject).order_by("created_at", "pk")
    ]


def erase_emails(subject: Subject) -> int:
    emails = _emails(subject)
    # One still waiting is never sent now: it has no address any more.
    emails.filter(status=OutboundEmail.Status.PENDING).update(
        status=OutboundEmail.Status.FAILED, last_error="anonymised"
    )
    return emails.update(to="", subject="", body_text="", body_html="")


def register_parts() -> None:
    for part in [
        Part("sole_trader", _("Sole trader"), collect_sole_trader, erase_sole_trader, order=10),
        Part("contacts", _("Contact records"), collect_contacts, erase_contacts, order=20),
        Part("company_timeline", _("Company timeline"), collect_company_events, erase_company_events, 25),
        Part("requests", _("Requests"), collect_requests, erase_requests, order=30),
        Part("timeline", _("Messages and timeline entries"), collect_timeline, None, order=40),
        Part("referrals", _("Referrals between partners"), collect_referrals, None, order=45),
        Part("status_page", _("Status page"), collect_status_page, None, order=50),
        Part("activities", _("Activities"), collect_activities, erase_activities, order=60),
        Part("follow_ups", _("Follow-ups"), collect_follow_ups, erase_follow_ups, order=65),
        Part("campaigns", _("Campaigns"), collect_campaigns, None, order=70),
        Part("export_outcomes", _("Export outcomes"), collect_outcomes, erase_outcomes, order=75),
        Part(
            "projects",
            _("EU-funded projects"),
            project_parts.collect_projects,
            project_parts.erase_projects,
            76,
        ),
        Part("de_minimis_aid", _("De minimis aid"), project_parts.collect_aid, None, order=77),
        Part("emails", _("Email sent to the person"), collect_emails, erase_emails, order=80),
        Part(
            "inbound_emails",
            _("Email from the person"),
            mail_parts.collect_inbound_messages,
            mail_parts.erase_inbound_messages,
            81,
        ),
        Part(
            "attachments",
            _("Attachments"),
            attachment_parts.collect_attachments,
            attachment_parts.erase_attachments,
            82,
        ),
        Part("survey_answers", _("Survey answers"), collect_survey_answers, erase_survey_answers, order=910),
    ]:
        register(part)
