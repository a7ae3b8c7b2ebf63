"""The worklist's sections: what each is called, what it says when empty, where its full list is, and who
sees it (asked of the access module). The page and `/api/v1/worklist/` both read `sections_for(user)`."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from advisors import access
from advisors.models import Organisation, Region
from referrals.models import AdviceRequest, InboxView

from . import selectors


def _inbox(**params) -> str:
    return f"{reverse('referrals:inbox')}?{urlencode(params)}"


@dataclass(frozen=True)
class Kind:
    """One kind of section."""

    key: str
    title: str
    empty: str
    full_list: Callable[[], str]
    read: Callable
    audience: str  # "advisor", "lead" or "region": for the page's grouping


@dataclass
class Section:
    """One section of one user's worklist."""

    kind: Kind
    count: int
    rows: list

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def empty(self) -> str:
        return self.kind.empty

    @property
    def url(self) -> str:
        return self.kind.full_list()

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))


KINDS = {
    kind.key: kind
    for kind in [
        Kind(
            "my_requests",
            _("My open requests"),
            _("Requests you own appear here, the overdue first, then by deadline."),
            lambda: _inbox(view=InboxView.MINE, sort="deadline"),
            selectors.my_open_requests,
            "advisor",
        ),
        Kind(
            "referrals_waiting",
            _("Referrals waiting for our answer"),
            _("Requests that other partners refer to your organisation appear here until someone answers."),
            lambda: f"{reverse('referrals:referrals')}?direction=to_us&status=pending",
            selectors.referrals_waiting,
            "advisor",
        ),
        Kind(
            "follow_ups",
            _("My follow-ups due"),
            _("Your follow-ups due today and those overdue appear here."),
            lambda: reverse("outreach:follow_ups"),
            selectors.my_follow_ups_due,
            "advisor",
        ),
        Kind(
            "waiting_for_company",
            _("Waiting for the company"),
            _(
                "Your requests that have waited for the company for more than the set number of days appear "
                "here, so that you can remind the company."
            ),
            lambda: _inbox(view=InboxView.MINE, status=AdviceRequest.Status.WAITING_FOR_COMPANY),
            selectors.waiting_for_company,
            "advisor",
        ),
        Kind(
            "latest_replies",
            _("Latest replies from companies"),
            _("Messages from companies on your open requests in the last two weeks appear here."),
            lambda: _inbox(view=InboxView.MINE),
            selectors.latest_replies,
            "advisor",
        ),
        Kind(
            "team_load",
            _("Our advisors' workload"),
            _("The people of your organisation appear here with their open and overdue requests."),
            lambda: _inbox(view=InboxView.ORGANISATION),
            selectors.team_load,
            "lead",
        ),
        Kind(
            "referral_answers_due",
            _("Referral answers due"),
            _("Referrals to your organisation whose answer is due today or overdue appear here."),
            lambda: f"{reverse('referrals:referrals')}?direction=to_us&status=pending",
            selectors.referral_answers_due,
            "lead",
        ),
        Kind(
            "unassigned",
            _("Unassigned queue"),
            _("Requests from counties that no export center serves appear here, the oldest first."),
            lambda: reverse("referrals:unassigned"),
            selectors.unassigned_queue,
            "region",
        ),
        Kind(
            "overdue_by_partner",
            _("Overdue requests by partner"),
            _(
                "Open requests in your regions whose first-response deadline has passed appear here, "
                "by partner."
            ),
            lambda: _inbox(view=InboxView.OVERDUE),
            selectors.overdue_by_partner,
            "region",
        ),
        Kind(
            "goals",
            _("Goals' progress"),
            _("This year's regional goals appear here once regional staff have set them."),
            lambda: reverse("dashboards:goals"),
            selectors.goals_progress,
            "region",
        ),
    ]
}

ADVISOR_SECTIONS = ["my_requests", "referrals_waiting", "follow_ups", "waiting_for_company", "latest_replies"]
LEAD_SECTIONS = ["team_load", "referral_answers_due"]
REGION_SECTIONS = ["overdue_by_partner", "goals"]


def section_keys(user) -> list[str]:
    """The sections this user sees, in the page's order: the access module decides who oversees what."""
    # What the user oversees comes first: it is the part of the page that is theirs alone.
    keys = []
    if access.can(user, access.Action.OVERSEE, Organisation):
        keys += LEAD_SECTIONS
    if access.can(user, access.Action.VIEW_UNASSIGNED, AdviceRequest):
        keys.append("unassigned")
    if access.can(user, access.Action.OVERSEE, Region):
        keys += REGION_SECTIONS
    keys += ADVISOR_SECTIONS
    return keys


def sections_for(user, *, limit: int = selectors.ROWS) -> list[Section]:
    """The user's worklist: one query per section."""
    sections = []
    for key in section_keys(user):
        kind = KINDS[key]
        found = kind.read(user, limit=limit)
        sections.append(Section(kind=kind, count=found.count, rows=found.rows))
    return sections
