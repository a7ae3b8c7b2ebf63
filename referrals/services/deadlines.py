"""The first-response deadline: a "deadline missed" event, once per request."""

from django.db import transaction
from django.utils import timezone

from .. import notices
from ..models import AdviceRequest, RequestEvent
from .workflow import Status

# --- Deadlines --------------------------------------------------------------------------------------


def record_missed_deadlines(*, now=None, limit: int = 1000) -> int:
    """Write a "deadline missed" event, once, on each open request whose first response is overdue.

    The conditional UPDATE claims each request, so two sweeps never write the event twice.
    """
    now = now or timezone.now()
    overdue = (
        AdviceRequest.objects.filter(
            first_response_at__isnull=True, first_response_due_at__lt=now, deadline_missed_at__isnull=True
        )
        .exclude(status=Status.CLOSED)
        .order_by("first_response_due_at")
        .values_list("pk", "first_response_due_at")[:limit]
    )
    written = 0
    for pk, due in overdue:
        with transaction.atomic():
            if AdviceRequest.objects.filter(pk=pk, deadline_missed_at__isnull=True).update(
                deadline_missed_at=now
            ):
                RequestEvent.objects.create(
                    request_id=pk, kind=RequestEvent.Kind.DEADLINE_MISSED, data={"due": due.isoformat()}
                )
                notices.deadline_missed(
                    AdviceRequest.objects.select_related(
                        "company", "region__operator", "owner_organisation", "owner_advisor"
                    ).get(pk=pk)
                )
                written += 1
    return written
