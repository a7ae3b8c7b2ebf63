"""The indicators' period: `?from=&to=` on the page, its downloads, the print view and the API."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from exportcenter.form_dates import plausible_date

from ..selectors.indicators import Period, project_period

# Dates up to this many years ahead: later ones are typing errors (exportcenter.form_dates).
YEARS_AHEAD = 10


class IndicatorPeriodForm(forms.Form):
    """From and to (both included); either left empty is the project's own start or end."""

    def __init__(self, data=None, *, project, **kwargs):
        super().__init__(data, **kwargs)
        self.project = project
        date_input = {"type": "date"}
        # "from" is a Python keyword, so the fields are added here rather than declared.
        self.fields["from"] = forms.DateField(
            label=_("From"),
            required=False,
            widget=forms.DateInput(attrs=date_input, format="%Y-%m-%d"),
            help_text=_("Empty: the project's start."),
        )
        self.fields["to"] = forms.DateField(
            label=_("To"),
            required=False,
            widget=forms.DateInput(attrs=date_input, format="%Y-%m-%d"),
            help_text=_("Empty: the project's end. The last day is included."),
        )
        if not self.is_bound:
            self.initial = {"from": project.starts_on, "to": project.ends_on}

    def _clean_date(self, name: str) -> datetime.date | None:
        return plausible_date(self.cleaned_data.get(name), years_ahead=YEARS_AHEAD)

    def clean_from(self):
        return self._clean_date("from")

    def clean_to(self):
        return self._clean_date("to")

    def clean(self):
        data = super().clean()
        if "from" in self.errors or "to" in self.errors:
            return data
        start, end = data.get("from"), data.get("to")
        period = self._period(start, end)
        if period.end >= period.start:
            return data
        if start and end:
            self.add_error("to", _("The end must not be before the start."))
        elif start:  # the end is the project's
            message = _("The start must not be after the project's end (%(end)s).")
            self.add_error("from", message % {"end": period.end.isoformat()})
        else:  # the start is the project's
            message = _("The end must not be before the project's start (%(start)s).")
            self.add_error("to", message % {"start": period.start.isoformat()})
        return data

    def _period(self, start, end) -> Period:
        default = project_period(self.project)
        return Period(start or default.start, end or default.end)

    def period(self) -> Period:
        """The period of a valid form (or of an unbound one: the project's whole run)."""
        data = self.cleaned_data if self.is_bound else {}
        return self._period(data.get("from"), data.get("to"))
