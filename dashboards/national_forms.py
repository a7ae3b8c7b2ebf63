"""The national roll-up's period and filters: the dashboard's (dashboards/forms.py), across every region."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors.models import Region
from reference.models import County

from .forms import DEFAULT_PERIOD, DashboardQueryForm, period_around
from .national import NationalQuery
from .selectors import Filters, Period

# The dashboard's filters that make sense across regions; an organisation or a municipality is one region's.
FIELDS = ["region", "period", "day", "start", "end", "county", "need", "sni_section", "size_band"]


class NationalQueryForm(DashboardQueryForm):
    def __init__(self, data=None, *args, user=None, **kwargs):
        if data is not None and not data.get("period"):
            data = data.copy()
            data["period"] = "custom" if data.get("start") or data.get("end") else DEFAULT_PERIOD
        forms.Form.__init__(self, data, *args, **kwargs)
        self.user = user
        for name in list(self.fields):
            if name not in FIELDS:
                del self.fields[name]
        self.fields["period"].initial = DEFAULT_PERIOD
        self.fields["region"].queryset = Region.objects.filter(is_active=True).order_by("name")
        self.fields["region"].empty_label = _("All regions")
        self.fields["region"].help_text = _("Empty: every region side by side.")
        self.fields["county"].queryset = County.objects.order_by("code")

    def query(self) -> NationalQuery:
        """The query of a valid (or unbound) form."""
        data = self.cleaned_data if self.is_bound else {}
        kind = data.get("period") or DEFAULT_PERIOD
        if kind == "custom":
            period = Period(data["start"], data["end"])
        else:
            period = period_around(kind, data.get("day") or timezone.localdate())
        filters = Filters(
            county=data["county"].pk if data.get("county") else None,
            need=data["need"].slug if data.get("need") else None,
            sni_section=data["sni_section"].pk if data.get("sni_section") else None,
            size_band=data.get("size_band") or None,
        )
        region = data.get("region")
        return NationalQuery(period, filters, region.pk if region else None)
