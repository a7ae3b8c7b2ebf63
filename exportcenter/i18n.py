"""Bilingual database content: a field pair `<name>_sv` / `<name>_en`, read in the active language."""

from django.utils.translation import get_language


class TranslatedField:
    """Descriptor returning `<name>_en` in English (when filled in) and `<name>_sv` otherwise."""

    def __init__(self, base: str):
        self.base = base

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        if (get_language() or "sv").startswith("en"):
            english = getattr(instance, f"{self.base}_en", "")
            if english:
                return english
        return getattr(instance, f"{self.base}_sv")
