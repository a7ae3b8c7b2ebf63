"""Each figure against hand-computed fixtures, table-driven."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from companies.models import Company
from dashboards.goals import goal_tracker, goals_overview, new_international_companies
from dashboards.models import RegionalGoal
from dashboards.selectors import (
    Filters,
    Period,
    Scope,
    companies_reached,
    outreach_funnel,
    referral_matrix,
    requests_by,
    requests_by_month,
    requests_by_target_market,
    requests_received,
    speed,
    workload,
)
from referrals.models import AdviceRequest, Referral
from tests.dashboards.conftest import stockholm
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

NO_FILTERS = Filters()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def month(year, number) -> Period:
    start = date(year, number, 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Period(start, end)


# --- Day boundaries in Swedish time ------------------------------------------------------------------

# (received at, in UTC; the Stockholm month it belongs to). Summer time 2026: 29 March to 25 October.
BOUNDARIES = [
    (utc(2026, 1, 31, 22, 59), (2026, 1)),  # 23:59 CET, still January
    (utc(2026, 1, 31, 23, 0), (2026, 2)),  # 00:00 CET on 1 February
    (utc(2026, 3, 31, 21, 59), (2026, 3)),  # 23:59 CEST (summer time since 29 March)
    (utc(2026, 3, 31, 22, 30), (2026, 4)),  # 00:30 CEST on 1 April, though still March in UTC
    (utc(2026, 3, 29, 0, 59), (2026, 3)),  # 01:59 CET, just before the switch to summer time
    (utc(2026, 10, 25, 0, 30), (2026, 10)),  # 02:30 CEST, the first of the two 02:30s
    (utc(2026, 10, 31, 22, 59), (2026, 10)),  # 23:59 CET (winter time again)
    (utc(2026, 10, 31, 23, 0), (2026, 11)),  # 00:00 CET on 1 November
]


@pytest.mark.parametrize(("received_at", "expected_month"), BOUNDARIES)
def test_a_request_belongs_to_its_stockholm_month(dash, make_request, received_at, expected_month):
    make_request(received_at)
    scope = Scope(dash.region)
    for candidate in [(2026, m) for m in range(1, 13)]:
        expected = 1 if candidate == expected_month else 0
        assert requests_received(scope, month(*candidate), NO_FILTERS) == expected, candidate
    by_month = requests_by_month(scope, Period(date(2026, 1, 1), date(2026, 12, 31)), NO_FILTERS)
    assert by_month == [
        {
            "key": f"{expected_month[0]}-{expected_month[1]:02d}",
            "label": f"{expected_month[0]}-{expected_month[1]:02d}",
            "count": 1,
        }
    ]


def test_day_boundaries_of_a_custom_period_around_the_autumn_switch(dash, make_request):
    # 25 October 2026 has 25 hours in Stockholm: 22:00 UTC on the 24th to 23:00 UTC on the 25th.
    for moment in [
        utc(2026, 10, 24, 21, 59),
        utc(2026, 10, 24, 22, 0),
        utc(2026, 10, 25, 22, 59),
        utc(2026, 10, 25, 23, 0),
    ]:
        make_request(moment)
    one_day = Period(date(2026, 10, 25), date(2026, 10, 25))
    assert requests_received(Scope(dash.region), one_day, NO_FILTERS) == 2


# --- Requests by dimension ---------------------------------------------------------------------------

MARCH = month(2026, 3)


def test_requests_by_channel_need_and_size(dash, make_request):
    small = CompanyFactory(employee_band="5-9")
    large = CompanyFactory(employee_band="50-99", municipality_id="0305")
    make_request(stockholm(2026, 3, 2, 9), company=small, needs=["market-selection", "buyer-credit-risk"])
    make_request(stockholm(2026, 3, 3, 9), company=small, channel=AdviceRequest.Channel.PHONE)
    make_request(stockholm(2026, 3, 4, 9), company=large, channel=AdviceRequest.Channel.PHONE)
    make_request(stockholm(2026, 4, 1, 9), company=large)  # April: outside the period
    scope = Scope(dash.region)

    def counts(dimension, filters=NO_FILTERS):
        return {row["key"]: row["count"] for row in requests_by(dimension, scope, MARCH, filters)}

    table = [
        ("channel", NO_FILTERS, {"web": 1, "phone": 2}),
        ("need", NO_FILTERS, {"market-selection": 3, "buyer-credit-risk": 1}),
        ("size_band", NO_FILTERS, {"5-9": 2, "50-99": 1}),
        ("municipality", NO_FILTERS, {"0380": 2, "0305": 1}),
        ("channel", Filters(size_band="5-9"), {"web": 1, "phone": 1}),
        ("channel", Filters(need="buyer-credit-risk"), {"web": 1}),
        ("size_band", Filters(municipality="0305"), {"50-99": 1}),
        ("channel", Filters(county="03"), {"web": 1, "phone": 2}),
        ("channel", Filters(county="01"), {}),
    ]
    for dimension, filters, expected in table:
        assert counts(dimension, filters) == expected, (dimension, filters)
    # A request with two needs is still one request under a need filter.
    assert requests_received(scope, MARCH, Filters(need="market-selection")) == 1 + 1 + 1
    labels = {row["key"]: row["label"] for row in requests_by("channel", scope, MARCH, NO_FILTERS)}
    assert labels == {"web": "Webbformulär", "phone": "Telefon"} or labels == {
        "web": "Web form",
        "phone": "Phone",
    }


def test_top_target_markets(dash, make_request):
    make_request(stockholm(2026, 3, 2, 9), markets=["DE", "NO"])
    make_request(stockholm(2026, 3, 3, 9), markets=["DE"])
    make_request(stockholm(2026, 3, 4, 9), markets=["US", "NO", "DE"], channel=AdviceRequest.Channel.PHONE)
    make_request(stockholm(2026, 3, 5, 9))  # no target market
    make_request(stockholm(2026, 4, 1, 9), markets=["FI"])  # April
    scope = Scope(dash.region)
    table = [
        (NO_FILTERS, [("DE", 3), ("NO", 2), ("US", 1)]),
        (Filters(need="buyer-credit-risk"), []),
    ]
    for filters, expected in table:
        rows = requests_by_target_market(scope, MARCH, filters)
        assert [(row["key"], row["count"]) for row in rows] == expected
    with translation.override("en"):
        assert requests_by_target_market(scope, MARCH, NO_FILTERS)[0]["label"] == "Germany"
    every_market = requests_by_target_market(scope, MARCH, NO_FILTERS)
    assert sum(row["count"] for row in every_market) == 6  # a request counts under each market


# --- Companies reached -------------------------------------------------------------------------------


def test_companies_reached_counts_merged_companies_once_and_referrals_in_the_period(
    dash, make_request, make_referral
):
    survivor = CompanyFactory()
    merged = CompanyFactory()
    Company.objects.filter(pk=merged.pk).update(merged_into=survivor)
    january = make_request(stockholm(2026, 1, 20, 10))  # received in January, referred in March
    make_request(stockholm(2026, 3, 5, 10), company=survivor)
    make_request(stockholm(2026, 3, 6, 10), company=merged)  # the same company after the merge
    make_request(stockholm(2026, 3, 7, 10), company=survivor)
    make_referral(january, sent_at=stockholm(2026, 3, 2, 10), to=dash.ekn)
    scope = Scope(dash.region)
    table = [
        (month(2026, 1), 1),  # the January request's company
        (month(2026, 2), 0),
        (MARCH, 2),  # survivor (three requests, one through the merged company) + the referred company
    ]
    for period, expected in table:
        assert companies_reached(scope, period, NO_FILTERS) == expected, period


# --- Speed -------------------------------------------------------------------------------------------


def test_median_time_to_first_response(dash, make_request):
    hours = [1, 2, 10, 30]  # median of four: (2 + 10) / 2 = 6 hours
    for n, h in enumerate(hours):
        received = stockholm(2026, 3, 2 + n, 9)
        make_request(received, first_response_at=received + timedelta(hours=h))
    make_request(stockholm(2026, 3, 10, 9))  # no first response yet: not in the median
    result = speed(Scope(dash.region), MARCH, NO_FILTERS, now=stockholm(2026, 3, 11, 12))
    assert result["median_first_response_hours"] == 6.0
    assert result["median_first_response_seconds"] == 6 * 3600


def test_median_of_an_odd_number(dash, make_request):
    for n, h in enumerate([5, 1, 3]):
        received = stockholm(2026, 3, 2 + n, 9)
        make_request(received, first_response_at=received + timedelta(hours=h))
    assert speed(Scope(dash.region), MARCH, NO_FILTERS)["median_first_response_hours"] == 3.0


def test_share_with_the_right_partner_within_one_working_day(dash, make_request):
    friday = stockholm(2026, 3, 6, 16, 0)  # deadline: Monday 9 March at the end of the working day
    table = [
        # (owner since, counts as decided, on time)
        (stockholm(2026, 3, 9, 16, 59), True, True),  # Monday before the end of the day
        (stockholm(2026, 3, 6, 16, 30), True, True),  # the same afternoon
        (stockholm(2026, 3, 10, 9, 0), True, False),  # Tuesday: too late
        (None, True, False),  # no owner and the deadline has passed
    ]
    for owner_since, _decided, _on_time in table:
        make_request(friday, owner=dash.almi if owner_since else None, owner_since=owner_since)
    # Received on Thursday 12 March, no owner yet, deadline Friday 13 March: not decided yet.
    make_request(stockholm(2026, 3, 12, 10), owner=None)
    result = speed(Scope(dash.region), MARCH, NO_FILTERS, now=stockholm(2026, 3, 12, 12))
    assert result["decided"] == sum(1 for row in table if row[1])
    assert result["owner_within_one_working_day"] == sum(1 for row in table if row[2])
    assert result["owner_within_one_working_day_percent"] == 50.0


def test_easter_is_not_a_working_day(dash, make_request):
    # Maundy Thursday 2 April 2026 at 18:00: the next working day is Tuesday 7 April.
    received = stockholm(2026, 4, 2, 18)
    make_request(received, owner=dash.almi, owner_since=stockholm(2026, 4, 7, 16))
    make_request(received, owner=dash.almi, owner_since=stockholm(2026, 4, 8, 9))
    result = speed(Scope(dash.region), month(2026, 4), NO_FILTERS, now=stockholm(2026, 4, 30, 12))
    assert (result["decided"], result["owner_within_one_working_day"]) == (2, 1)


# --- Workload ----------------------------------------------------------------------------------------


def test_open_and_overdue_per_organisation_and_advisor(dash, make_request):
    now = stockholm(2026, 3, 20, 12)
    old = stockholm(2026, 3, 2, 9)  # deadline 3 March: overdue unless answered
    make_request(old, owner=dash.almi, advisor=dash.advisor)  # overdue
    make_request(old, owner=dash.almi, advisor=dash.advisor, first_response_at=old + timedelta(hours=1))
    make_request(old, owner=dash.almi, advisor=dash.advisor, status=AdviceRequest.Status.CLOSED)  # not open
    make_request(stockholm(2026, 3, 20, 9), owner=dash.almi)  # open, due on Monday
    make_request(old, owner=dash.ekn, advisor=dash.ekn_advisor)  # overdue
    result = workload(Scope(dash.region), NO_FILTERS, now=now)
    per_org = {row["key"]: (row["open"], row["overdue"]) for row in result["per_organisation"]}
    per_advisor = {row["label"]: (row["open"], row["overdue"]) for row in result["per_advisor"]}
    assert per_org == {"almi-uppsala": (3, 1), "ekn": (1, 1)}
    assert per_advisor == {"Anna Almi": (2, 1), "Eva Ekn": (1, 1)}
    # An organisation's dashboard sees only its own requests.
    mine = workload(Scope(dash.region, organisation_id=dash.ekn.pk), NO_FILTERS, now=now)
    assert [row["key"] for row in mine["per_organisation"]] == ["ekn"]


# --- Referral matrix ---------------------------------------------------------------------------------


def test_a_referral_declined_then_made_again(dash, make_request, make_referral, is_postgres):
    request = make_request(stockholm(2026, 3, 2, 9), owner=dash.almi)
    make_referral(
        request,
        sent_at=stockholm(2026, 3, 2, 10),
        to=dash.ekn,
        status=Referral.Status.DECLINED,
        answered_after=timedelta(hours=2),
    )
    make_referral(
        request,
        sent_at=stockholm(2026, 3, 3, 10),
        to=dash.ekn,
        status=Referral.Status.ACCEPTED,
        answered_after=timedelta(hours=4),
    )
    other = make_request(stockholm(2026, 3, 4, 9), owner=dash.ekn)
    make_referral(other, sent_at=stockholm(2026, 3, 4, 10), to=dash.almi, from_org=dash.ekn)  # pending
    make_referral(
        other,
        sent_at=stockholm(2026, 4, 4, 10),
        to=dash.almi,
        from_org=dash.ekn,
        status=Referral.Status.WITHDRAWN,
        answered_after=timedelta(hours=1),
    )  # April: outside
    rows = {(r["from_key"], r["to_key"]): r for r in referral_matrix(Scope(dash.region), MARCH, NO_FILTERS)}
    almi_to_ekn = rows[("almi-uppsala", "ekn")]
    assert (almi_to_ekn["count"], almi_to_ekn["answered"], almi_to_ekn["accepted"]) == (2, 2, 1)
    assert almi_to_ekn["acceptance_percent"] == 50.0
    assert almi_to_ekn["median_answer_hours"] == (3.0 if is_postgres else None)
    ekn_to_almi = rows[("ekn", "almi-uppsala")]
    assert (ekn_to_almi["count"], ekn_to_almi["answered"], ekn_to_almi["acceptance_percent"]) == (1, 0, None)
    assert len(rows) == 2


# --- Outreach funnel --------------------------------------------------------------------------------


def test_outreach_funnel_per_campaign(dash, make_request):
    from outreach.models import CampaignMember
    from tests.outreach.factories import ActivityFactory, CampaignFactory, CampaignMemberFactory

    spring = CampaignFactory(
        name="Tillverkare i Enköping",
        region=dash.region,
        organisation=dash.almi,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 5, 31),
    )
    called, booked, asked, exporter, silent, removed, before, absorbed, at_midnight = (
        CompanyFactory() for _ in range(9)
    )
    members = {
        company: CampaignMemberFactory(campaign=spring, company=company)
        for company in [called, booked, asked, exporter, silent, removed, before, absorbed, at_midnight]
    }
    # A request made under a record later merged into a member counts for the member.
    make_request(stockholm(2026, 3, 12, 9), company=CompanyFactory(merged_into=absorbed))
    # The campaign's first day is a Swedish day: 00:30 in Stockholm is still 28 February in UTC.
    make_request(stockholm(2026, 3, 1, 0, 30), company=at_midnight)
    ActivityFactory(company=called, created_by=dash.advisor, campaign_member=members[called])
    CampaignMember.objects.filter(pk=members[booked].pk).update(status=CampaignMember.Status.MEETING_BOOKED)
    make_request(stockholm(2026, 3, 10, 9), company=asked)  # a request after the start
    make_request(stockholm(2026, 2, 27, 9), company=before)  # a request before the start: not counted
    Company.objects.filter(pk=exporter.pk).update(became_international_on=date(2026, 4, 2))
    Company.objects.filter(pk=before.pk).update(became_international_on=date(2025, 1, 1))
    CampaignMember.objects.filter(pk=members[removed].pk).update(removed_at=stockholm(2026, 3, 2, 9))
    CampaignFactory(
        region=dash.region, organisation=dash.almi, starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 30)
    )  # after March: not listed
    rows = outreach_funnel(Scope(dash.region), MARCH, NO_FILTERS)
    assert [(r["label"], r["targeted"], r["contacted"], r["requested"], r["exporting"]) for r in rows] == [
        ("Tillverkare i Enköping", 8, 2, 3, 1)
    ]
    assert outreach_funnel(Scope(dash.region, organisation_id=dash.ekn.pk), MARCH, NO_FILTERS) == []


# --- Goals -------------------------------------------------------------------------------------------


def test_goal_tracker_and_new_international_companies(dash):
    # Issue 18: the goal counts companies first *confirmed* international during its period, against the
    # target increase (the baseline of "newly international companies" is 0).
    RegionalGoal.objects.create(region=dash.region, year=2026, kind="international_companies", target=4)
    days = [date(2024, 5, 1), date(2025, 12, 31), date(2026, 2, 1), date(2026, 2, 28), date(2026, 5, 10)]
    kept = [CompanyFactory(became_international_on=day, international_confirmed_on=day) for day in days]
    merged = CompanyFactory(
        became_international_on=date(2026, 2, 2), international_confirmed_on=date(2026, 2, 2)
    )
    # Into another company (first() by name could be this one, whose factory name sorts first past 99).
    Company.objects.filter(pk=merged.pk).update(merged_into=kept[0])
    CompanyFactory(
        became_international_on=date(2026, 3, 1),
        international_confirmed_on=date(2026, 3, 1),
        municipality_id="2180",
    )  # Göteborg: not the region
    CompanyFactory(became_international_on=date(2026, 3, 1))  # recorded, never confirmed: not counted
    CompanyFactory()  # not international
    result = goal_tracker(dash.region, 2026, NO_FILTERS, today=date(2026, 6, 15))
    assert (result["target"], result["actual"]) == (4, 3)
    assert result["progress_percent"] == 75.0  # 3 / 4
    totals = {row["month"]: (row["new"], row["total"]) for row in result["trend"]}
    assert totals["2026-01"] == (0, 0)
    assert totals["2026-02"] == (2, 2)
    assert totals["2026-05"] == (1, 3)
    assert totals["2026-06"] == (0, 3)
    assert totals["2026-07"] == (0, None)  # not begun on 15 June
    assert new_international_companies(dash.region, month(2026, 2), NO_FILTERS) == 2
    assert goal_tracker(dash.region, 2030, NO_FILTERS)["progress_percent"] is None


def test_goals_overview(dash, make_request):
    year_goals = [
        ("international_companies", "", 0, 12),
        ("companies_reached", "", 0, 4),
        ("custom", "Checkar", 0, 40),
    ]
    for kind, name, baseline, target in year_goals:
        RegionalGoal.objects.create(
            region=dash.region, year=2026, kind=kind, name=name, baseline=baseline, target=target
        )
    make_request(stockholm(2026, 1, 5, 9))
    make_request(stockholm(2026, 11, 5, 9))
    make_request(stockholm(2025, 12, 31, 23, 59))  # the year before
    rows = {row["kind"]: row for row in goals_overview(dash.region, 2026, NO_FILTERS, international_actual=3)}
    assert (
        rows["international_companies"]["actual"],
        rows["international_companies"]["progress_percent"],
    ) == (3, 25.0)  # 3 / 12
    assert (rows["companies_reached"]["actual"], rows["companies_reached"]["progress_percent"]) == (2, 50.0)
    assert (rows["custom"]["label"], rows["custom"]["actual"], rows["custom"]["progress_percent"]) == (
        "Checkar",
        None,
        None,
    )
