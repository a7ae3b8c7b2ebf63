"""Keep the inbox's cached view counts current (referrals/inbox_counts.py): a request, a referral or a
co-handling that is saved or deleted renews the stamps of those who count it, after the commit."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from exportcenter.tracking import UNKNOWN, Tracked

from . import inbox_counts
from .models import AdviceRequest, CoHandling, Referral

# What the views count by (referrals.selectors.view_filter) and who sees the request (its region, its owner).
counted = Tracked(
    AdviceRequest,
    (
        "region_id",
        "owner_organisation_id",
        "owner_advisor_id",
        "status",
        "first_response_at",
        "first_response_due_at",
    ),
    "inbox",
)


@receiver(post_save, sender=AdviceRequest)
def request_saved(sender, instance: AdviceRequest, created: bool, **kwargs):
    """Only a change to what the views count renews anything: a save of the description, the company or
    `updated_at` alone leaves the cached counts alone."""
    before, after, changed = counted.changes(instance)
    if created or changed:
        _renew(before, after)


@receiver(post_delete, sender=AdviceRequest)
def request_deleted(sender, instance: AdviceRequest, **kwargs):
    before, after, _changed = counted.changes(instance)
    _renew(before, after)


def _renew(before: dict, after: dict) -> None:
    def known(name):
        return {value for value in (before.get(name), after[name]) if value is not UNKNOWN}

    inbox_counts.changed_after_commit(
        region_ids=known("region_id"), organisation_ids=known("owner_organisation_id")
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
