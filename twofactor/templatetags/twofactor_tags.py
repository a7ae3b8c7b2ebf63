from django import template
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration

register = template.Library()


@register.simple_tag(takes_context=True)
def webauthn_config(context) -> dict:
    """The settings django-otp-webauthn's script reads (its endpoints, the CSRF token, where `next` is)."""
    return get_configuration(context["request"])
