from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReminderKind

HELP = {
    ReminderKind.FOLLOW_UP_DUE: _(
        "On the morning a follow-up of yours is due (the working day before a holiday)."
    ),
    ReminderKind.FOLLOW_UPS_OVERDUE: _("Every working day while you have overdue follow-ups."),
    ReminderKind.OVERDUE_ESCALATION: _(
        "For organisation leads: follow-ups of your organisation that are several working days overdue."
    ),
    ReminderKind.REQUEST_NOT_TRIAGED: _("A request that was not triaged within one working day."),
    ReminderKind.REFERRAL_NOT_ANSWERED: _("A referral to your organisation that was not answered in time."),
    ReminderKind.WEEKLY_DIGEST: _("Monday morning: your open follow-ups, requests and referrals."),
}


class PreferencesForm(forms.Form):
    """One checkbox per reminder kind: "also by email"."""

    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ReminderKind.choices:
            self.fields[kind] = forms.BooleanField(
                label=label, required=False, initial=current.get(kind, True), help_text=HELP[kind]
            )
