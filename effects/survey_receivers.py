"""What surveys hook into: a request closing (registered when the app is ready).

When a request is saved closed as "helped" or "referred onward", the satisfaction survey's task is queued
after the transaction commits. It is idempotent, so a second save, or the beat sweep
(`effects.tasks.surveys.send_satisfaction_surveys`) that catches a task lost to a broker outage, sends
nothing twice.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from exportcenter import broker
from referrals.models import AdviceRequest

from .services.surveys import satisfaction_due
from .tasks.surveys import send_satisfaction_survey

WATCHED_FIELDS = {"status", "outcome"}


def _publish(request_id: int) -> None:
    # A broker that is down loses nothing: the beat sweep sends the survey later.
    broker.publish(send_satisfaction_survey, request_id)


@receiver(post_save, sender=AdviceRequest, dispatch_uid="effects.surveys.request_closed")
def request_closed(sender, instance: AdviceRequest, created: bool, update_fields=None, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures and loaddata
    if update_fields is not None and not WATCHED_FIELDS & set(update_fields):
        return
    if satisfaction_due(instance):
        transaction.on_commit(partial(_publish, instance.pk))
