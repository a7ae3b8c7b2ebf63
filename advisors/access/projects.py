"""Access policies: EU-funded projects (issue 19): programmes, projects, partners, project activities,
participations and their support, de minimis aid and undertaking links."""

from django.db.models import Q

from .base import Policy, _model, policy, region_ids
from .companies import CompanyPolicy
from .rules import through

_WORKING_ROLES = ("advisor", "organisation_lead", "regional_staff")


def _works_in_a_region(user) -> bool:
    """Advisors, leads and regional staff of an organisation serving a region; the national role sees the
    national figures only."""
    return user.role in _WORKING_ROLES and user.organisation_id is not None and bool(region_ids(user))


def _any_related(obj, relation: str, **match) -> bool:
    """Whether a related object matches (`field=value` or `field__in=values`): from the objects a page
    has prefetched already (the project page prefetches partners and regions), else one query."""
    prefetched = getattr(obj, "_prefetched_objects_cache", {}).get(relation)
    if prefetched is None:
        return getattr(obj, relation).filter(**match).exists()
    return any(
        all(_matches(related, lookup, value) for lookup, value in match.items()) for related in prefetched
    )


def _matches(related, lookup: str, value) -> bool:
    name, _, operator = lookup.partition("__")
    actual = related.pk if name == "pk" else getattr(related, name)
    return actual in value if operator == "in" else actual == value


@policy("projects.Programme")
class ProgrammePolicy(Policy):
    """Programmes are shared data: everyone working in a region sees them; regional staff keep them."""

    def view_filter(self, user):
        return Q() if _works_in_a_region(user) else None

    def can_view(self, user, programme):
        return _works_in_a_region(user)

    def can_change(self, user, programme):
        return user.is_regional_staff and _works_in_a_region(user)

    can_create = can_change


@policy("projects.Project")
class ProjectPolicy(Policy):
    """A project is seen by the people of its recording region and of its participating regions, and by the
    people of its partner organisations. Its partner organisations' people and the regional staff of those
    regions change it (its partners, activities, participating companies and their support). Regional staff
    and organisation leads create projects (ask about the model)."""

    def view_filter(self, user):
        if not _works_in_a_region(user):
            return None
        regions = region_ids(user)
        participating = _model("projects.Project").regions.through.objects.filter(region_id__in=regions)
        partnered = _model("projects.ProjectPartner").objects.filter(organisation_id=user.organisation_id)
        return (
            Q(region_id__in=regions)
            | Q(pk__in=participating.values("project_id"))
            | Q(pk__in=partnered.values("project_id"))
        )

    def can_create(self, user, project):
        if not _works_in_a_region(user) or not (user.is_regional_staff or user.is_organisation_lead):
            return False
        return isinstance(project, type) or project.region_id in region_ids(user)

    def can_change(self, user, project):
        if isinstance(project, type) or project.pk is None or not _works_in_a_region(user):
            return False
        if _any_related(project, "partners", organisation_id=user.organisation_id):
            return True
        if not user.is_regional_staff:
            return False
        regions = region_ids(user)
        return project.region_id in regions or _any_related(project, "regions", pk__in=regions)

    can_delete = can_change


class _FollowsProject(Policy):
    """Seen by whoever sees the project; changed by whoever may change it."""

    relation = "project"

    def _project(self, obj):
        return obj.project

    def view_filter(self, user):
        rule = ProjectPolicy().view_filter(user)
        return None if rule is None else through(self.relation, rule)

    def can_change(self, user, obj):
        if isinstance(obj, type):
            return False
        return ProjectPolicy().can_change(user, self._project(obj))

    can_create = can_change
    can_delete = can_change


@policy("projects.ProjectPartner")
class ProjectPartnerPolicy(_FollowsProject):
    pass


@policy("projects.ProjectActivity")
class ProjectActivityPolicy(_FollowsProject):
    pass


@policy("projects.Participation")
class ParticipationPolicy(_FollowsProject):
    """For "create", ask about `Participation(project=..., company=...)`: the project's editors enrol a
    company they can see."""

    def can_create(self, user, participation):
        if isinstance(participation, type):
            return False
        company = participation.company
        return ProjectPolicy().can_change(user, participation.project) and CompanyPolicy().can_view(
            user, company
        )


@policy("projects.Support")
class SupportPolicy(_FollowsProject):
    relation = "participation__project"

    def _project(self, support):
        return support.participation.project


@policy("projects.DeMinimisAid")
class DeMinimisAidPolicy(Policy):
    """A company's de minimis aid is seen by whoever sees the company, and recorded by whoever works in its
    region and may change it (ask about `DeMinimisAid(company=...)` for "create")."""

    def view_filter(self, user):
        if not _works_in_a_region(user):
            return None
        return through("company", CompanyPolicy().view_filter(user))

    def can_create(self, user, aid):
        if not _works_in_a_region(user):
            return False
        return isinstance(aid, type) or CompanyPolicy().can_change(user, aid.company)

    can_change = can_create
    can_delete = can_create


@policy("projects.UndertakingLink")
class UndertakingLinkPolicy(Policy):
    """Links between companies follow the first company; recording one needs both companies changeable."""

    def view_filter(self, user):
        if not _works_in_a_region(user):
            return None
        return through("company", CompanyPolicy().view_filter(user))

    def can_create(self, user, link):
        if not _works_in_a_region(user) or isinstance(link, type):
            return False
        policy_ = CompanyPolicy()
        return policy_.can_change(user, link.company) and policy_.can_view(user, link.linked_company)

    can_delete = can_create
