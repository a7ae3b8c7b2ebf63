"""What the pages benchmark's form POSTs leave behind, and removing it (bench/pages.py).

Every accepted POST makes a new company ("Benchmark Export AB"), its contact, a request with its timeline,
a notification and two emails: a few thousand of each in a run. Left in place, they change what the next
run measures: the inbox's text search finds them, the request page shows the newest of them, the company
search ranks them. So the harness notes each table's newest id before the load and deletes every newer
row afterwards (`--keep-submissions` keeps them).
"""

from datetime import date

from django.db import transaction
from django.db.models import Max


def _tables() -> dict:
    """The tables the POST adds rows to, in the order they can be deleted (requests before companies)."""
    from companies.models import Company
    from notifications.models import Notification, OutboundEmail
    from referrals.models import AdviceRequest

    return {
        "requests": AdviceRequest,
        "companies": Company,
        "emails": OutboundEmail,
        "notifications": Notification,
    }


def high_water_marks() -> dict[str, int]:
    """The newest id of each table, before the load."""
    return {
        label: model.objects.aggregate(newest=Max("pk"))["newest"] or 0 for label, model in _tables().items()
    }


def remove_new_rows(marks: dict[str, int], *, facts_since: date | None = None) -> dict[str, int]:
    """Delete every row newer than its table's mark (with what cascades from it: timelines, contacts,
    needs), in one transaction. Returns how many rows of each table went.

    `facts_since`: then rebuild the dashboards' daily facts of the days from then, from the requests that
    remain (the harness's Celery worker wrote the submissions' into them: bench/celery_worker.py)."""
    from dashboards import facts

    removed = {}
    with transaction.atomic():
        for label, model in _tables().items():
            rows = model.objects.filter(pk__gt=marks[label])
            removed[label] = rows.count()
            rows.delete()
    if facts_since is not None:
        removed["facts rebuilt"] = facts.rebuild(since=facts_since)
    return removed
