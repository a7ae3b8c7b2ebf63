"""Access policies: email as a channel (issue 20): mailboxes, the messages taken from them, and the files on
a request (attachments)."""

from django.db.models import Q

from .base import Policy, _model, policy, region_ids
from .requests import AdviceRequestPolicy


@policy("mailboxes.Mailbox")
class MailboxPolicy(Policy):
    """A region's regional staff configure its mailboxes (the shared address and its organisations'); an
    organisation's leads configure the organisation's own. The organisation's people see its mailbox's
    state (last poll, last error), as do the region's people for the shared address."""

    def view_filter(self, user):
        regions = region_ids(user)
        if user.organisation_id is None or not regions:
            return None
        if user.is_regional_staff:
            return Q(region_id__in=regions)
        return Q(organisation_id=user.organisation_id) | Q(region_id__in=regions, organisation__isnull=True)

    def change_filter(self, user):
        regions = region_ids(user)
        if user.organisation_id is None or not regions:
            return None
        if user.is_regional_staff:
            return Q(region_id__in=regions)
        if user.is_organisation_lead:
            return Q(organisation_id=user.organisation_id, region_id__in=regions)
        return None

    def can_change(self, user, mailbox):
        if isinstance(mailbox, type):
            return False
        regions = region_ids(user)
        if mailbox.region_id not in regions:
            return False
        if user.is_regional_staff:
            return True
        return user.is_organisation_lead and mailbox.organisation_id == user.organisation_id is not None

    def can_create(self, user, mailbox):
        """Asked about the model (may this person connect any mailbox?) or about an unsaved one."""
        if not (user.is_regional_staff or user.is_organisation_lead) or not region_ids(user):
            return False
        return isinstance(mailbox, type) or self.can_change(user, mailbox)

    can_delete = can_change


@policy("mailboxes.InboundMessage")
class InboundMessagePolicy(Policy):
    """Whoever configures the mailbox sees everything taken from it (auto-replies and refusals too); anyone
    who sees a request sees the messages that landed on it."""

    def view_filter(self, user):
        mailboxes = MailboxPolicy().change_filter(user)
        requests = AdviceRequestPolicy().scope(user, _model("referrals.AdviceRequest").objects.all())
        on_request = Q(request__in=requests)
        if mailboxes is None:
            return on_request
        managed = _model("mailboxes.Mailbox").objects.filter(mailboxes)
        return Q(mailbox__in=managed) | on_request


@policy("referrals.Attachment")
class AttachmentPolicy(Policy):
    """A file is seen (downloaded) by whoever sees its timeline entry: the request's people, and for an
    organisation-only note, that organisation alone."""

    def view_filter(self, user):
        requests = AdviceRequestPolicy().scope(user, _model("referrals.AdviceRequest").objects.all())
        organisation_only = _model("referrals.RequestEvent").Visibility.ORGANISATION
        return Q(request__in=requests) & (
            Q(event__isnull=True)
            | ~Q(event__visibility=organisation_only)
            | Q(event__organisation_id=user.organisation_id)
        )
