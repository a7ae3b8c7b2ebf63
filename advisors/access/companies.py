"""The company register: companies, their contact persons, and imports."""

from functools import reduce
from operator import or_

from django.db.models import Q

from .base import Policy, _is_lead_or_staff, county_ids, policy, region_ids
from .rules import through


@policy("companies.Company")
class CompanyPolicy(Policy):
    """The register is shared by every advisor of a region: all may see and edit its companies.

    A company belongs to the regions that cover its municipality's county (the first two digits of the
    municipality code, so no query is needed per object).
    """

    def view_filter(self, user):
        return Q(municipality__county_id__in=county_ids(user))

    def combinable_filter(self, user):
        """The same rows on the company's own column, without the join to municipalities (a constraint
        makes a municipality's code begin with its county's): for a name search, whose county's partial
        trigram index (companies migration 0016) PostgreSQL then reads instead of the whole country's."""
        counties = sorted(county_ids(user))
        if not counties:
            return Q(pk__in=[])
        return reduce(or_, (Q(municipality__code__startswith=county) for county in counties))

    def _in_region(self, user, company):
        """The view rule without a query: a municipality code starts with its county's code."""
        return company.municipality_id is not None and company.municipality_id[:2] in county_ids(user)

    def can_view(self, user, company):  # fast path (a query per row otherwise); the property test guards it
        return self._in_region(user, company)

    def can_change(self, user, company):
        return company.merged_into_id is None and self._in_region(user, company)

    def can_create(self, user, company):
        return bool(region_ids(user))

    def can_merge(self, user, company):
        return user.is_regional_staff and self.can_change(user, company)

    def can_import(self, user, company):
        return bool(region_ids(user))

    def can_export(self, user, company):
        return bool(region_ids(user))

    def can_export_personal_data(self, user, company):
        return _is_lead_or_staff(user) and bool(region_ids(user))

    def can_gdpr_export(self, user, company):
        """The GDPR tools on a sole trader: regional staff of the company's region only."""
        return company.is_sole_trader and user.is_regional_staff and self._in_region(user, company)

    can_gdpr_erase = can_gdpr_export

    def can_set_legal_hold(self, user, company):
        return user.is_regional_staff and self._in_region(user, company)

    def can_view_personal_data(self, user, company):
        """A sole trader's personal number: leads, regional staff and the responsible organisation."""
        if not self._in_region(user, company):
            return False
        return _is_lead_or_staff(user) or (
            company.responsible_organisation_id is not None
            and company.responsible_organisation_id == user.organisation_id
        )


@policy("companies.Contact")
class ContactPolicy(Policy):
    """Contacts follow their company."""

    def view_filter(self, user):
        return through("company", CompanyPolicy().view_filter(user))

    def can_view(self, user, contact):  # the company's fast path
        return CompanyPolicy().can_view(user, contact.company)

    def can_change(self, user, contact):
        # An erased person (privacy) stays erased: nobody writes their data back.
        return contact.anonymised_at is None and CompanyPolicy().can_change(user, contact.company)

    def can_create(self, user, contact):
        return CompanyPolicy().can_change(user, contact.company)

    def can_gdpr_export(self, user, contact):
        """The GDPR tools on a contact person: regional staff of the company's region only. Asked about
        the model: may the user open the tools (find a person) at all."""
        if isinstance(contact, type):
            return user.is_regional_staff and bool(region_ids(user))
        return user.is_regional_staff and CompanyPolicy()._in_region(user, contact.company)

    can_gdpr_erase = can_gdpr_export


@policy("companies.CompanyImport")
class CompanyImportPolicy(Policy):
    """An import belongs to the person who uploaded it."""

    def view_filter(self, user):
        return Q(created_by_id=user.pk)

    def can_change(self, user, company_import):
        return self.can_view(user, company_import)
