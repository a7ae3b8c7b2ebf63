"""The inbox's view counts, cached until a request they count changes (issue 16).

Counting the six standard views reads every request the user sees: at national scale a region holds about
95,000 requests, and the counts cost about 0.3 s of every inbox view. They are kept per user
(exportcenter/stamps.py) under a key that holds these stamps:

- one per region the user works in (the region's requests), and, for regional staff, the unassigned queue's;
- the user's organisation's (the requests it sees in other regions: owned, referred, co-handled);
- for a superuser, who sees every request, a global one.

A request that is made, changes or is deleted renews its region's stamp, its owner organisation's (before
and after the change) and the global one, after the transaction commits; a referral renews both
organisations', a co-handling its organisation's. So a count is never stale after a write; what moves with
the clock alone (a deadline passing makes a request "overdue") is at most `INBOX_COUNT_CACHE_SECONDS` old.
One process at a time computes a user's counts: pages the user opens meanwhile (several tabs, htmx
requests) show the counts computed last, at most `LAST_SECONDS` old, instead of computing them again.
"""

from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.db import transaction

from advisors import access
from exportcenter import stamps

ALL = "inbox:stamp:all"
UNASSIGNED = "inbox:stamp:unassigned"
LAST_SECONDS = 5 * 60


def region_stamp(region_id: int | None) -> str:
    return f"inbox:stamp:region:{region_id}" if region_id else UNASSIGNED


def organisation_stamp(organisation_id: int) -> str:
    return f"inbox:stamp:organisation:{organisation_id}"


def user_stamps(user) -> list[str]:
    """The stamps of the requests this user sees (AdviceRequestPolicy), in a fixed order."""
    if user.is_superuser:
        return [ALL]
    found = [region_stamp(region_id) for region_id in sorted(access.region_ids(user))]
    if user.is_regional_staff:
        found.append(UNASSIGNED)
    if user.organisation_id is not None:
        found.append(organisation_stamp(user.organisation_id))
    return found


def changed_after_commit(region_ids: Iterable[int | None] = (), organisation_ids: Iterable[int | None] = ()):
    """Renew the stamps of these regions and organisations (and the global one) once the transaction
    commits (at once outside one)."""
    keys = {ALL}
    keys.update(region_stamp(region_id) for region_id in region_ids)
    keys.update(organisation_stamp(pk) for pk in organisation_ids if pk is not None)
    transaction.on_commit(partial(stamps.renew, sorted(keys)))


def counts(user, compute: Callable[[], dict[str, int]]) -> dict[str, int]:
    """The user's view counts from the cache, or computed (and then kept)."""
    return stamps.cached(
        "inbox:counts",
        user_stamps(user),
        [user.pk, user.organisation_id, user.role, user.is_superuser],
        settings.INBOX_COUNT_CACHE_SECONDS,
        compute,
        last_seconds=LAST_SECONDS,
    )
