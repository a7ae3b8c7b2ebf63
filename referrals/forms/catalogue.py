"""Forms of the service catalogue: a lead's page and the admin share the eligibility checkboxes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reference.models import EmployeeBand, SNISection, TurnoverClass

from ..models import NeedCategory, Service
from ..services.catalogue import SERVICE_FIELDS


def _turnover_choices():
    return [(turnover.code, turnover.label) for turnover in TurnoverClass.objects.all()]


def _sni_section_choices():
    return [(section.code, str(section)) for section in SNISection.objects.all()]


class EligibilityFieldsMixin(forms.Form):
    """The eligibility lists as checkboxes. Nothing ticked means any company."""

    employee_bands = forms.MultipleChoiceField(
        label=_("Employees"),
        choices=EmployeeBand.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The company sizes the service is for. Tick none if any size may use it."),
    )
    turnover_classes = forms.TypedMultipleChoiceField(
        label=_("Turnover"),
        choices=_turnover_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("SCB turnover classes. Tick none if any turnover will do."),
    )
    sni_sections = forms.MultipleChoiceField(
        label=_("Industries (SNI 2025 sections)"),
        choices=_sni_section_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none if the service is open to every industry."),
    )


class ServiceForm(EligibilityFieldsMixin, forms.ModelForm):
    """Add or change a service of an organisation. The services validate again and save."""

    needs = forms.ModelMultipleChoiceField(
        label=_("Needs covered"),
        queryset=NeedCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The needs the service helps with. They decide when your organisation is suggested."),
        error_messages={"required": _("Choose at least one need that the service covers.")},
    )
    url = forms.URLField(label=_("Link"), max_length=300, required=False, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Rendered as fieldsets (includes/choice_group.html) rather than single inputs.
    choice_groups = ("needs", "employee_bands", "turnover_classes", "sni_sections")

    class Meta:
        model = Service
        fields = SERVICE_FIELDS
        widgets = {
            "description_sv": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Inactive needs stay selectable on a service that already covers them, so an edit keeps them.
        needs = NeedCategory.objects.filter(is_active=True)
        if self.instance.pk:
            needs = needs | NeedCategory.objects.filter(services=self.instance)
            self.fields["version"].initial = self.instance.version
        self.fields["needs"].queryset = needs.distinct().order_by("position", "slug")
        self.fields["name_en"].widget.attrs["lang"] = "en"
        self.fields["description_en"].widget.attrs["lang"] = "en"
        self.fields["name_sv"].widget.attrs["lang"] = "sv"
        self.fields["description_sv"].widget.attrs["lang"] = "sv"

    def service_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}
