"""The national roll-up: who sees the national figures (issue 18).

National coordinators (Tillväxtverket, Business Sweden's national office; `User.Role.NATIONAL`) see
aggregates only. Their organisation serves no region, so every rule written by region (companies, contacts,
requests, referrals, outcomes, surveys, campaigns, goals…) already shows them nothing; this module adds the
one thing they may see. tests/advisors/test_national_access.py walks every registered policy, every list of
the API and the main pages to prove it.

"View national figures" is `can(user, "view", NationalSnapshot)`, asked about the model (the national pages,
their downloads and `/api/v1/stats/national/`): the national role, and regional staff of a region (the
figures are suppressed aggregates, so a region may compare itself with the others). Advisors and
organisation leads have their own dashboards. A snapshot itself is aggregates only: those who may see the
figures may see every snapshot.
"""

from django.db.models import Q

from .base import Policy, policy, region_ids


def may_view_national_figures(user) -> bool:
    if user.is_national:
        return True
    return user.is_regional_staff and bool(region_ids(user))


@policy("dashboards.NationalSnapshot")
class NationalFiguresPolicy(Policy):
    def view_filter(self, user):
        return Q() if may_view_national_figures(user) else None

    def can_view(self, user, snapshot):
        if isinstance(snapshot, type):
            return may_view_national_figures(user)
        return super().can_view(user, snapshot)

    def can_export(self, user, snapshot):
        return isinstance(snapshot, type) and may_view_national_figures(user)
