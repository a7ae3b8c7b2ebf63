"""The outreach API's list filters."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from exportcenter.bad_input import whole_number

from ..models import Activity, Campaign, FollowUp


class CampaignFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__slug", label=_("Region"), help_text=_("A slug."))
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", label=_("Owning organisation"), help_text=_("A slug.")
    )
    running_on = django_filters.DateFilter(
        method="filter_running_on",
        label=_("Running on"),
        help_text=_("Campaigns whose period includes this day."),
    )

    class Meta:
        model = Campaign
        fields = ["region", "organisation", "running_on"]

    def filter_running_on(self, queryset, name, value):
        return queryset.running_on(value)


class ActivityFilter(django_filters.FilterSet):
    company = django_filters.UUIDFilter(field_name="company__public_id", label=_("Company"))
    campaign = django_filters.UUIDFilter(
        field_name="campaign_member__campaign__public_id", label=_("Campaign")
    )
    request = django_filters.UUIDFilter(field_name="request__public_id", label=_("Request"))
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices, label=_("Kind"))
    date_from = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Activity
        fields = ["company", "campaign", "request", "kind", "date_from", "date_to"]


class FollowUpFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FollowUp.Status.choices, label=_("Status"))
    owner = django_filters.CharFilter(
        method="filter_owner", label=_("Owner"), help_text=_("A user id, or “me”.")
    )
    company = django_filters.UUIDFilter(field_name="company__public_id", label=_("Company"))
    request = django_filters.UUIDFilter(field_name="request__public_id", label=_("Request"))
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("Due from"))
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("Due to"))

    class Meta:
        model = FollowUp
        fields = ["status", "owner", "company", "request", "due_from", "due_to"]

    def filter_owner(self, queryset, name, value):
        if value == "me":
            return queryset.filter(owner=self.request.user)
        if not whole_number(value):
            raise exceptions.ValidationError({"owner": [_("Give a user id, or “me”.")]})
        return queryset.filter(owner_id=int(value))
