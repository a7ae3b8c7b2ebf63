"""Advice requests and what hangs off them: timelines, referrals, saved inbox views, need categories, and
the canned replies for writing to companies."""

from django.db.models import Q

from exportcenter import lookups  # noqa: F401 - registers `in_subquery`

from .base import Policy, _model, policy, region_ids
from .rules import evaluate


@policy("referrals.AdviceRequest")
class AdviceRequestPolicy(Policy):
    """No wrong door: every advisor of a region sees the region's requests.

    A request from a county no region serves waits in the unassigned queue, which regional staff of every
    region see, so that someone picks it up. Regions cooperate: an organisation also sees, whatever its
    regions, the requests it owns, that are referred to it (pending or accepted), that it referred, and
    whose needs it co-handles.
    """

    # The referral statuses that open a request to the receiving organisation.
    REFERRED_STATUSES = ("pending", "accepted")

    def _region_filter(self, user) -> Q:
        """Seen as one of the region's partners (or, unassigned, as regional staff)."""
        query = Q(region_id__in=region_ids(user))
        if user.is_regional_staff:
            query |= Q(region__isnull=True)
        return query

    def _in_region(self, user, request) -> bool:
        return bool(evaluate(self._region_filter(user), request))  # the request's own fields: always known

    def view_filter(self, user):
        return self._rule(user, "in")

    def can_view(self, user, request):
        """The view rule's first condition (the region's, on the request's own fields) answers most asks
        without the rest of the rule being built (its three subqueries: ~0.3 ms, asked once per action on
        the request page and per row the inbox offers to take); the rest of the rule otherwise."""
        if not isinstance(request, type) and self._in_region(user, request):
            return True
        return super().can_view(user, request)

    def combinable_filter(self, user):
        return self._rule(user, "in_subquery")

    def _rule(self, user, lookup: str) -> Q:
        """The view rule, its subqueries with `lookup`:

        - `in` (the newest page of rows): PostgreSQL reads the requests newest first and tests each against
          a hashed subplan, in O(1). At 2,000,000 requests the inbox's page of a partner that made 13,000
          referrals: 17-29 ms, where `= ANY(ARRAY(...))` tests every row against the whole array (42-250 ms).
        - `in_subquery` (combinable: a count over a region's requests, or a text search):
          `= ANY(ARRAY(...))` lets the planner combine the indexes of the ORed conditions (a BitmapOr) with
          the query's own: a count 40-310 ms, where the hashed subplan reads every row (150-670 ms); a
          search that matches few requests 0.1 s, where reading newest first took 3.5 s.
        """
        query = self._region_filter(user)
        organisation_id = user.organisation_id
        if organisation_id is not None:
            # Owned by, referred to or from, or co-handled by the user's organisation (another region's).
            # Subqueries, not joins: one row per request, and no query per row. One subquery per condition,
            # each read from an index that holds the request (referral_to_request_idx,
            # referral_from_request_idx, co_handling_org_idx) without visiting the table: at 2,000,000
            # requests an organisation's 5,000 referrals took 4.7 ms through the table, as one subquery.
            referrals = _model("referrals.Referral").objects
            referred_to = referrals.filter(
                to_organisation_id=organisation_id, status__in=self.REFERRED_STATUSES
            )
            referred_from = referrals.filter(from_organisation_id=organisation_id)
            co_handled = _model("referrals.CoHandling").objects.filter(organisation_id=organisation_id)
            query |= Q(owner_organisation_id=organisation_id)
            for related in (referred_to, referred_from, co_handled):
                query |= Q(**{f"pk__{lookup}": related.values("request_id")})
        return query

    def can_view_unassigned(self, user, model):
        """The unassigned queue (requests from counties no region serves) is regional staff's to pick up;
        partner advisors, leads and the triage function see only their regions' requests."""
        return user.is_regional_staff

    def _handles(self, user, request) -> bool:
        """The owning organisation's advisors, or, before anyone owns it, the triage function (the
        organisation that runs the center); regional staff always."""
        if not self.can_view(user, request):
            return False
        if user.is_regional_staff and self._in_region(user, request):
            return True
        if request.owner_organisation_id is not None:
            return request.owner_organisation_id == user.organisation_id
        operator_id = request.region.operator_id if request.region_id else None
        return operator_id is not None and operator_id == user.organisation_id

    def can_add_note(self, user, request):
        return self.can_view(user, request)  # every partner may comment and propose routing

    def can_claim(self, user, request):
        if request.is_closed:
            return False
        if request.owner_organisation_id == user.organisation_id:
            return self.can_view(user, request)
        # An unowned request is taken by the region's partners; another region's partner accepts a referral.
        return request.owner_organisation_id is None and self._in_region(user, request)

    def can_assign(self, user, request):
        # No wrong door: before a request has an owner, any advisor of the region may route it.
        if request.owner_organisation_id is None:
            return self._in_region(user, request) and not request.is_closed
        return self._handles(user, request)

    def can_change_status(self, user, request):
        return self._handles(user, request)

    can_write_to_company = can_change_status

    def can_refer(self, user, request):
        return not request.is_closed and self._handles(user, request)

    def can_set_legal_hold(self, user, request):
        return user.is_regional_staff and self._in_region(user, request)


@policy("referrals.RequestEvent")
class RequestEventPolicy(Policy):
    """A request's timeline is the request's; an organisation-only note is its organisation's alone."""

    def view_filter(self, user):
        requests = AdviceRequestPolicy().scope(user, _model("referrals.AdviceRequest").objects.all())
        organisation_only = _model("referrals.RequestEvent").Visibility.ORGANISATION
        return Q(request__in=requests) & (
            ~Q(visibility=organisation_only) | Q(organisation_id=user.organisation_id)
        )


@policy("referrals.Referral")
class ReferralPolicy(Policy):
    """A referral is seen by both organisations and by everyone who sees its request (regional staff see
    everything in their region). Only the receiving organisation accepts or declines it; the sending
    organisation or the request's owner withdraws it. Whether it is still pending is the services' check.
    """

    def view_filter(self, user):
        query = Q(
            request__in=AdviceRequestPolicy().scope(user, _model("referrals.AdviceRequest").objects.all())
        )
        if user.organisation_id is not None:
            query |= Q(from_organisation_id=user.organisation_id) | Q(to_organisation_id=user.organisation_id)
        return query

    def can_accept(self, user, referral):
        return user.organisation_id is not None and user.organisation_id == referral.to_organisation_id

    can_decline = can_accept

    def can_withdraw(self, user, referral):
        organisation_id = user.organisation_id
        if organisation_id is None:
            return False
        return organisation_id == referral.from_organisation_id or (
            organisation_id == referral.request.owner_organisation_id
        )


@policy("referrals.SavedView")
class SavedViewPolicy(Policy):
    """A saved inbox view is its owner's; a shared one is seen by the owner's organisation, and its leads
    may remove it."""

    def view_filter(self, user):
        return Q(owner_id=user.pk) | Q(is_shared=True, organisation_id=user.organisation_id)

    def can_create(self, user, saved):
        return True  # everyone signed in keeps views of the inbox for themselves

    def can_delete(self, user, saved):
        if saved.owner_id == user.pk:
            return True
        return user.is_organisation_lead and saved.is_shared and saved.organisation_id == user.organisation_id


@policy("referrals.NeedCategory")
class NeedCategoryPolicy(Policy):
    """Need categories drive routing for every region: regional staff maintain them."""

    def view_filter(self, user):
        return Q()

    def can_change(self, user, category):
        return user.is_regional_staff

    can_create = can_change


@policy("referrals.CannedReply")
class CannedReplyPolicy(Policy):
    """Canned replies for writing to companies. An organisation's are for its people, a region's shared ones
    for everyone whose organisation serves the region; seeing a reply is being offered it. An organisation's
    leads keep (create, change, delete) its replies, regional staff their regions' shared ones. Another
    organisation's replies stay hidden. For "create", ask about `CannedReply(organisation=...)` or
    `CannedReply(region=...)`, or about the model: whether the user keeps any replies at all.
    """

    def view_filter(self, user):
        query = Q(region_id__in=region_ids(user))
        if user.organisation_id is not None:
            query |= Q(organisation_id=user.organisation_id)
        return query

    def change_filter(self, user) -> Q | None:
        """The replies a user keeps: their organisation's (a lead), their regions' (regional staff)."""
        if user.is_organisation_lead and user.organisation_id is not None:
            return Q(organisation_id=user.organisation_id)
        if user.is_regional_staff:
            return Q(region_id__in=region_ids(user))
        return None

    delete_filter = change_filter

    def can_change(self, user, reply):
        rule = self.change_filter(user)
        if rule is None or isinstance(reply, type):
            return False
        return bool(evaluate(rule, reply))  # the reply's own fields: always known

    can_delete = can_change

    def can_create(self, user, reply):
        if isinstance(reply, type):
            return (user.is_organisation_lead and user.organisation_id is not None) or (
                user.is_regional_staff and bool(region_ids(user))
            )
        return self.can_change(user, reply)
