"""The forms of official statistics: the upload (preview), the confirmation, and the API's filters."""

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reference import pxweb
from reference.models import County, StatisticsKind
from reference.scb import SCB_SOURCE

SALT = "dashboards.official_statistics.confirm"
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview may be confirmed in


class StatisticsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A table from SCB's Statistikdatabasen saved as “Semikolonavgränsad med rubrik” (CSV), by region "
            "and year, at most 5 MB."
        ),
    )
    kind = forms.ChoiceField(label=_("What the file holds"), choices=StatisticsKind.choices)
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        initial=SCB_SOURCE,
        help_text=_("For example SCB or Tillväxtverket."),
    )
    table = forms.CharField(
        label=_("Table"),
        max_length=100,
        required=False,
        help_text=_("The table's id at the source, for example BE0101N1."),
    )
    vintage = forms.DateField(
        label=_("Vintage (published on)"),
        help_text=_(
            "The date the source published these figures (YYYY-MM-DD). An older vintage never overwrites a "
            "newer one."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > pxweb.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB: not a county table."),
                params={"mb": pxweb.MAX_BYTES // 1_000_000},
            )
        return upload

    def clean_source(self):
        return " ".join(self.cleaned_data["source"].split())

    def clean_table(self):
        return " ".join(self.cleaned_data["table"].split())

    def clean_vintage(self):
        vintage = self.cleaned_data["vintage"]
        if vintage > timezone.localdate():
            raise forms.ValidationError(_("The vintage cannot be in the future."))
        if vintage.year < 1990:
            raise forms.ValidationError(_("Enter the date the figures were published."))
        return vintage


def sign(*, user_id: int, sha256: str, kind: str, source: str, table: str, vintage, file_name: str) -> str:
    """The confirmation token: what was previewed, signed so that none of it can be changed on the way."""
    return signing.dumps(
        {
            "u": user_id,
            "h": sha256,
            "k": kind,
            "s": source,
            "t": table,
            "v": vintage.isoformat(),
            "f": file_name,
        },
        salt=SALT,
    )


class StatisticsConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=4000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_token(self):
        try:
            data = signing.loads(self.cleaned_data["token"], salt=SALT, max_age=PREVIEW_MAX_AGE)
        except signing.SignatureExpired:
            raise forms.ValidationError(_("The preview has expired: upload the file again.")) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This confirmation does not match a preview: upload the file again.")
            ) from None
        if not isinstance(data, dict) or data.get("u") != self.user.pk:
            raise forms.ValidationError(
                _("This confirmation does not match a preview: upload the file again.")
            )
        return data


class CountyStatisticsFilterForm(forms.Form):
    """The API's filters: a county code and a year."""

    county = forms.CharField(required=False, max_length=2)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)

    def clean_county(self):
        code = self.cleaned_data["county"].strip()
        if code and not County.objects.filter(code=code).exists():
            raise forms.ValidationError(_("%(code)s is not a county code."), params={"code": code})
        return code
