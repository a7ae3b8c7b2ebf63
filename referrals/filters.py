"""Filters of request lists, shared by the inbox and the REST API."""

from datetime import datetime, time, timedelta

import django_filters
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Exists, F, Func, OuterRef, Q, TextField, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors import access
from advisors.models import Organisation, User
from companies import selectors as company_selectors
from companies.forms import CountrySelect
from companies.identifiers import looks_like_number
from companies.models import Company
from exportcenter import lookups  # noqa: F401 - registers `in_subquery`
from exportcenter.widget_cache import CachedSelect
from exportcenter.workdays import STOCKHOLM, local_date
from reference.countries import market_choices
from reference.models import County, Municipality

from .models import AdviceRequest, NeedCategory

MAX_SEARCH_LENGTH = 200
# What every select of the filters offers for "no filter" (issue 17: never Django's "---------").
ALL = _("All")


AGE_CHOICES = [
    ("day", _("Under a day")),
    ("week", _("1–7 days")),
    ("month", _("7–30 days")),
    ("older", _("Over 30 days")),
]
AGE_BOUNDS = {"day": (0, 1), "week": (1, 7), "month": (7, 30), "older": (30, None)}

DEADLINE_CHOICES = [
    ("overdue", _("Overdue")),
    ("due_today", _("Due today")),
    ("open", _("Due later")),
    ("responded", _("Responded")),
]

SORT_CHOICES = [("newest", _("Newest first")), ("oldest", _("Oldest first")), ("deadline", _("Deadline"))]
SORT_ORDER = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "deadline": ("first_response_due_at", "pk"),
}


def _start_of_local_day(day):
    return datetime.combine(day, time.min, tzinfo=STOCKHOLM)


def deadline_state_q(state: str, now=None) -> Q:
    """The requests whose deadline badge is `state` (see AdviceRequest.deadline_state), as a filter."""
    now = now or timezone.now()
    if state == "responded":
        return Q(first_response_at__isnull=False)
    pending = Q(first_response_at__isnull=True)
    if state == "overdue":
        return pending & Q(first_response_due_at__lt=now)
    tomorrow = _start_of_local_day(local_date(now) + timedelta(days=1))
    if state == "due_today":
        return pending & Q(first_response_due_at__gte=now, first_response_due_at__lt=tomorrow)
    return pending & Q(first_response_due_at__gte=tomorrow)


def search_requests(queryset, text: str):
    """Reference, company name, organisation number and description.

    PostgreSQL: the company search (full text + pg_trgm) and full text on the description, both on GIN
    indexes. SQLite: every word must occur in the company name or the description.
    """
    text = " ".join((text or "").split())[:MAX_SEARCH_LENGTH]
    if not text:
        return queryset
    # References are written in capitals ("EC-2026-000123"): an exact match on the upper-cased text finds
    # them case-insensitively through the unique index (issue 16: `iexact` has no index, and one
    # condition without an index makes PostgreSQL test every row of the whole OR).
    query = Q(reference=text.upper())
    if digits := looks_like_number(text):
        query |= Q(company__org_number__startswith=digits) | Q(reference__endswith=digits)
        return queryset.filter(query)
    if settings.USING_POSTGRES:
        companies = company_selectors.search(Company.objects.all(), text).order_by().values("pk")
        document = SearchVector("description", config="simple")
        return queryset.alias(document=document).filter(
            query
            | Q(company__in_subquery=companies)
            | Q(document=SearchQuery(text, config="simple", search_type="websearch"))
        )
    words = Q()
    for word in text.split():
        words &= Q(company__name__icontains=word) | Q(description__icontains=word)
    return queryset.filter(query | words)


def _choice_words(field) -> dict[str, str]:
    """A choice field's values in words, option groups flattened (model choices: none, they are objects)."""
    if hasattr(field, "queryset") or not hasattr(field, "choices"):
        return {}
    words = {}
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):
            words.update({str(inner): str(text) for inner, text in label})
        else:
            words[str(value)] = str(label)
    return words


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=MAX_SEARCH_LENGTH,
        help_text=_("Reference, company name, organisation number or words from the description"),
    )
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=AdviceRequest.Status.choices)
    # The reference data's <option>s come from the cache (exportcenter/widget_cache.py): no query per page.
    need = django_filters.ModelChoiceFilter(
        label=_("Need"),
        queryset=NeedCategory.objects.all(),
        to_field_name="slug",
        method="filter_need",
        widget=CachedSelect(key="need-categories"),
        empty_label=ALL,
    )
    target_market = django_filters.ChoiceFilter(
        label=_("Target market"),
        choices=market_choices,
        method="filter_target_market",
        widget=CountrySelect(key="referrals.inbox.target-market"),
        empty_label=ALL,
    )
    county = django_filters.ModelChoiceFilter(
        label=_("County"),
        queryset=County.objects.all(),
        field_name="company__municipality__county",
        widget=CachedSelect(key="counties"),
        empty_label=ALL,
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        field_name="company__municipality",
        widget=CachedSelect(key="municipalities"),
        empty_label=ALL,
    )
    owner_organisation = django_filters.ModelChoiceFilter(
        label=_("Owning organisation"),
        queryset=Organisation.objects.all(),
        field_name="owner_organisation",
        widget=CachedSelect(key="organisations"),  # per user: the cache key holds the queryset's SQL
        empty_label=ALL,
    )
    owner_advisor = django_filters.ModelChoiceFilter(
        label=_("Advisor"),
        queryset=User.objects.filter(is_active=True),
        field_name="owner_advisor",
        empty_label=ALL,
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=AdviceRequest.Channel.choices, empty_label=ALL
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=AdviceRequest.Priority.choices, empty_label=ALL
    )
    age = django_filters.ChoiceFilter(
        label=_("Age"), choices=AGE_CHOICES, method="filter_age", empty_label=ALL
    )
    deadline_state = django_filters.ChoiceFilter(
        label=_("Deadline"), choices=DEADLINE_CHOICES, method="filter_deadline_state", empty_label=ALL
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )

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
            "owner_advisor",
            "channel",
            "priority",
            "age",
            "deadline_state",
            "sort",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            # Only the organisations and people the user works with are offered (and accepted).
            organisations = Organisation.objects.active()
            if not user.is_superuser:
                organisations = organisations.filter(regions__in=access.region_ids(user)).distinct()
            self.filters["owner_organisation"].queryset = organisations
            # A person is shown by name (str(user)): only what that reads. People share names: a stable order.
            self.filters["owner_advisor"].queryset = (
                access.visible(user, User.objects.filter(is_active=True))
                .only("full_name", "email")
                .order_by("full_name", "pk")
            )

    def active(self) -> list[tuple[str, str, str]]:
        """The filters in use, for the inbox's chips: (parameter, value as sent, "Label: value in words"),
        one per value of a multiple choice. Only valid values: an invalid filter shows its error instead.
        Reads nothing: model choices are the objects the form has validated."""
        if not self.is_bound or not self.is_valid():
            return []
        chips = []
        for name, field in self.form.fields.items():
            value = self.form.cleaned_data.get(name)
            if name == "sort" or value in (None, "", []):
                continue
            raw = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
            words = _choice_words(field)
            if isinstance(value, list):
                chips += [(name, item, f"{field.label}: {words.get(item, item)}") for item in value]
            elif hasattr(field, "queryset"):
                chips.append((name, raw[0], f"{field.label}: {value}"))
            else:
                chips.append((name, raw[0], f"{field.label}: {words.get(value, value)}"))
        return chips

    def filter_search(self, queryset, name, value):
        return search_requests(queryset, value)

    def filter_need(self, queryset, name, value: NeedCategory):
        """A subquery, not a join: one row per request without a DISTINCT over the list's wide rows."""
        through = AdviceRequest.needs.through.objects.filter(
            advicerequest_id=OuterRef("pk"), needcategory=value
        )
        return queryset.filter(Exists(through))

    def filter_target_market(self, queryset, name, value: str):
        if settings.USING_POSTGRES:  # the array form has a GIN index (migration 0005)
            markets = Func(
                F("target_markets"),
                Value(","),
                function="string_to_array",
                output_field=ArrayField(TextField()),
            )
            return queryset.alias(markets=markets).filter(markets__contains=[value])
        # Country codes are two letters joined by commas, so a substring match is exact.
        return queryset.filter(target_markets__contains=value)

    def filter_age(self, queryset, name, value):
        min_days, max_days = AGE_BOUNDS[value]
        now = timezone.now()
        queryset = queryset.filter(created_at__lte=now - timedelta(days=min_days))
        if max_days is not None:
            queryset = queryset.filter(created_at__gt=now - timedelta(days=max_days))
        return queryset

    def filter_deadline_state(self, queryset, name, value):
        return queryset.filter(deadline_state_q(value))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDER.get(value, SORT_ORDER["newest"]))
