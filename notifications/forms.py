from django import forms
from django.utils.translation import gettext_lazy as _

from . import kinds


class PreferencesForm(forms.Form):
    """Two checkboxes per kind of notification: "in the portal" and "by email"."""

    def __init__(self, *args, current: dict[str, tuple[bool, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds.registered()
        for kind in self.kinds:
            in_app, email = current.get(kind.value, (True, kind.email_default))
            self.fields[f"{kind.value}__in_app"] = forms.BooleanField(
                label=_("In the portal"), required=False, initial=in_app
            )
            self.fields[f"{kind.value}__email"] = forms.BooleanField(
                label=_("By email"), required=False, initial=email
            )

    def rows(self):
        """One row per kind for the template: the kind, and its two fields."""
        return [(kind, self[f"{kind.value}__in_app"], self[f"{kind.value}__email"]) for kind in self.kinds]

    def choices(self) -> tuple[dict[str, bool], dict[str, bool]]:
        in_app = {kind.value: self.cleaned_data[f"{kind.value}__in_app"] for kind in self.kinds}
        email = {kind.value: self.cleaned_data[f"{kind.value}__email"] for kind in self.kinds}
        return in_app, email
