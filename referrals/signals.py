"""Keep the inbox's cached view counts current (referrals/inbox_counts.py): a request, a referral or a
co-handling that is saved or deleted renews the stamps of those who count it, after the commit."""

from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from . import inbox_counts
from .models import AdviceRequest, CoHandling, Referral


def _counted(instance: AdviceRequest) -> tuple:
    # From the instance's own dict: a deferred field is unknown (reading it would be a query per request).
    return instance.__dict__.get("region_id"), instance.__dict__.get("owner_organisation_id")


@receiver(post_init, sender=AdviceRequest)
def request_loaded(sender, instance: AdviceRequest, **kwargs):
    instance._inbox_counted = _counted(instance)


@receiver(post_save, sender=AdviceRequest)
@receiver(post_delete, sender=AdviceRequest)
def request_changed(sender, instance: AdviceRequest, **kwargs):
    before, after = getattr(instance, "_inbox_counted", (None, None)), _counted(instance)
    instance._inbox_counted = after
    inbox_counts.changed_after_commit(
        region_ids={before[0], after[0]}, organisation_ids={before[1], after[1]}
    )


@receiver(post_save, sender=Referral)
@receiver(post_delete, sender=Referral)
def referral_changed(sender, instance: Referral, **kwargs):
    inbox_counts.changed_after_commit(
        organisation_ids={instance.from_organisation_id, instance.to_organisation_id}
    )


@receiver(post_save, sender=CoHandling)
@receiver(post_delete, sender=CoHandling)
def co_handling_changed(sender, instance: CoHandling, **kwargs):
    inbox_counts.changed_after_commit(organisation_ids={instance.organisation_id})
