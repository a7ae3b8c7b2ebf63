"""The one access-control module. Every view, API endpoint, template and export asks it.

It answers two questions:

- ``can(user, action, obj)``: may this user do this to this object (or, for "create", this model)?
- ``visible(user, queryset)``: which of these objects may this user see?

Rules are grouped in one policy per model, registered by model label so that this module never imports
another app's models. Superusers may do everything; anonymous and inactive users nothing. A model without
a policy is closed: nothing is visible and nothing is allowed. An action that is not an `Action` raises
`UnknownAction`: a typo must not read as "denied".

Each view rule is written once, as a query (`Policy.view_filter`, a `Q`). `visible()` filters by it, and
`can(user, "view", obj)` evaluates the same `Q` against the object in memory where it can (its own fields,
and relations already loaded), or else asks the database about that one row. A policy that answers "view"
in Python instead (a fast path, to spare a query per row) must give the same answer:
tests/advisors/test_access_property.py checks `can(view) == visible()` for every policy, role and object.

The package: `base` (the actions, the policy registry and the four questions: `can`, `visible`, `permitted`,
`require`), `rules` (a view rule's Q, evaluated on one object in memory) and one module of policies per
subject: `partners` (regions, organisations, their services, people, sign-in lockouts, API tokens,
notifications), `companies` (companies, contacts, imports), `requests` (requests, their timelines,
referrals, saved views, need categories, canned replies), `outreach` (campaigns, their members, activities,
follow-ups, calendar feeds), `oversight` (regional goals, the retention job, the audit log), `effects`
(export outcomes), `surveys` (satisfaction and follow-up surveys), `national` (the national roll-up),
`projects` (EU-funded projects, their participating companies and de minimis aid) and `statistics`
(official county statistics and their import log), `mailboxes` (mailboxes, the messages taken from
them, and the files on a request).
Importing the package registers every policy.
"""

# isort: off
# The base first, then the policy modules: importing them registers their policies.
from .base import (
    Action,
    Policy,
    UnknownAction,
    can,
    county_ids,
    permitted,
    policy,
    region_ids,
    regions_of,
    registered_policies,
    require,
    visible,
)
from .rules import evaluate, through
from .partners import (
    RegionPolicy,
    OrganisationPolicy,
    ServicePolicy,
    UserPolicy,
    AccessAttemptPolicy,
    ApiTokenPolicy,
    NotificationPolicy,
)
from .companies import CompanyPolicy, ContactPolicy, CompanyImportPolicy
from .requests import (
    AdviceRequestPolicy,
    RequestEventPolicy,
    ReferralPolicy,
    SavedViewPolicy,
    NeedCategoryPolicy,
    CannedReplyPolicy,
)
from .outreach import (
    CampaignPolicy,
    CampaignMemberPolicy,
    ActivityPolicy,
    FollowUpPolicy,
    CalendarFeedPolicy,
)
from .oversight import RegionalGoalPolicy, RetentionRunPolicy, AuditEntryPolicy
from . import effects, surveys, national  # noqa: F401 - issue 18: outcomes, surveys, national figures
from . import projects  # noqa: F401 - issue 19: EU-funded projects, participations, de minimis aid
from . import statistics  # noqa: F401 - issue 19: official regional statistics and their imports
from . import mailboxes  # noqa: F401 - issue 20: mailboxes, inbound messages and attachments
# isort: on

__all__ = [
    "AccessAttemptPolicy",
    "Action",
    "ActivityPolicy",
    "AdviceRequestPolicy",
    "ApiTokenPolicy",
    "AuditEntryPolicy",
    "CalendarFeedPolicy",
    "CampaignMemberPolicy",
    "CampaignPolicy",
    "CannedReplyPolicy",
    "CompanyImportPolicy",
    "CompanyPolicy",
    "ContactPolicy",
    "FollowUpPolicy",
    "NeedCategoryPolicy",
    "NotificationPolicy",
    "OrganisationPolicy",
    "Policy",
    "ReferralPolicy",
    "RegionPolicy",
    "RegionalGoalPolicy",
    "RequestEventPolicy",
    "RetentionRunPolicy",
    "SavedViewPolicy",
    "ServicePolicy",
    "UnknownAction",
    "UserPolicy",
    "can",
    "county_ids",
    "evaluate",
    "permitted",
    "policy",
    "region_ids",
    "regions_of",
    "registered_policies",
    "require",
    "through",
    "visible",
]
