"""The placeholder that erased personal data is replaced with (privacy.parts and the apps' parts)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


def anonymised_label(kind: str = "person") -> str:
    """The stored placeholder, in the portal's default language (data is stored once, not per reader)."""
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "sole_trader":
            return gettext("Anonymised sole trader")
        if kind == "text":
            return gettext("[removed]")
        return gettext("Anonymised person")
