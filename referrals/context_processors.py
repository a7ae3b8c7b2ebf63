from django.db import connection
from django.utils.functional import SimpleLazyObject

from notifications import selectors as notification_selectors

from . import selectors
from .templatetags.request_tags import capped


def _counts(user) -> dict:
    """The menu's count of referrals waiting for the user's organisation and the bell's unread count, in
    one round trip: each is a LIMITed subquery of one SELECT (every signed-in page shows both)."""
    parts = [selectors.referrals_waiting(user), notification_selectors.unread(user)]
    sql, params = [], []
    for part in parts:
        if part is not None:
            part_sql, part_params = part.query.sql_with_params()
            sql.append(f"(SELECT COUNT(*) FROM ({part_sql}) AS part)")  # noqa: S608  # nosec B608: ORM SQL, values as parameters
            params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(sql), params)
        counts = list(cursor.fetchone())
    waiting = counts.pop(0) if parts[0] is not None else 0
    return {
        "waiting": {"count": waiting, "label": capped(waiting, selectors.VIEW_COUNT_CAP)},
        "bell": notification_selectors.bell(counts[0]),
    }


def menu(request):
    """The menu's count of referrals waiting and the notification bell: one query, only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = SimpleLazyObject(lambda: _counts(user))
    return {
        "referrals_waiting": SimpleLazyObject(lambda: counts["waiting"]),
        "notification_bell": SimpleLazyObject(lambda: counts["bell"]),
    }
