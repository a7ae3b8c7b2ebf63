"""Outreach: campaigns and their target lists, activities, follow-ups."""

from django.db.models import Q

from .base import Policy, policy, region_ids
from .companies import CompanyPolicy
from .rules import through


@policy("outreach.Campaign")
class CampaignPolicy(Policy):
    """Advisors see their regions' campaigns. The owning organisation runs a campaign: its people change it
    and its target list, and so do regional staff of the region. For "create", ask about
    `Campaign(region=..., organisation=...)`: advisors and leads create for their own organisation, regional
    staff for any organisation serving the region."""

    def view_filter(self, user):
        return Q(region_id__in=region_ids(user))

    def can_change(self, user, campaign):
        return self.can_view(user, campaign) and (
            user.is_regional_staff or campaign.organisation_id == user.organisation_id
        )

    def can_create(self, user, campaign):
        if isinstance(campaign, type):
            return bool(region_ids(user))
        if campaign.region_id not in region_ids(user):
            return False
        if campaign.organisation_id == user.organisation_id:
            return True
        return user.is_regional_staff and campaign.organisation.regions.filter(pk=campaign.region_id).exists()


@policy("outreach.CampaignMember")
class CampaignMemberPolicy(Policy):
    """Contacting the target list is shared work: everyone who sees the campaign records how far the
    contact with a company has come ("change_status"). Taking a company off the list ("delete") is for
    those who may change the campaign."""

    def view_filter(self, user):
        return through("campaign", CampaignPolicy().view_filter(user))

    def can_change_status(self, user, member):
        return self.can_view(user, member)

    def can_delete(self, user, member):
        return CampaignPolicy().can_change(user, member.campaign)


@policy("outreach.Activity")
class ActivityPolicy(Policy):
    """Activities are the region's, like the companies they are about. Whoever may change a company logs
    activities on it (ask about `Activity(company=...)`); the author and the author's organisation's leads
    change one."""

    def view_filter(self, user):
        return through("company", CompanyPolicy().view_filter(user))

    def can_view(self, user, activity):  # the company's fast path
        return CompanyPolicy().can_view(user, activity.company)

    def can_create(self, user, activity):
        return not isinstance(activity, type) and CompanyPolicy().can_change(user, activity.company)

    def can_change(self, user, activity):
        if not self.can_view(user, activity):
            return False
        return activity.created_by_id == user.pk or (
            user.is_organisation_lead and activity.organisation_id == user.organisation_id
        )


@policy("outreach.FollowUp")
class FollowUpPolicy(Policy):
    """A follow-up is seen by its owner and the owner's organisation. The owner and the organisation's
    leads change it; only they reassign it ("assign"). For "create", ask about
    `FollowUp(owner=..., company=...)`: for oneself on a company of one's regions, or, as a lead, for a
    colleague."""

    def view_filter(self, user):
        query = Q(owner_id=user.pk)
        if user.organisation_id is not None:
            query |= Q(organisation_id=user.organisation_id)
        return query

    def can_change(self, user, follow_up):
        return follow_up.owner_id == user.pk or (
            user.is_organisation_lead and follow_up.organisation_id == user.organisation_id
        )

    can_assign = can_change

    def can_create(self, user, follow_up):
        if isinstance(follow_up, type) or not CompanyPolicy()._in_region(user, follow_up.company):
            return False
        if follow_up.owner_id == user.pk:
            return True
        return user.is_organisation_lead and follow_up.owner.organisation_id == user.organisation_id


@policy("outreach.CalendarFeed")
class CalendarFeedPolicy(Policy):
    """A calendar feed is its owner's alone: only the owner sees its address, renews it ("change") and
    revokes it ("delete"); a superuser revokes any in the admin. People of a partner organisation may have
    one (for "create", ask about the model or `CalendarFeed(owner=...)`). The feed asks "view" on every
    fetch, so it stops working when its owner leaves."""

    def view_filter(self, user):
        return Q(owner_id=user.pk)

    def can_create(self, user, feed):
        if user.organisation_id is None:
            return False
        return isinstance(feed, type) or feed.owner_id == user.pk

    def can_change(self, user, feed):
        return feed.owner_id == user.pk and user.organisation_id is not None

    def can_delete(self, user, feed):
        return feed.owner_id == user.pk
