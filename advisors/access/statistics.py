"""Access policies: official regional statistics (issue 19): county figures and their import log.

The figures are SCB's / Tillväxtverket's published statistics, not personal data. People working in a region
see its counties' figures (the regional dashboard's panel, the API); the national role sees every county's.
Importing a file ("import", asked about the `StatisticsImport` model) is for regional staff and the national
role; they see the import log too.
"""

from django.db.models import Q

from .base import Policy, county_ids, policy, region_ids


def may_import_statistics(user) -> bool:
    return user.is_national or (user.is_regional_staff and bool(region_ids(user)))


class _CountyFiguresPolicy(Policy):
    def view_filter(self, user):
        if user.is_national:
            return Q()
        counties = county_ids(user)
        return Q(county_id__in=counties) if counties else None

    def can_view(self, user, figure):
        if isinstance(figure, type):
            return user.is_national or bool(county_ids(user))
        return super().can_view(user, figure)


@policy("reference.CountyPopulation")
class CountyPopulationPolicy(_CountyFiguresPolicy):
    """A county's population: its regions' people, and the national role."""


@policy("reference.CountyExportStatistic")
class CountyExportStatisticPolicy(_CountyFiguresPolicy):
    """A county's official trade figures: its regions' people, and the national role."""


@policy("reference.StatisticsImport")
class StatisticsImportPolicy(Policy):
    """The import log, and the right to import ("import" asked about the model)."""

    def view_filter(self, user):
        return Q() if may_import_statistics(user) else None

    def can_view(self, user, log):
        if isinstance(log, type):
            return may_import_statistics(user)
        return super().can_view(user, log)

    def can_import(self, user, log):
        return isinstance(log, type) and may_import_statistics(user)
