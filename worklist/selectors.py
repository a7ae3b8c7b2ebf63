"""The worklist's sections: one function per section, each one query however many rows there are.

Each returns a `Rows`: the first `limit` rows and how many there are in all. The total rides on every row as a
window count (`COUNT(*) OVER ()`, computed before the LIMIT), so a section's count and its rows are one query.
Who sees which section is the access module's answer (`worklist.sections`); every query here is also scoped
by `access.visible`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from advisors import access
from advisors.models import User
from dashboards.goals import confirmed_international
from dashboards.models import RegionalGoal
from dashboards.selectors import Filters
from exportcenter.workdays import STOCKHOLM, local_date
from outreach.models import FollowUp
from referrals.filters import deadline_state_q
from referrals.models import AdviceRequest, Referral, RequestEvent

ROWS = 10  # rows shown per section; "Show all" leads to the full list
LATEST_REPLY_DAYS = 14  # "latest replies": the companies' messages of the last two weeks


@dataclass
class Rows:
    count: int
    rows: list = field(default_factory=list)


def _rows(queryset: QuerySet, limit: int) -> Rows:
    """The first `limit` rows with the count of all of them, in one query."""
    rows = list(queryset.annotate(worklist_total=Window(Count("*")))[:limit])
    return Rows(count=rows[0].worklist_total if rows else 0, rows=rows)


OPEN_STATUSES = [status for status in AdviceRequest.Status.values if status != AdviceRequest.Status.CLOSED]


def _open() -> Q:
    return ~Q(status=AdviceRequest.Status.CLOSED)


def _start_of_tomorrow(now: datetime) -> datetime:
    return datetime.combine(local_date(now) + timedelta(days=1), time.min, tzinfo=STOCKHOLM)


def _requests(user) -> QuerySet[AdviceRequest]:
    return access.visible(user, AdviceRequest.objects.all()).select_related("company")


# --- Every advisor ---------------------------------------------------------------------------------------


def my_open_requests(user, *, limit: int = ROWS, now: datetime | None = None) -> Rows:
    """The user's open requests by deadline: overdue first, then those still to answer by their first-response
    deadline, then those answered (oldest deadline first)."""
    now = now or timezone.now()
    urgency = Case(
        When(deadline_state_q("overdue", now), then=Value(0)),
        When(first_response_at__isnull=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    requests = (
        _requests(user)
        .filter(_open(), owner_advisor_id=user.pk)
        .annotate(urgency=urgency)
        .order_by("urgency", "first_response_due_at", "pk")
    )
    return _rows(requests, limit)


def referrals_waiting(user, *, limit: int = ROWS) -> Rows:
    """Referrals to the user's organisation that wait for its answer, the first due first."""
    if user.organisation_id is None:
        return Rows(0)
    referrals = (
        access.visible(user, Referral.objects.all())
        .filter(to_organisation_id=user.organisation_id, status=Referral.Status.PENDING)
        .select_related("request__company", "from_organisation")
        .order_by("due_at", "pk")
    )
    return _rows(referrals, limit)


def my_follow_ups_due(user, *, limit: int = ROWS, today: date | None = None) -> Rows:
    """The user's open follow-ups due today or earlier, the oldest first."""
    today = today or timezone.localdate()
    follow_ups = (
        access.visible(user, FollowUp.objects.open())
        .filter(owner_id=user.pk, due_on__lte=today)
        .select_related("company", "request")
        .order_by("due_on", "due_time", "pk")
    )
    return _rows(follow_ups, limit)


def waiting_for_company(user, *, limit: int = ROWS, now: datetime | None = None) -> Rows:
    """The user's requests waiting for the company for more than WAITING_NUDGE_DAYS, the longest waiting
    first. Waiting since: the last status change (a reply from the company ends the wait), else the last
    update."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WAITING_NUDGE_DAYS)
    last_change = (
        RequestEvent.objects.filter(request=OuterRef("pk"), kind=RequestEvent.Kind.STATUS_CHANGED)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    requests = (
        _requests(user)
        .filter(owner_advisor_id=user.pk, status=AdviceRequest.Status.WAITING_FOR_COMPANY)
        .annotate(waiting_since=Coalesce(Subquery(last_change), F("updated_at")))
        .filter(waiting_since__lt=cutoff)
        .order_by("waiting_since", "pk")
    )
    return _rows(requests, limit)


def latest_replies(user, *, limit: int = ROWS, now: datetime | None = None) -> Rows:
    """The companies' messages of the last LATEST_REPLY_DAYS on open requests the user owns, newest first."""
    now = now or timezone.now()
    replies = (
        access.visible(user, RequestEvent.objects.all())
        .filter(
            kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY,
            request__owner_advisor_id=user.pk,
            created_at__gte=now - timedelta(days=LATEST_REPLY_DAYS),
        )
        .exclude(request__status=AdviceRequest.Status.CLOSED)
        .select_related("request__company")
        .order_by("-created_at", "-pk")
    )
    return _rows(replies, limit)


# --- Organisation leads ----------------------------------------------------------------------------------


def team_load(user, *, limit: int = ROWS, now: datetime | None = None) -> Rows:
    """The active people of the user's organisation with their open and overdue requests, the most overdue
    first."""
    if user.organisation_id is None:
        return Rows(0)
    now = now or timezone.now()
    owned_open = Q(owned_requests__status__in=OPEN_STATUSES)
    people = (
        access.visible(user, User.objects.filter(is_active=True, organisation_id=user.organisation_id))
        .annotate(
            open_count=Count("owned_requests", filter=owned_open),
            overdue_count=Count(
                "owned_requests",
                filter=owned_open
                & Q(owned_requests__first_response_at__isnull=True)
                & Q(owned_requests__first_response_due_at__lt=now),
            ),
        )
        .order_by("-overdue_count", "-open_count", "full_name", "pk")
    )
    return _rows(people, limit)


def referral_answers_due(user, *, limit: int = ROWS, now: datetime | None = None) -> Rows:
    """Referrals to the user's organisation whose answer is due today or overdue, the first due first."""
    if user.organisation_id is None:
        return Rows(0)
    now = now or timezone.now()
    referrals = (
        access.visible(user, Referral.objects.all())
        .filter(
            to_organisation_id=user.organisation_id,
            status=Referral.Status.PENDING,
            due_at__lt=_start_of_tomorrow(now),
        )
        .select_related("request__company", "from_organisation")
        .order_by("due_at", "pk")
    )
    return _rows(referrals, limit)


# --- Regional staff --------------------------------------------------------------------------------------


def unassigned_queue(user, *, limit: int = ROWS) -> Rows:
    """Open requests from counties no region serves, the oldest first."""
    requests = (
        _requests(user)
        .filter(_open(), region__isnull=True)
        .select_related("company__municipality")
        .order_by("created_at", "pk")
    )
    return _rows(requests, limit)


class _SumOver(Func):
    """SUM(...) as a window over a grouped query's rows: the total of a per-group count."""

    function = "SUM"
    window_compatible = True


@dataclass
class PartnerOverdue:
    organisation_id: int | None
    name: str | None  # None: no partner owns them yet
    count: int


def overdue_by_partner(user, *, limit: int = ROWS, now: datetime | None = None) -> Rows:
    """The overdue open requests of the user's regions per owning partner (no owner yet: one row), the most
    first. The section's count is all of them; `partners` on the result, how many partners."""
    now = now or timezone.now()
    groups = (
        _requests(user)
        .filter(_open(), deadline_state_q("overdue", now), region_id__in=access.region_ids(user))
        .order_by()
        .values("owner_organisation_id", "owner_organisation__name")
        .annotate(
            overdue=Count("pk"),
            total=Window(_SumOver(Count("pk"), output_field=IntegerField())),
        )
        .order_by("-overdue", "owner_organisation__name", "owner_organisation_id")
    )
    rows = list(groups[:limit])
    return Rows(
        count=rows[0]["total"] if rows else 0,
        rows=[
            PartnerOverdue(row["owner_organisation_id"], row["owner_organisation__name"], row["overdue"])
            for row in rows
        ],
    )


def _day_of_year(month_day: str) -> Cast:
    """The goal's `year` with this "-MM-DD" as a date, on PostgreSQL and SQLite alike (PostgreSQL's
    MAKE_DATE is not SQLite's: the embedded default's worklist failed on it)."""
    return Cast(Concat(Cast("year", CharField()), Value(month_day)), DateField())


def goals_progress(user, *, limit: int = ROWS, today: date | None = None) -> Rows:
    """This year's goals of the user's first region (and a goal whose period runs now), with the actual
    count where the dashboards count it in the same way: newly international companies, confirmed during
    the goal's period (`dashboards.goals.newly_international`). Other goals show their baseline and
    target; the dashboard has the rest. Progress is never negative."""
    today = today or timezone.localdate()
    region = next((region for region in access.regions_of(user) if region.is_active), None)
    if region is None:
        return Rows(0)
    # The goal's period, each end defaulting to its year's (as `dashboards.goals.goal_period`).
    starts = Coalesce("starts_on", _day_of_year("-01-01"))
    ends = Coalesce("ends_on", _day_of_year("-12-31"))
    international = (
        confirmed_international(region, Filters())
        .filter(international_confirmed_on__gte=OuterRef("period_start"))
        .filter(international_confirmed_on__lte=OuterRef("period_end"))
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    goals = (
        access.visible(
            user,
            RegionalGoal.objects.filter(region=region).filter(
                Q(year=today.year)
                | Q(kind=RegionalGoal.Kind.INTERNATIONAL_COMPANIES, starts_on__lte=today, ends_on__gte=today)
            ),
        )
        .select_related("region")
        .annotate(period_start=starts, period_end=ends)
        .annotate(
            actual=Case(
                When(
                    kind=RegionalGoal.Kind.INTERNATIONAL_COMPANIES, then=Coalesce(Subquery(international), 0)
                ),
                default=None,
                output_field=IntegerField(),
            )
        )
        .order_by("kind", "name", "pk")
    )
    result = _rows(goals, limit)
    for goal in result.rows:
        baseline = 0 if goal.kind == RegionalGoal.Kind.INTERNATIONAL_COMPANIES else goal.baseline
        goal.progress_percent = None
        if goal.actual is not None and goal.target != baseline:
            progress = 100 * (goal.actual - baseline) / (goal.target - baseline)
            goal.progress_percent = round(max(0.0, min(100.0, progress)), 1)
    return result
