"""Keep the dashboards current.

- The daily request figures: a change to a request or to a company's dimensions refreshes the days it
  touches, once per transaction and after it commits (dashboards/facts.py; the refresh then stamps the
  region's cached figures as changed).
- The cached figures (dashboards/cache.py): a change to what the other figures count (referrals, goals,
  companies, campaigns and their members and activities) stamps them as changed after it commits.
"""

import logging
from collections import defaultdict
from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from companies.models import Company
from exportcenter import after_commit, broker
from exportcenter.tracking import Tracked
from outreach.models import Activity, Campaign, CampaignMember
from referrals.models import AdviceRequest, Referral

from . import cache
from .facts import day_of, queue_once
from .models import RegionalGoal

logger = logging.getLogger(__name__)


def refresh_days(pairs: list[tuple[int, str]]) -> None:
    """After a commit: refresh the (region id, ISO day) pairs the transaction touched, a task per region.

    A day that a queued task will refresh already is left to it (`facts.queue_once`): that task reads the
    day's requests when it starts, this change included. A burst of submissions in one region makes one
    or two refreshes of the day, not one each (each refresh also makes every viewed dashboard of the
    region be computed again)."""
    from .tasks import refresh_request_facts

    days: dict[int, set[str]] = defaultdict(set)
    for region_id, day in pairs:
        days[region_id].add(day)
    for region_id, region_days in days.items():
        region_days = queue_once(region_id, sorted(region_days))
        if not region_days:
            continue
        if not broker.publish(refresh_request_facts, region_id, region_days):
            # No broker (bounded, see exportcenter/broker.py): the days are small, refresh them here.
            logger.warning(
                "Broker unavailable; the dashboards' figures of region %s refreshed inline.", region_id
            )
            refresh_request_facts(region_id, sorted(region_days))  # the task's body, run here


def schedule(pairs) -> None:
    """Refresh the facts of these (region id, received at) pairs after the current transaction commits
    (once per transaction: exportcenter/after_commit.py)."""
    for region_id, created_at in pairs:
        if region_id and created_at:
            after_commit.collect(refresh_days, (region_id, day_of(created_at).isoformat()))


@receiver(post_save, sender=AdviceRequest)
@receiver(post_delete, sender=AdviceRequest)
def request_changed(sender, instance: AdviceRequest, **kwargs):
    schedule([(instance.region_id, instance.created_at)])


@receiver(m2m_changed, sender=AdviceRequest.needs.through)
def request_needs_changed(sender, instance, action, reverse, **kwargs):
    if action.startswith("post_") and not reverse:
        schedule([(instance.region_id, instance.created_at)])


# A company's fields that figures count: the first three are dimensions of its requests' daily figures;
# all of them decide the goal tracker, new international companies, companies reached and the funnel.
_COMPANY_DIMENSIONS = ("municipality_id", "sni_code_id", "employee_band")
# `international_confirmed_on` is what the goal "newly international companies" counts (issue 18).
_COMPANY_COUNTED = (
    *_COMPANY_DIMENSIONS,
    "became_international_on",
    "international_confirmed_on",
    "merged_into_id",
)
counted = Tracked(Company, _COMPANY_COUNTED, "dashboards")


@receiver(post_save, sender=Company)
def company_changed(sender, instance: Company, created: bool, **kwargs):
    """Only a change to what the figures count refreshes or stamps anything: a submission that saves the
    company's name or contact details leaves every region's cached figures alone."""
    _before, _after, changed = counted.changes(instance)
    if created:  # no requests yet; counted only as an international company
        changed = {
            name
            for name in ("became_international_on", "international_confirmed_on")
            if getattr(instance, name)
        }
    if changed & set(_COMPANY_DIMENSIONS):
        schedule(AdviceRequest.objects.filter(company=instance).values_list("region_id", "created_at"))
    if changed:
        _stamp_after_commit(None)


def _stamp_after_commit(region_id: int | None) -> None:
    transaction.on_commit(partial(cache.changed, region_id))


@receiver(post_save, sender=Referral)
@receiver(post_delete, sender=Referral)
def referral_changed(sender, instance: Referral, **kwargs):
    # The request is at hand when the referral was just made or answered from it; otherwise every region.
    request_cached = Referral._meta.get_field("request").is_cached(instance)
    _stamp_after_commit(instance.request.region_id if request_cached else None)


@receiver(post_save, sender=RegionalGoal)
@receiver(post_delete, sender=RegionalGoal)
def goal_changed(sender, instance: RegionalGoal, **kwargs):
    _stamp_after_commit(instance.region_id)


@receiver(post_save, sender=Campaign)
@receiver(post_save, sender=CampaignMember)
@receiver(post_save, sender=Activity)
@receiver(post_delete, sender=CampaignMember)
@receiver(post_delete, sender=Activity)
def counted_elsewhere_changed(sender, **kwargs):
    """Campaigns and their members and activities: the funnel's figures, for every region."""
    _stamp_after_commit(None)
