"""The partner network: regions, organisations and their services, people and their sign-in lockouts, and
what is a person's own (API tokens, notifications)."""

from django.db.models import Q

from .base import Policy, _is_lead_or_staff, policy, region_ids
from .rules import evaluate


@policy("advisors.Region")
class RegionPolicy(Policy):
    def view_filter(self, user):
        return Q(pk__in=region_ids(user))

    def can_oversee(self, user, region):
        """Regional staff oversee their regions: overdue requests by partner, the goals' progress. Asked
        about the model: whether the user oversees any region (the worklist's regional sections)."""
        if not user.is_regional_staff:
            return False
        return bool(region_ids(user)) if isinstance(region, type) else region.pk in region_ids(user)


@policy("advisors.Organisation")
class OrganisationPolicy(Policy):
    """Partners are a shared directory: everyone signed in sees them all, so referrals can cross regions."""

    def view_filter(self, user):
        return Q()

    def can_change(self, user, organisation):
        if user.is_organisation_lead:
            return organisation.pk == user.organisation_id
        if user.is_regional_staff:
            return organisation.regions.filter(pk__in=region_ids(user)).exists()
        return False

    def can_oversee(self, user, organisation):
        """An organisation's leads oversee its work: each advisor's open load and overdue count, the
        referral answers it owes. Asked about the model: the user's own organisation."""
        if not user.is_organisation_lead or user.organisation_id is None:
            return False
        return isinstance(organisation, type) or organisation.pk == user.organisation_id


@policy("referrals.Service")
class ServicePolicy(Policy):
    """The service catalogue is a shared directory like the partners: everyone signed in sees the active
    services. An organisation's lead maintains its services, and so do regional staff of a region it serves.
    A service is switched off, never deleted. For "create", ask about `Service(organisation=...)`.
    """

    def _maintains(self, user, service) -> bool:
        if isinstance(service, type) or service.organisation_id is None:
            return False
        if user.is_organisation_lead:
            return service.organisation_id == user.organisation_id
        if user.is_regional_staff:
            return service.organisation.regions.filter(pk__in=region_ids(user)).exists()
        return False

    def view_filter(self, user):
        query = Q(is_active=True)
        if user.is_organisation_lead and user.organisation_id is not None:
            query |= Q(organisation_id=user.organisation_id)
        elif user.is_regional_staff:
            from ..models import Organisation

            query |= Q(organisation__in=Organisation.objects.filter(regions__in=region_ids(user)))
        return query

    def can_change(self, user, service):
        return self._maintains(user, service)

    can_create = can_change


@policy("advisors.User")
class UserPolicy(Policy):
    """People see colleagues of every partner in their regions; leads manage their own organisation."""

    def view_filter(self, user):
        from ..models import Organisation

        # A subquery, not a join over the regions: one row per person.
        return Q(pk=user.pk) | Q(organisation__in=Organisation.objects.filter(regions__in=region_ids(user)))

    def reset_two_factor_filter(self, user) -> Q | None:
        """A lost device: an organisation lead resets their organisation's people, regional staff the people
        of the organisations serving their regions. Never oneself (that is what recovery codes are for), and
        never a superuser."""
        if user.is_regional_staff:
            from ..models import Organisation

            people = Q(organisation__in=Organisation.objects.filter(regions__in=region_ids(user)))
        elif user.is_organisation_lead and user.organisation_id is not None:
            people = Q(organisation_id=user.organisation_id)
        else:
            return None
        return people & Q(is_superuser=False) & ~Q(pk=user.pk)

    def can_reset_two_factor(self, user, person):
        rule = self.reset_two_factor_filter(user)
        if rule is None or isinstance(person, type) or person.pk is None:
            return False
        known = evaluate(rule, person)
        if known is not None:
            return known
        return type(person)._base_manager.filter(pk=person.pk).filter(rule).exists()

    def can_change(self, user, person):
        if person.pk == user.pk:
            return True
        return (
            user.is_organisation_lead
            and not person.is_superuser
            and person.organisation_id is not None
            and person.organisation_id == user.organisation_id
        )

    def unlock_filter(self, user) -> Q | None:
        """Whose sign-in lockout a user may lift: regional staff, for the people of every partner in their
        regions (superusers' lockouts are lifted in the admin, by superusers)."""
        if not user.is_regional_staff:
            return None
        return self.view_filter(user) & Q(is_superuser=False)

    def can_unlock(self, user, person):
        rule = self.unlock_filter(user)
        if rule is None or isinstance(person, type) or person.pk is None:
            return False
        known = evaluate(rule, person)
        return known if known is not None else type(person)._base_manager.filter(rule, pk=person.pk).exists()


@policy("axes.AccessAttempt")
class AccessAttemptPolicy(Policy):
    """Failed sign-ins (django-axes), the lockouts: seen by those who may unlock the person they name.
    Attempts for addresses of nobody (or of people outside one's regions) stay hidden."""

    def view_filter(self, user):
        from ..models import User

        rule = UserPolicy().unlock_filter(user)
        if rule is None:
            return None
        return Q(username__in=User.objects.filter(rule).values("email"))

    def can_view(self, user, attempt):
        if isinstance(attempt, type):  # the lockouts page: for those who may lift some lockout
            return UserPolicy().unlock_filter(user) is not None
        return super().can_view(user, attempt)


@policy("advisors.ApiToken")
class ApiTokenPolicy(Policy):
    """A personal API token is its owner's alone: only the owner sees and revokes it.

    A token signs in without the second factor, so only organisation leads and regional staff may hold
    one; for "create", ask about the model or `ApiToken(user=...)`. The token authentication asks the
    same question on every use, so a token stops working when its owner loses the role.
    """

    def view_filter(self, user):
        return Q(user_id=user.pk)

    def can_create(self, user, token):
        if not _is_lead_or_staff(user):
            return False
        return isinstance(token, type) or token.user_id == user.pk

    def can_delete(self, user, token):
        return token.user_id == user.pk


@policy("notifications.Notification")
class NotificationPolicy(Policy):
    """A notification is its recipient's alone."""

    def view_filter(self, user):
        return Q(recipient_id=user.pk)

    def can_change(self, user, notification):
        return self.can_view(user, notification)
