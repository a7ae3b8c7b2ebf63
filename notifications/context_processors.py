from django.utils.functional import SimpleLazyObject

from . import selectors


def bell(request):
    """The bell's unread count, for the page layout. One LIMITed query, and only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_bell": SimpleLazyObject(lambda: selectors.bell_for(user))}
