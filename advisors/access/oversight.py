"""What regional staff oversee: the regional goals, the retention job, the audit log."""

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Replace

from .base import Policy, _model, county_ids, policy, region_ids


@policy("privacy.RetentionRun")
class RetentionRunPolicy(Policy):
    """The retention job's log and its dry run: regional staff (the job itself runs for every region)."""

    def view_filter(self, user):
        return Q() if user.is_regional_staff else None

    def can_view(self, user, run):
        return user.is_regional_staff if isinstance(run, type) else super().can_view(user, run)


@policy("dashboards.RegionalGoal")
class RegionalGoalPolicy(Policy):
    """Everyone working in a region sees its goals (the dashboards measure against them); its regional staff
    set them. For "create", ask about `RegionalGoal(region=...)`.
    """

    def view_filter(self, user):
        return Q(region_id__in=region_ids(user))

    def can_view(self, user, goal):
        return isinstance(goal, type) or super().can_view(user, goal)  # the goals page: everyone signed in

    def can_change(self, user, goal):
        if isinstance(goal, type):
            return user.is_regional_staff and bool(region_ids(user))
        return user.is_regional_staff and goal.region_id in region_ids(user)

    can_create = can_change
    can_delete = can_change


def _audit_keys(queryset: QuerySet, field: str) -> QuerySet:
    """The keys by which the audit log names these objects (`audit.models.object_key`): a public id as 32
    hex digits (a UUID's text without hyphens, on PostgreSQL and SQLite alike), anything else as text."""
    key = Cast(field, output_field=CharField())
    if field == "public_id":
        key = Replace(key, Value("-"), Value(""))
    return queryset.annotate(audit_key=key).values("audit_key")


@policy("audit.AuditEntry")
class AuditEntryPolicy(Policy):
    """The audit log is regional staff's to search (superusers see all of it; nobody else any of it).

    Regional staff see the entries of their regions: those whose actor works for a partner serving one of
    their regions, and those about an object of their regions (a company or contact in the regions'
    counties, a request of the regions, a person or partner of the regions), whoever acted. The rule follows
    where people and objects are now. Entries of nobody's region (a failed sign-in with an unknown address,
    the nightly purge) are the superusers'. Entries are never changed or deleted, by anyone.
    "view" and "export" asked about the model: the search page and its CSV.
    """

    def view_filter(self, user):
        if not user.is_regional_staff or not region_ids(user):
            return None
        organisations = _model("advisors.Organisation").objects.filter(regions__in=region_ids(user))
        people = _model("advisors.User").objects.filter(organisation__in=organisations)
        companies = _model("companies.Company").objects.filter(municipality__county_id__in=county_ids(user))
        contacts = _model("companies.Contact").objects.filter(company__in=companies.values("pk"))
        requests = _model("referrals.AdviceRequest").objects.filter(region_id__in=region_ids(user))
        return (
            Q(actor__in=people.values("pk"))
            | Q(object_type="companies.company", object_id__in=_audit_keys(companies, "public_id"))
            | Q(object_type="companies.contact", object_id__in=_audit_keys(contacts, "public_id"))
            | Q(object_type="referrals.advicerequest", object_id__in=_audit_keys(requests, "reference"))
            | Q(object_type="advisors.user", object_id__in=_audit_keys(people, "pk"))
            | Q(object_type="advisors.organisation", object_id__in=_audit_keys(organisations, "pk"))
        )

    def can_view(self, user, entry):
        if isinstance(entry, type):
            return user.is_regional_staff and bool(region_ids(user))
        return super().can_view(user, entry)

    def can_export(self, user, entry):
        return isinstance(entry, type) and self.can_view(user, entry)
