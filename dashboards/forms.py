"""The dashboard's period selector and filters, shared by the page, the downloads and the REST API."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors import access
from advisors.models import Organisation, Region
from exportcenter.form_dates import plausible_date
from exportcenter.widget_cache import CachedSelect
from reference.models import County, EmployeeBand, Municipality, SNISection
from referrals.models import NeedCategory

from . import services as goal_services
from .models import RegionalGoal
from .selectors import Filters, Period, Scope, scopes_for

PERIOD_CHOICES = [
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("year", _("Year")),
    ("custom", _("Custom")),
]
SCOPE_CHOICES = [("region", _("The region")), ("organisation", _("My organisation")), ("mine", _("My work"))]
DEFAULT_PERIOD = "year"
MAX_CUSTOM_DAYS = 3 * 366
# Dates up to this many years ahead: later ones are typing errors (exportcenter.form_dates).
YEARS_AHEAD = 5


def period_around(kind: str, day: date) -> Period:
    if kind == "month":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif kind == "quarter":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    else:
        start, end = date(day.year, 1, 1), date(day.year, 12, 31)
    return Period(start, end)


class DashboardQueryForm(forms.Form):
    region = forms.ModelChoiceField(
        Region.objects.none(),
        label=_("Region"),
        required=False,
        empty_label=_("All"),
        to_field_name="slug",
        widget=CachedSelect(key="regions"),
    )
    scope = forms.ChoiceField(label=_("Figures for"), choices=SCOPE_CHOICES, required=False)
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    day = forms.DateField(
        label=_("A day in the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The month, quarter or year around this day. Empty: today."),
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # The reference data's options come from the widget cache (exportcenter/widget_cache.py): the lists
    # narrowed per user in __init__ are cached per narrowing (the key holds the queryset's SQL).
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(),
        label=_("Organisation"),
        required=False,
        empty_label=_("All"),
        to_field_name="slug",
        widget=CachedSelect(key="organisations"),
    )
    county = forms.ModelChoiceField(
        County.objects.none(),
        label=_("County"),
        required=False,
        empty_label=_("All"),
        widget=CachedSelect(key="counties"),
    )
    municipality = forms.ModelChoiceField(
        Municipality.objects.none(),
        label=_("Municipality"),
        required=False,
        empty_label=_("All"),
        widget=CachedSelect(key="municipalities"),
    )
    need = forms.ModelChoiceField(
        NeedCategory.objects.filter(is_active=True),
        label=_("Need"),
        required=False,
        empty_label=_("All"),
        to_field_name="slug",
        widget=CachedSelect(key="needs"),
    )
    sni_section = forms.ModelChoiceField(
        SNISection.objects.all(),
        label=_("Industry (SNI section)"),
        required=False,
        empty_label=_("All"),
        widget=CachedSelect(key="sni-sections"),
    )
    size_band = forms.ChoiceField(
        label=_("Size (employees)"), choices=[("", _("All")), *EmployeeBand.choices], required=False
    )

    def __init__(self, data=None, *args, user, **kwargs):
        if data is not None and not data.get("period"):
            # The form shows what the page shows: no period is the year, or a custom one when dates are given.
            data = data.copy()
            data["period"] = "custom" if data.get("start") or data.get("end") else DEFAULT_PERIOD
        super().__init__(data, *args, **kwargs)
        self.fields["period"].initial = DEFAULT_PERIOD
        self.user = user
        regions = access.visible(user, Region.objects.filter(is_active=True)).order_by("name")
        self.fields["region"].queryset = regions
        region = self._chosen_region()
        if region is not None:
            self.fields["organisation"].queryset = Organisation.objects.filter(regions=region).order_by(
                "name"
            )
            self.fields["county"].queryset = County.objects.filter(regions=region).order_by("code")
            self.fields["municipality"].queryset = Municipality.objects.filter(
                county__regions=region
            ).order_by("name")
            allowed = {self._scope_key(scope) for scope in scopes_for(user, region)}
            self.fields["scope"].choices = [(key, label) for key, label in SCOPE_CHOICES if key in allowed]

    def _chosen_region(self) -> Region | None:
        regions = self.fields["region"].queryset
        slug = self.data.get("region") if self.is_bound else None
        return (regions.filter(slug=slug).first() if slug else None) or regions.first()

    @staticmethod
    def _scope_key(scope: Scope) -> str:
        return "mine" if scope.advisor_id else "organisation" if scope.organisation_id else "region"

    def _clean_date(self, name: str) -> date | None:
        return plausible_date(self.cleaned_data.get(name), years_ahead=YEARS_AHEAD)

    def clean_day(self):
        return self._clean_date("day")

    def clean_start(self):
        return self._clean_date("start")

    def clean_end(self):
        return self._clean_date("end")

    def clean(self):
        data = super().clean()
        kind = data.get("period")
        dates_given = any(self.data.get(name) for name in ("start", "end"))
        if kind and kind != "custom" and dates_given:
            # Never show one period and compute another: From and To only make a custom period.
            self.add_error(
                "period", _("From and To are for a custom period: choose “Custom”, or leave them empty.")
            )
        elif kind == "custom":
            start, end = data.get("start"), data.get("end")
            for name in ("start", "end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("A custom period needs a start and an end."))
            if start and end and end < start:
                self.add_error("end", _("The end must not be before the start."))
            elif start and end and (end - start).days > MAX_CUSTOM_DAYS:
                self.add_error("end", _("A custom period may be at most three years."))
        return data

    # --- What the figures need ------------------------------------------------------------------

    def resolved(self) -> tuple[Scope | None, Period, Filters]:
        """The scope, period and filters of a valid (or unbound) form; None scope: nothing to show."""
        data = self.cleaned_data if self.is_bound else {}
        region = data.get("region") or self._chosen_region()
        scopes = scopes_for(self.user, region) if region else []
        wanted = data.get("scope") or ""
        scope = next((s for s in scopes if self._scope_key(s) == wanted), scopes[0] if scopes else None)
        kind = data.get("period") or DEFAULT_PERIOD
        if kind == "custom":
            period = Period(data["start"], data["end"])
        else:
            period = period_around(kind, data.get("day") or timezone.localdate())
        filters = Filters(
            organisation_id=data["organisation"].pk if data.get("organisation") else None,
            county=data["county"].pk if data.get("county") else None,
            municipality=data["municipality"].pk if data.get("municipality") else None,
            need=data["need"].slug if data.get("need") else None,
            sni_section=data["sni_section"].pk if data.get("sni_section") else None,
            size_band=data.get("size_band") or None,
        )
        return scope, period, filters


class RegionalGoalForm(forms.ModelForm):
    """A regional goal. The rules (a period that ends after it starts, an official figure with its source
    and year, newly international companies counted from 0) are the service's, shown next to each field."""

    OFFICIAL_FIELDS = ("official_baseline", "official_baseline_source", "official_baseline_year")

    class Meta:
        model = RegionalGoal
        fields = [
            "region",
            "year",
            "kind",
            "name",
            "starts_on",
            "ends_on",
            "baseline",
            "target",
            "official_baseline",
            "official_baseline_source",
            "official_baseline_year",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "starts_on": _("Empty: 1 January of the goal's year."),
            "ends_on": _("Empty: 31 December of the goal's year."),
            "official_baseline": _(
                "An official count of another population, for example SCB's or Tillväxtverket's count of "
                "the county's companies doing international business. Shown beside the goal, never part of "
                "its progress."
            ),
            "official_baseline_source": _("For example SCB/Tillväxtverket."),
            "official_baseline_year": _("The year the official figure describes."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = access.visible(user, Region.objects.all())
        self.fields["year"].min_value = 2000
        self.fields["year"].max_value = 2100
        self.fields["year"].widget.attrs.update(min=2000, max=2100)
        self.fields["official_baseline_year"].widget.attrs.update(min=1990, max=2100)

    def main_fields(self):
        return [self[name] for name in self.Meta.fields if name not in self.OFFICIAL_FIELDS]

    def official_fields(self):
        return [self[name] for name in self.OFFICIAL_FIELDS]

    def clean(self):
        data = super().clean()
        data["name"] = (data.get("name") or "").strip()
        return data

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return  # the rules read the whole goal: first each field on its own
        for field, messages in goal_services.goal_errors(self.instance).items():
            self.add_error(field if field in self.fields else None, messages)
