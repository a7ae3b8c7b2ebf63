"""The audit log's search: by person, object (type and id), action, channel and period. The page, its CSV
and `/api/v1/audit/` share it."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors import access
from audit.models import Action, AuditEntry, Channel, normalise_object_id

# The kinds of object the log records reads and changes of, as `record(obj=...)` names them.
OBJECT_TYPES = [
    ("companies.company", _("Company")),
    ("companies.contact", _("Contact person")),
    ("referrals.advicerequest", _("Request")),
    ("advisors.user", _("Person")),
    ("advisors.organisation", _("Partner organisation")),
]

# What the list and the CSV read with each entry: the actor's name, no query per row.
AUDIT_LIST_RELATED = ["actor"]


class PeriodForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        return cleaned


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditEntryFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(
        label=_("Person"),
        method="filter_person",
        max_length=200,
        help_text=_("Name or email address, or part of it."),
    )
    object_type = django_filters.ChoiceFilter(label=_("Object type"), choices=OBJECT_TYPES)
    object_id = django_filters.CharFilter(
        label=_("Object id"),
        method="filter_object_id",
        max_length=64,
        help_text=_("The reference of a request, or the id in the address of a company or contact."),
    )
    action = django_filters.ChoiceFilter(label=_("Action"), choices=Action.choices)
    channel = django_filters.ChoiceFilter(label=_("Through"), choices=Channel.choices)
    since = django_filters.DateFilter(
        label=_("From"), method="filter_since", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("Until"),
        method="filter_until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Inclusive."),
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []
        form = PeriodForm

    def filter_person(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(actor_label__icontains=value)
            | Q(actor__full_name__icontains=value)
            | Q(actor__email__iexact=value)
        )

    def filter_object_id(self, queryset, name, value):
        value = normalise_object_id(value)
        return queryset.filter(object_id=value) if value else queryset

    def filter_since(self, queryset, name, value):
        return queryset.filter(at__gte=_day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(at__lt=_day_start(value + timedelta(days=1)))


def visible_entries(user):
    """The entries this user may search (advisors/access/), newest first, with their actors."""
    return access.visible(user, AuditEntry.objects.select_related(*AUDIT_LIST_RELATED))
