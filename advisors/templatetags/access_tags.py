"""Templates ask the access-control module too: ``{% can user "claim" obj as may_claim %}``."""

from django import template

from advisors import access

register = template.Library()


@register.simple_tag
def can(user, action: str, obj) -> bool:
    return access.can(user, action, obj)
