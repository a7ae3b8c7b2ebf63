"""The daily request figures (`RequestFact`): built right, kept current after writes, rebuilt on demand.

The figures themselves are tested against hand-computed values in test_figures.py (read from the facts);
here: the facts agree with counting the requests directly, under every filter; PostgreSQL's set-based
rebuild writes the same rows as the Python one; and writes refresh them after commit, once per transaction.
"""

import random
from collections import Counter
from datetime import date, timedelta
from io import StringIO
from itertools import count

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from dashboards import facts, tasks
from dashboards.models import RequestFact
from dashboards.selectors import (
    Filters,
    Period,
    Scope,
    requests_by,
    requests_by_month,
    requests_by_target_market,
    requests_received,
    speed,
)
from dashboards.signals import refresh_days
from referrals.models import AdviceRequest, NeedCategory
from referrals.services import workflow
from tests.dashboards.conftest import stockholm
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
NEEDS = ["market-selection", "buyer-credit-risk", "export-finance", "trade-fairs"]


def _rows() -> Counter:
    fields = [*facts._KEYS, *facts._MEASURES]
    return Counter(tuple(row) for row in RequestFact.objects.values_list(*fields))


@pytest.fixture
def varied(dash, make_request):
    """Forty requests over three months: 0–3 needs, 0–3 markets, owned on time, late or not at all."""
    rng = random.Random(16)
    companies = [
        CompanyFactory(employee_band="5-9"),
        CompanyFactory(employee_band="50-99", municipality_id="0305"),
        CompanyFactory(employee_band="", sni_code=None),
    ]
    for i in range(40):
        received = stockholm(2026, 3 + i % 3, 1 + i % 27, 8 + i % 9)
        owned = rng.choice(["on_time", "late", "none"])
        make_request(
            received,
            company=rng.choice(companies),
            channel=rng.choice(list(AdviceRequest.Channel.values)),
            needs=rng.sample(NEEDS, rng.randint(0, 3)),
            markets=rng.sample(["DE", "NO", "US", "CN"], rng.randint(0, 3)),
            owner=None if owned == "none" else rng.choice([dash.almi, dash.ekn]),
            owner_since={"on_time": received + timedelta(hours=2), "late": received + timedelta(days=9)}.get(
                owned
            ),
        )
    return dash


def _received_now(dash, company) -> AdviceRequest:
    """A request saved now, as a service would: the signals see it (no backdating UPDATE)."""
    number = next(_numbers)
    return AdviceRequest.objects.create(
        reference=f"T-{number}",
        year=2026,
        number=number,
        region=dash.region,
        company=company,
        first_response_due_at=stockholm(2030, 1, 1, 17),
    )


_numbers = count(900_001)


def _counted(requests, key: str) -> dict:
    """The definition, counted from the requests: each request once per value of `key`."""
    rows = requests.values(value=F(key)).annotate(n=Count("pk", distinct=True))
    return {
        row["value"] or "": row["n"] for row in rows if not (key == "needs__slug" and row["value"] is None)
    }


FILTERS = [
    Filters(),
    Filters(need="buyer-credit-risk"),
    Filters(county="03"),
    Filters(municipality="0305"),
    Filters(size_band="5-9"),
    Filters(sni_section="C"),
]


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_the_facts_count_what_the_requests_say(varied, filters):
    scope = Scope(varied.region)
    requests = AdviceRequest.objects.filter(region=varied.region).filter(filters.company_q())
    if filters.need:
        requests = requests.filter(pk__in=AdviceRequest.objects.filter(needs__slug=filters.need).values("pk"))
    assert requests_received(scope, YEAR, filters) == requests.count()
    for dimension, key in [
        ("channel", "channel"),
        ("municipality", "company__municipality"),
        ("size_band", "company__employee_band"),
        ("sni_section", "company__sni_code__section"),
    ]:
        got = {row["key"]: row["count"] for row in requests_by(dimension, scope, YEAR, filters)}
        assert got == _counted(requests, key), dimension
    needs = {row["key"]: row["count"] for row in requests_by("need", scope, YEAR, filters)}
    expected_needs = _counted(requests, "needs__slug")
    if filters.need:  # under a need filter, "by need" shows that need
        expected_needs = {filters.need: expected_needs.get(filters.need)} if expected_needs else {}
    assert needs == expected_needs
    markets = Counter(market.code for request in requests for market in request.target_markets)
    got_markets = {row["key"]: row["count"] for row in requests_by_target_market(scope, YEAR, filters)}
    assert got_markets == {str(code): n for code, n in markets.items()}
    per_month = {row["key"]: row["count"] for row in requests_by_month(scope, YEAR, filters)}
    assert sum(per_month.values()) == requests.count()
    owned = requests.filter(owner_since__isnull=False)
    figures = speed(scope, YEAR, filters)
    decided = requests.filter(Q(owner_since__isnull=False) | Q(first_response_due_at__lt=timezone.now()))
    assert figures["decided"] == decided.count()
    assert (
        figures["owner_within_one_working_day"]
        == owned.filter(owner_since__lte=F("first_response_due_at")).count()
    )


@pytest.mark.postgres
def test_postgresqls_set_based_rebuild_writes_the_python_rows(varied, is_postgres):
    if not is_postgres:
        pytest.skip("the set-based rebuild is PostgreSQL's")
    facts.rebuild()
    from_sql = _rows()
    RequestFact.objects.all().delete()
    facts._write(facts.cells(AdviceRequest.objects.filter(region=varied.region)))
    assert _rows() == from_sql
    assert (
        sum(
            n
            for (*_, first_need, _m, first_market, _due, n, _o, _t) in from_sql
            if first_need and first_market
        )
        == 40
    )


def test_a_refresh_and_a_rebuild_can_be_repeated(varied):
    facts.rebuild()
    once = _rows()
    facts.rebuild()
    facts.refresh(varied.region.pk, [date(2026, 3, 1), date(2026, 4, 2), date(2026, 4, 3)])
    assert _rows() == once
    assert sum(once.values()) == RequestFact.objects.count() > 40


def test_writes_refresh_the_facts_after_commit_once_per_transaction(dash, django_capture_on_commit_callbacks):
    company = CompanyFactory(employee_band="5-9")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request = _received_now(dash, company)
        request.needs.set(NeedCategory.objects.filter(slug__in=["export-finance", "market-selection"]))
    assert (
        sum(getattr(callback, "flush", None) is refresh_days for callback in callbacks) == 1
    )  # two saves, one
    scope, today = Scope(dash.region), facts.day_of(request.created_at)
    period = Period(today, today)
    assert requests_received(scope, period, Filters()) == 1
    assert {row["key"] for row in requests_by("need", scope, period, Filters())} == {
        "export-finance",
        "market-selection",
    }

    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim(request=request, advisor=dash.advisor)  # the owner moves by a conditional UPDATE
    assert requests_received(Scope(dash.region, organisation_id=dash.almi.pk), period, Filters()) == 1
    assert speed(scope, period, Filters())["owner_within_one_working_day"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        company.municipality_id = "0305"
        company.save()
    assert requests_received(scope, period, Filters(municipality="0305")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        request.delete()
    assert requests_received(scope, period, Filters()) == 0
    assert not RequestFact.objects.exists()


def test_a_rolled_back_write_refreshes_nothing(dash, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        CompanyFactory().save()
        _received_now(dash, CompanyFactory())
        raise RuntimeError
    assert callbacks == []
    assert not RequestFact.objects.exists()


def test_the_nightly_task_rebuilds_the_recent_days_only(varied, settings):
    facts.rebuild()
    settings.DASHBOARD_FACTS_NIGHTLY_DAYS = (timezone.localdate() - date(2026, 4, 15)).days
    RequestFact.objects.filter(day__lt=date(2026, 4, 15)).update(requests=999)  # older: left as it is
    RequestFact.objects.filter(day__gte=date(2026, 4, 15)).update(requests=999)  # recent: rebuilt
    tasks.rebuild_recent_request_facts()
    assert RequestFact.objects.filter(day__lt=date(2026, 4, 15), requests=999).exists()
    assert not RequestFact.objects.filter(day__gte=date(2026, 4, 15), requests=999).exists()
    tasks.refresh_request_facts(varied.region.pk, ["2026-03-01", "2026-04-01"])
    assert not RequestFact.objects.filter(day__in=[date(2026, 3, 1), date(2026, 4, 1)], requests=999).exists()


def test_the_command(varied):
    out = StringIO()
    call_command("rebuild_dashboard_facts", stdout=out)
    assert f"{RequestFact.objects.count()} rows" in out.getvalue()
    call_command(
        "rebuild_dashboard_facts", "--since", "2026-05-01", "--region", str(varied.region.pk), stdout=out
    )
    assert RequestFact.objects.filter(day__lt=date(2026, 5, 1)).exists()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rebuild_dashboard_facts", "--since", "1 May")


def test_without_a_broker_the_days_are_refreshed_inline(
    dash, monkeypatch, django_capture_on_commit_callbacks
):
    from exportcenter import broker

    monkeypatch.setattr(broker, "publish", lambda task, *args: False)  # down, or backing off
    with django_capture_on_commit_callbacks(execute=True):
        request = _received_now(dash, CompanyFactory())
    today = facts.day_of(request.created_at)
    assert requests_received(Scope(dash.region), Period(today, today), Filters()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_a_transaction_refreshes_its_day(dash):
    """post_save of a plain save comes after its atomic block: the refresh runs at once, with the day."""
    request = _received_now(dash, CompanyFactory())
    today = facts.day_of(request.created_at)
    assert requests_received(Scope(dash.region), Period(today, today), Filters()) == 1
