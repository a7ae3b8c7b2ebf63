"""Forms of the outreach pages. They validate input; the services change state."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors.models import Region

from .models import Activity, CampaignMember, FollowUp


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    goal = forms.CharField(
        label=_("Goal"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the campaign should achieve, e.g. “20 needs meetings with manufacturers”."),
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), empty_label=None)
    organisation = forms.ModelChoiceField(
        label=_("Owning organisation"), queryset=None, empty_label=None, help_text=_("Who runs the campaign.")
    )
    starts_on = forms.DateField(label=_("Starts"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends"), widget=DateInput)

    def __init__(self, *args, regions, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["organisation"].queryset = organisations
        if len(regions) == 1:
            self.fields["region"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        organisation, region = data.get("organisation"), data.get("region")
        if organisation and region and not organisation.regions.filter(pk=region.pk).exists():
            self.add_error("organisation", _("This organisation does not serve the region."))
        return data


class MemberStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CampaignMember.Status.choices)


class AddCompanyForm(forms.Form):
    company = forms.UUIDField(widget=forms.HiddenInput)


class CompanySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a company to add"),
        max_length=200,
        help_text=_("Name or organisation number."),
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=Activity.Kind.choices, widget=forms.RadioSelect)
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating advisors"),
        queryset=None,
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several. Empty: only you."),
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts met"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    campaign_member = forms.ModelChoiceField(
        label=_("Campaign"), queryset=None, required=False, empty_label=_("None")
    )
    request = forms.ModelChoiceField(label=_("Request"), queryset=None, required=False, empty_label=_("None"))
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.CharField(
        label=_("Outcome"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, participants, contacts, memberships, requests, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = participants
        self.fields["participants"].label_from_instance = lambda user: (
            f"{user.full_name} ({user.organisation})"
        )
        self.fields["contacts"].queryset = contacts
        self.fields["campaign_member"].queryset = memberships
        self.fields["campaign_member"].label_from_instance = lambda member: member.campaign.name
        self.fields["request"].queryset = requests
        self.fields["request"].label_from_instance = lambda request: request.reference
        for name, queryset in (
            ("contacts", contacts),
            ("campaign_member", memberships),
            ("request", requests),
        ):
            if not queryset.exists():
                del self.fields[name]


class FollowUpForm(forms.Form):
    description = forms.CharField(
        label=_("What to do"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("Due date"), widget=DateInput)
    due_time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=TimeInput,
        help_text=_("If it must be done by a certain time."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, empty_label=None)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if len(owners) == 1:
            self.fields["owner"].widget = forms.HiddenInput()


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(choices=FollowUp.Status.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
