"""`{{ company.sni_code|sni_label }}`: an SNI 2025 code with its name in the reader's language."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def sni_label(sni):
    """Swedish: "62.100 Dataprogrammering". English: the division's English name, and the Swedish detail
    marked as Swedish so that a screen reader pronounces it as Swedish."""
    if not sni:
        return "–"
    if sni.english_name:
        return format_html(
            '{} {} (<span lang="sv">{}</span>)', sni.dotted_code, sni.english_name, sni.name_sv
        )
    return f"{sni.dotted_code} {sni.name_sv}"
