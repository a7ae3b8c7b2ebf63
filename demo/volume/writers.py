"""The columns and COPY writers of a request and everything hanging off it."""

from companies.models import Company
from notifications.models import Notification, OutboundEmail
from referrals.models import AdviceRequest, CoHandling, Referral, RequestEvent

from .copying import Copier, _copier

REQUEST_COLUMNS = [
    "id",
    "public_id",
    "reference",
    "year",
    "number",
    "status",
    "channel",
    "region_id",
    "company_id",
    "contact_id",
    "target_markets",
    "description",
    "sells",
    "language",
    "preferred_contact_method",
    "submitted",
    "owner_organisation_id",
    "owner_advisor_id",
    "owner_since",
    "priority",
    "outcome",
    "outcome_comment",
    "duplicate_of_id",
    "first_response_due_at",
    "first_response_at",
    "deadline_missed_at",
    "closed_at",
    "idempotency_key",
    "legal_hold",
    "anonymised_at",
    "version",
    "created_at",
    "updated_at",
]
EVENT_COLUMNS = [
    "request_id",
    "kind",
    "actor_id",
    "body",
    "visibility",
    "organisation_id",
    "data",
    "referral_id",
    "created_at",
]
REFERRAL_COLUMNS = [
    "id",
    "public_id",
    "request_id",
    "from_organisation_id",
    "to_organisation_id",
    "created_by_id",
    "scope",
    "note",
    "consent_confirmed",
    "consent_method",
    "consent_details",
    "status",
    "due_at",
    "answered_at",
    "answered_by_id",
    "advisor_id",
    "decline_reason",
    "version",
    "created_at",
    "updated_at",
]


def _profiles(company_ids: list[int]) -> dict[int, dict]:
    """The company profile the intake keeps on a web request (`Submission.company_profile`), by company id."""
    profiles = {}
    for company in Company.objects.filter(pk__in=set(company_ids)).values(
        "pk",
        "org_number",
        "name",
        "municipality_id",
        "website",
        "employee_band",
        "export_experience",
        "export_countries",
    ):
        profiles[company["pk"]] = {
            "org_number": company["org_number"],
            "name": company["name"],
            "municipality": company["municipality_id"],
            "website": company["website"],
            "employee_band": company["employee_band"],
            "export_experience": company["export_experience"],
            "export_countries": sorted(str(code) for code in company["export_countries"]),
        }
    return profiles


class _Writers:
    def __init__(self):
        self.requests = _copier(AdviceRequest, REQUEST_COLUMNS)
        self.needs = Copier(
            AdviceRequest.needs.through._meta.db_table, ["advicerequest_id", "needcategory_id"]
        )
        self.events = _copier(RequestEvent, EVENT_COLUMNS)
        self.referrals = _copier(Referral, REFERRAL_COLUMNS)
        self.referral_needs = Copier(
            Referral.needs.through._meta.db_table, ["referral_id", "needcategory_id"]
        )
        self.co_handling = _copier(
            CoHandling, ["request_id", "organisation_id", "need_id", "referral_id", "created_at"]
        )
        self.notifications = _copier(
            Notification, ["recipient_id", "kind", "params", "key", "read_at", "created_at"]
        )
        self.outbox = _copier(
            OutboundEmail,
            [
                "key",
                '"to"',
                "subject",
                "body_text",
                "body_html",
                "status",
                "attempts",
                "last_error",
                "created_at",
                "next_attempt_at",
                "sent_at",
            ],
        )

    def flush(self):
        for copier in vars(self).values():
            copier.flush()
