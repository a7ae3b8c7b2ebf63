"""The daily request figures (`RequestFact`): how they are built from the requests, kept current and read.

- **Built** per region and Stockholm calendar day: the requests received that day, counted per
  combination of the dashboard's dimensions (owner, channel, county, municipality, SNI section, size band,
  need, target market) with the counts the speed figure needs (owned, owned within the deadline).
- **Kept current:** a change to a request (its owner, needs, markets, company…) or to a company's
  municipality, industry or size refreshes the days it touches, after the transaction commits, through the
  idempotent Celery task `dashboards.tasks.refresh_request_facts` (dashboards/signals.py), queued once
  per region and day until it starts (`queue_once`: a burst of submissions makes one refresh). A nightly task
  rebuilds every day of the last `DASHBOARD_FACTS_NIGHTLY_DAYS` days, which also catches writes that go
  around the models' signals (a bulk `QuerySet.update()`, a changed reference table);
  `manage.py rebuild_dashboard_facts` rebuilds all.
- **Refreshing a day** deletes its rows and writes them again from the requests, in one transaction under
  an advisory lock per region (PostgreSQL), so two refreshes of the same region never interleave and a
  refresh can be repeated any number of times with the same result.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from exportcenter.locks import wait_for_lock
from exportcenter.workdays import STOCKHOLM
from referrals.models import AdviceRequest

from . import cache
from .models import RequestFact

BATCH = 2_000

_REQUEST_COLUMNS = (
    "pk",
    "region_id",
    "created_at",
    "owner_organisation_id",
    "owner_advisor_id",
    "channel",
    "company__municipality__county_id",
    "company__municipality_id",
    "company__sni_code__section_id",
    "company__employee_band",
    "owner_since",
    "first_response_due_at",
    "target_markets",
)


def day_of(moment: datetime) -> date:
    return timezone.localtime(moment, STOCKHOLM).date()


def _market_codes(value) -> list[str]:
    """The codes of a target-markets value: django-countries keeps them comma-separated in one column."""
    if isinstance(value, str):
        return [code for code in value.split(",") if code]
    return [str(getattr(market, "code", market)) for market in value or ()]


def cells(requests: QuerySet[AdviceRequest]) -> Counter:
    """The fact rows of `requests`: {dimensions: [requests, owned, owned on time]} (one pass, two queries)."""
    rows = list(requests.values_list(*_REQUEST_COLUMNS))
    needs = defaultdict(list)
    through = AdviceRequest.needs.through.objects.filter(advicerequest__in=requests)
    for request_id, need_id in through.order_by("needcategory__position", "needcategory_id").values_list(
        "advicerequest_id", "needcategory_id"
    ):
        needs[request_id].append(need_id)
    counted: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (
        pk,
        region_id,
        created_at,
        org,
        advisor,
        channel,
        county,
        municipality,
        section,
        band,
        since,
        due,
        m,
    ) in rows:
        owned = since is not None
        on_time = owned and since <= due
        base = (
            region_id,
            day_of(created_at),
            org,
            advisor,
            channel,
            county,
            municipality,
            section,
            band or "",
        )
        for n, need in enumerate(needs.get(pk) or [None]):
            for k, market in enumerate(_market_codes(m) or [""]):
                cell = counted[(*base, need, n == 0, market, k == 0, due)]
                cell[0] += 1
                cell[1] += owned
                cell[2] += on_time
    return counted


_KEYS = (
    "region_id",
    "day",
    "owner_organisation_id",
    "owner_advisor_id",
    "channel",
    "county_id",
    "municipality_id",
    "sni_section_id",
    "size_band",
    "need_id",
    "first_need",
    "market",
    "first_market",
    "first_response_due_at",
)
_MEASURES = ("requests", "owned", "owned_on_time")


def _write(counted: dict) -> int:
    facts = [
        RequestFact(**dict(zip(_KEYS + _MEASURES, (*key, *m), strict=True))) for key, m in counted.items()
    ]
    RequestFact.objects.bulk_create(facts, batch_size=BATCH)
    return len(facts)


def _sql_insert() -> str:
    """PostgreSQL: the same rows as `cells()` in one INSERT … SELECT (a rebuild of millions of requests
    in seconds rather than minutes). `test_facts` checks that both give the same rows."""
    from companies.models import Company
    from reference.models import Municipality, SNICode
    from referrals.models import NeedCategory

    table = RequestFact._meta.db_table
    needs = AdviceRequest.needs.through._meta.db_table
    return f"""
        INSERT INTO {table} ({", ".join(_KEYS + _MEASURES)})
        SELECT r.region_id, (r.created_at AT TIME ZONE %(tz)s)::date, r.owner_organisation_id,
               r.owner_advisor_id, r.channel, m.county_id, c.municipality_id, s.section_id, c.employee_band,
               n.needcategory_id, COALESCE(n.ord, 1) = 1, COALESCE(mk.code, ''), COALESCE(mk.ord, 1) = 1,
               r.first_response_due_at, COUNT(*), COUNT(r.owner_since),
               COUNT(*) FILTER (WHERE r.owner_since <= r.first_response_due_at)
        FROM {AdviceRequest._meta.db_table} r
        JOIN {Company._meta.db_table} c ON c.id = r.company_id
        LEFT JOIN {Municipality._meta.db_table} m ON m.code = c.municipality_id
        LEFT JOIN {SNICode._meta.db_table} s ON s.code = c.sni_code_id
        LEFT JOIN (
            SELECT t.advicerequest_id, t.needcategory_id,
                   row_number() OVER (PARTITION BY t.advicerequest_id ORDER BY nc.position, nc.id) AS ord
            FROM {needs} t JOIN {NeedCategory._meta.db_table} nc ON nc.id = t.needcategory_id
            WHERE t.advicerequest_id IN (
                SELECT id FROM {AdviceRequest._meta.db_table}
                WHERE region_id = %(region)s AND created_at >= %(start)s AND created_at < %(end)s
            )
        ) n ON n.advicerequest_id = r.id
        LEFT JOIN LATERAL unnest(string_to_array(NULLIF(r.target_markets, ''), ','))
            WITH ORDINALITY AS mk(code, ord) ON true
        WHERE r.region_id = %(region)s AND r.created_at >= %(start)s AND r.created_at < %(end)s
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14
    """  # noqa: S608  # nosec B608: table names from the models, values as parameters


def _insert_range(region_id: int, start: date, end: date) -> int:
    """Write the facts of the days `start` up to (not including) `end`, which hold none now."""
    starts_at = datetime.combine(start, time.min, tzinfo=STOCKHOLM)
    ends_at = datetime.combine(end, time.min, tzinfo=STOCKHOLM)
    if connection.vendor == "postgresql":
        params = {"tz": str(STOCKHOLM), "region": region_id, "start": starts_at, "end": ends_at}
        with connection.cursor() as cursor:
            cursor.execute(_sql_insert(), params)
            return cursor.rowcount
    requests = AdviceRequest.objects.filter(
        region_id=region_id, created_at__gte=starts_at, created_at__lt=ends_at
    )
    return _write(cells(requests))


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: [(first, the day after the last)]."""
    runs = []
    for day in days:
        if runs and runs[-1][1] == day:
            runs[-1] = (runs[-1][0], day + timedelta(days=1))
        else:
            runs.append((day, day + timedelta(days=1)))
    return runs


# How long a day stays "queued" when its task is lost (a broker that dropped it): then a change queues it
# again. As long as a message may wait unacknowledged (CELERY_VISIBILITY_TIMEOUT's default).
QUEUED_SECONDS = 15 * 60


def _queued_key(region_id: int, day: str) -> str:
    return f"dashboards:facts-queued:{region_id}:{day}"


def queue_once(region_id: int, days: list[str]) -> list[str]:
    """The days (ISO) of a region that no queued refresh will read yet, marked as queued now. Only with a
    cache the web and the workers share (`DASHBOARD_REFRESH_BY_WORKER`): otherwise every day, every time.
    A cache that fails leaves the day to a new task."""
    if not settings.DASHBOARD_REFRESH_BY_WORKER:
        return days
    fresh = []
    for day in days:
        try:
            queued = not django_cache.add(_queued_key(region_id, day), 1, QUEUED_SECONDS)
        except Exception:
            queued = False
        if not queued:
            fresh.append(day)
    return fresh


def started(region_id: int, days: Iterable[str]) -> None:
    """A refresh of these days starts: a change that commits from now on queues the days again (this
    refresh may read the requests before it)."""
    with suppress(Exception):
        django_cache.delete_many([_queued_key(region_id, day) for day in days])


def refresh(region_id: int, days: Iterable[date]) -> int:
    """Write the facts of `days` of one region again from its requests. Returns the rows written."""
    days = sorted(set(days))
    if not days:
        return 0
    with transaction.atomic():
        wait_for_lock(f"dashboards.request-facts.{region_id}")
        RequestFact.objects.filter(region_id=region_id, day__in=days).delete()
        transaction.on_commit(partial(cache.changed, region_id))
        return sum(_insert_range(region_id, start, end) for start, end in _runs(days))


def rebuild(*, region_ids: Iterable[int] | None = None, since: date | None = None) -> int:
    """Rebuild the facts of every region (or of `region_ids`), of every day or of the days from `since`,
    one transaction per region. Returns the rows written."""
    from advisors.models import Region

    regions = Region.objects.order_by("pk").values_list("pk", flat=True)
    if region_ids is not None:
        regions = regions.filter(pk__in=list(region_ids))
    start = since or date(1900, 1, 1)
    end = timezone.localdate(timezone=STOCKHOLM) + timedelta(days=2)  # today, whatever the clock's zone
    written = 0
    for region_id in regions:
        with transaction.atomic():
            wait_for_lock(f"dashboards.request-facts.{region_id}")
            RequestFact.objects.filter(region_id=region_id, day__gte=start).delete()
            transaction.on_commit(partial(cache.changed, region_id))
            written += _insert_range(region_id, start, end)
    return written
