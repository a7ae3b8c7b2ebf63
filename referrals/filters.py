"""Filters of request lists, shared by the inbox and the REST API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from advisors.models import Organisation
from companies.identifiers import looks_like_number
from companies.models import County, Municipality

from .models import AdviceRequest, NeedCategory

MAX_SEARCH_LENGTH = 200


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=MAX_SEARCH_LENGTH,
        help_text=_("Reference, company name or organisation number"),
    )
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=AdviceRequest.Status.choices)
    need = django_filters.ModelChoiceFilter(
        label=_("Need"), queryset=NeedCategory.objects.all(), field_name="needs", to_field_name="slug"
    )
    target_market = django_filters.ChoiceFilter(
        label=_("Target market"), choices=lambda: list(countries), method="filter_target_market"
    )
    county = django_filters.ModelChoiceFilter(
        label=_("County"), queryset=County.objects.all(), field_name="company__municipality__county"
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), queryset=Municipality.objects.all(), field_name="company__municipality"
    )
    owner_organisation = django_filters.ModelChoiceFilter(
        label=_("Owning organisation"), queryset=Organisation.objects.all(), field_name="owner_organisation"
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=AdviceRequest.Channel.choices)
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=AdviceRequest.Priority.choices)

    class Meta:
        model = AdviceRequest
        fields = [
            "q",
            "status",
            "need",
            "target_market",
            "county",
            "municipality",
            "owner_organisation",
            "channel",
        ]

    def filter_search(self, queryset, name, value):
        text = " ".join(value.split())[:MAX_SEARCH_LENGTH]
        if not text:
            return queryset
        query = Q(reference__iexact=text) | Q(company__name__icontains=text)
        if digits := looks_like_number(text):
            query |= Q(company__org_number__startswith=digits) | Q(reference__icontains=digits)
        return queryset.filter(query)

    def filter_target_market(self, queryset, name, value: str):
        # Country codes are two letters joined by commas, so a substring match is exact.
        return queryset.filter(target_markets__contains=value)
