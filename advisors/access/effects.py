"""Access policies: effects (issue 18): export outcomes."""

from django.db.models import Q

from .base import Policy, policy, region_ids
from .companies import CompanyPolicy
from .rules import through

_RECORDING_ROLES = ("advisor", "organisation_lead", "regional_staff")


def _records_outcomes(user) -> bool:
    """Advisors, leads and regional staff record outcomes; the national role sees aggregates only."""
    return user.role in _RECORDING_ROLES and user.organisation_id is not None


@policy("effects.ExportOutcome")
class ExportOutcomePolicy(Policy):
    """People of the organisations serving an outcome's region see it, and (advisors, leads and regional
    staff) change it. The national role sees none. For "create", ask about `ExportOutcome(company=...)`:
    whoever may change the company records an outcome on it. Nobody "confirms": only the company does,
    through its link (effects.services.outcomes.confirm_by_company)."""

    def view_filter(self, user):
        if user.is_national:
            return None
        return Q(region_id__in=region_ids(user))

    def can_change(self, user, outcome):
        return _records_outcomes(user) and self.can_view(user, outcome)

    def can_create(self, user, outcome):
        if not _records_outcomes(user) or not region_ids(user):
            return False
        if isinstance(outcome, type):
            return True
        return CompanyPolicy().can_change(user, outcome.company)


@policy("effects.OutcomePartner")
class OutcomePartnerPolicy(Policy):
    """A partner's line on an outcome follows the outcome."""

    def view_filter(self, user):
        rule = ExportOutcomePolicy().view_filter(user)
        return None if rule is None else through("outcome", rule)
