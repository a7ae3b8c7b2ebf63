from django.conf import settings
from django.utils.functional import SimpleLazyObject

from advisors.selectors import current_region


def portal(request):
    return {
        "portal_name": settings.PORTAL_NAME,
        "current_region": SimpleLazyObject(lambda: current_region(getattr(request, "user", None))),
    }
