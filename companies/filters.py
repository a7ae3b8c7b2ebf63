"""The company list's filters, shared by the advisor page, the exports and the REST API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from advisors.models import Organisation
from exportcenter.widget_cache import CachedSelect
from reference.countries import market_choices
from reference.models import County, EmployeeBand, Municipality, SNISection

from . import selectors
from .forms import CountrySelect
from .models import Company, ExportExperience

SORT_CHOICES = [
    ("name", _("Name (A–Ö)")),
    ("-name", _("Name (Ö–A)")),
    ("-updated", _("Recently updated")),
    ("-created", _("Newest first")),
    ("created", _("Oldest first")),
]
SORT_ORDER = {
    "name": ["name", "pk"],
    "-name": ["-name", "-pk"],
    "-updated": ["-updated_at", "-pk"],
    "-created": ["-created_at", "-pk"],
    "created": ["created_at", "pk"],
}


class CompanyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=selectors.MAX_SEARCH_LENGTH,
        help_text=_("Name or organisation number"),
    )
    # The reference data's <option>s come from the cache (exportcenter/widget_cache.py).
    county = django_filters.ModelChoiceFilter(
        label=_("County"),
        queryset=County.objects.all(),
        field_name="municipality__county",
        widget=CachedSelect(key="counties"),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        widget=CachedSelect(key="municipalities"),
    )
    sni_section = django_filters.ModelChoiceFilter(
        label=_("Industry (SNI section)"),
        queryset=SNISection.objects.all(),
        field_name="sni_code__section",
        widget=CachedSelect(key="sni-sections"),
    )
    employee_band = django_filters.ChoiceFilter(label=_("Employees"), choices=EmployeeBand.choices)
    employee_bands = django_filters.MultipleChoiceFilter(
        label=_("Employees (one or more bands)"),
        choices=EmployeeBand.choices,
        field_name="employee_band",
        help_text=_("For a range such as 10–49 employees, choose 10–19 and 20–49."),
        widget=forms.CheckboxSelectMultiple,
    )
    export_experience = django_filters.ChoiceFilter(
        label=_("Export experience"), choices=ExportExperience.choices
    )
    target_market = django_filters.ChoiceFilter(
        label=_("Target market"),
        choices=market_choices,
        method="filter_target_market",
        widget=CountrySelect(key="companies.list.target-market"),
    )
    responsible_organisation = django_filters.ModelChoiceFilter(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.active(),
        widget=CachedSelect(key="organisations"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort", empty_label=_("Best match / name")
    )

    class Meta:
        model = Company
        fields = ["q", "county", "municipality", "sni_section", "employee_band", "export_experience", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["county", "municipality", "sni_section", "employee_band", "export_experience"]:
            self.filters[name].extra["empty_label"] = _("All")

    def filter_search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDER[value])

    def filter_target_market(self, queryset, name, value):
        # Country codes are two letters joined by commas, so a substring match is exact.
        return queryset.filter(target_markets__contains=value)
