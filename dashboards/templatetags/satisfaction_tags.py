"""Whether to offer the Satisfaction page's link (the access module decides)."""

from django import template

from advisors import access
from effects.models import SatisfactionSurvey

register = template.Library()


@register.simple_tag
def may_see_satisfaction(user) -> bool:
    return access.can(user, access.Action.OVERSEE, SatisfactionSurvey)
