"""Read-side queries of the notification centre."""

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Notification, NotificationPreference

BELL_CAP = 99  # the bell says "99+" beyond this: a page view never counts a whole table


@dataclass(frozen=True)
class Bell:
    unread: int
    capped: bool

    @property
    def label(self) -> str:
        return f"{BELL_CAP}+" if self.capped else str(self.unread)


def unread(user, *, cap: int = BELL_CAP) -> QuerySet[Notification]:
    """The person's unread notifications, up to `cap` + 1 (enough to say "99+")."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).values("pk")[: cap + 1]


def unread_count(user, *, cap: int = BELL_CAP) -> int:
    return unread(user, cap=cap).count()


def bell(count: int) -> Bell:
    """The bell for an unread count taken with `unread()`."""
    return Bell(unread=min(count, BELL_CAP), capped=count > BELL_CAP)


def bell_for(user) -> Bell:
    return bell(unread_count(user))


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's own notifications, newest first. Nobody sees another person's, whatever their role."""
    notifications = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def preferences_for(user) -> dict[str, tuple[bool, bool]]:
    """Every kind the person has chosen for, as (in the portal, by email); other kinds take their default."""
    return {
        kind: (in_app, email)
        for kind, in_app, email in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "in_app", "email"
        )
    }
