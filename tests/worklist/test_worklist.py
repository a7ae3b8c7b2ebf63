"""The worklist (issue 17 §1): its sections, who sees which, their rows and counts, and the query budget."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advisors import access
from advisors.models import Organisation, User
from dashboards.models import RegionalGoal
from referrals.models import AdviceRequest, Referral, RequestEvent
from tests.factories import CompanyFactory, OrganisationFactory, UserFactory
from tests.outreach.factories import FollowUpFactory, make_request
from worklist import selectors
from worklist.sections import ADVISOR_SECTIONS, LEAD_SECTIONS, REGION_SECTIONS, section_keys, sections_for

pytestmark = pytest.mark.django_db

ALL_SECTIONS = [*ADVISOR_SECTIONS, *LEAD_SECTIONS, "unassigned", *REGION_SECTIONS]


@pytest.fixture
def world(region, organisation, advisor, reference_data):
    region.counties.add("03")
    other = OrganisationFactory(name="EKN", slug="ekn", regions=[region])
    return {
        "region": region,
        "almi": organisation,
        "ekn": other,
        "advisor": advisor,
        "lead": UserFactory(
            email="lead@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD
        ),
        "staff": UserFactory(
            email="staff@region.example",
            organisation=OrganisationFactory(
                slug="region-org", kind=Organisation.Kind.REGION, regions=[region]
            ),
            role=User.Role.REGIONAL_STAFF,
        ),
        "ekn_advisor": UserFactory(email="eva@ekn.example", organisation=other),
    }


def _owned(world, user=None, **fields) -> AdviceRequest:
    user = user or world["advisor"]
    return make_request(
        company=CompanyFactory(),
        region=world["region"],
        owner_organisation_id=user.organisation_id,
        owner_advisor=user,
        **fields,
    )


_goals = iter(range(10**6))


def fill(world, n: int) -> None:
    """n rows in every section of every role."""
    now = timezone.now()
    today = timezone.localdate()
    for i in range(n):
        # Mine, open: every third overdue.
        _owned(world, status=AdviceRequest.Status.IN_PROGRESS, due=now - timedelta(hours=1 + i % 3 - 1))
        # Referred to Almi by EKN, answer overdue.
        request = make_request(
            company=CompanyFactory(), region=world["region"], owner_organisation=world["ekn"]
        )
        Referral.objects.create(
            request=request,
            from_organisation=world["ekn"],
            to_organisation=world["almi"],
            note="Please help.",
            consent_confirmed=True,
            consent_method=Referral.ConsentMethod.PHONE,
            due_at=now - timedelta(hours=2),
        )
        FollowUpFactory(
            owner=world["advisor"], company=CompanyFactory(), due_on=today - timedelta(days=i % 2)
        )
        waiting = _owned(world, status=AdviceRequest.Status.WAITING_FOR_COMPANY)
        AdviceRequest.objects.filter(pk=waiting.pk).update(updated_at=now - timedelta(days=10))
        replied = _owned(world, status=AdviceRequest.Status.IN_PROGRESS)
        RequestEvent.objects.create(
            request=replied, kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY, body=f"Thank you {i}"
        )
        colleague = UserFactory(organisation=world["almi"])
        _owned(world, colleague, due=now - timedelta(days=1))
        make_request(company=CompanyFactory(), region=None)
        partner = OrganisationFactory(regions=[world["region"]])
        make_request(
            company=CompanyFactory(),
            region=world["region"],
            owner_organisation=partner,
            due=now - timedelta(days=1),
        )
        RegionalGoal.objects.create(
            region=world["region"],
            year=today.year,
            kind=RegionalGoal.Kind.CUSTOM,
            name=f"Goal {next(_goals)}",
            baseline=0,
            target=10,
        )


def test_an_advisor_sees_the_advisors_sections(world):
    assert section_keys(world["advisor"]) == ADVISOR_SECTIONS


def test_a_lead_also_sees_the_organisations_load_and_answers_due(world):
    assert section_keys(world["lead"]) == [*LEAD_SECTIONS, *ADVISOR_SECTIONS]


def test_regional_staff_also_see_the_queue_the_overdue_by_partner_and_the_goals(world):
    assert section_keys(world["staff"]) == ["unassigned", *REGION_SECTIONS, *ADVISOR_SECTIONS]


@pytest.mark.parametrize(
    ("role", "oversees_organisation", "oversees_region"),
    [("advisor", False, False), ("lead", True, False), ("staff", False, True), ("ekn_advisor", False, False)],
)
def test_who_oversees_what_is_the_access_modules_answer(world, role, oversees_organisation, oversees_region):
    from advisors.models import Region

    user = world[role]
    assert access.can(user, "oversee", Organisation) is oversees_organisation
    assert access.can(user, "oversee", world["almi"]) is oversees_organisation
    assert access.can(user, "oversee", world["ekn"]) is False
    assert access.can(user, "oversee", Region) is oversees_region
    assert access.can(user, "oversee", world["region"]) is oversees_region


def test_empty_sections_say_what_would_appear_there(world, client):
    client.force_login(world["staff"])
    html = client.get("/en/advisor/").content.decode()
    for key in [*ADVISOR_SECTIONS, "unassigned", *REGION_SECTIONS]:
        assert f'id="section-{key}"' in html
    assert html.count("worklist-empty") == len(ADVISOR_SECTIONS) + 1 + len(REGION_SECTIONS)
    assert "Requests you own appear here" in html


def test_the_sections_rows_and_counts(world):
    fill(world, 3)
    advisor = {section.key: section for section in sections_for(world["advisor"])}
    assert {key: section.count for key, section in advisor.items()} == {
        "my_requests": 9,  # per row of fill(): one in progress, one waiting, one replied to
        "referrals_waiting": 3,
        "follow_ups": 3,
        "waiting_for_company": 3,
        "latest_replies": 3,
    }
    mine = advisor["my_requests"].rows
    assert [r.deadline_state for r in mine][:1] == ["overdue"]
    states = [r.deadline_state == "overdue" for r in mine]
    assert states == sorted(states, reverse=True)  # the overdue first
    lead = {section.key: section for section in sections_for(world["lead"])}
    assert lead["team_load"].count == 5  # the advisor, the lead and three colleagues
    assert lead["team_load"].rows[0].overdue_count >= 1
    assert lead["referral_answers_due"].count == 3
    staff = {section.key: section for section in sections_for(world["staff"])}
    assert staff["unassigned"].count == 3
    assert staff["overdue_by_partner"].count >= 3
    assert {row.count for row in staff["overdue_by_partner"].rows} >= {1}
    assert staff["goals"].count == 3


def test_a_section_shows_ten_rows_and_counts_them_all(world):
    fill(world, 12)
    section = selectors.my_follow_ups_due(world["advisor"])
    assert section.count == 12 and len(section.rows) == selectors.ROWS


def test_waiting_counts_from_the_last_status_change(world, settings):
    settings.WAITING_NUDGE_DAYS = 7
    now = timezone.now()
    waiting = _owned(world, status=AdviceRequest.Status.WAITING_FOR_COMPANY)
    AdviceRequest.objects.filter(pk=waiting.pk).update(updated_at=now - timedelta(days=30))
    event = RequestEvent.objects.create(request=waiting, kind=RequestEvent.Kind.STATUS_CHANGED)
    RequestEvent.objects.filter(pk=event.pk).update(created_at=now - timedelta(days=3))
    assert selectors.waiting_for_company(world["advisor"]).count == 0
    settings.WAITING_NUDGE_DAYS = 2
    assert selectors.waiting_for_company(world["advisor"]).count == 1


def test_other_organisations_rows_stay_out(world):
    fill(world, 2)
    ekn = {section.key: section.count for section in sections_for(world["ekn_advisor"])}
    assert ekn == dict.fromkeys(ADVISOR_SECTIONS, 0)


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


@pytest.mark.parametrize("key", ALL_SECTIONS)
def test_each_section_is_one_query(world, key):
    from worklist.sections import KINDS

    fill(world, 3)
    user = (
        world["lead"]
        if key in LEAD_SECTIONS
        else world["staff"]
        if key in REGION_SECTIONS
        else world["advisor"]
    )
    if key == "unassigned":
        user = world["staff"]
    access.region_ids(user)  # the page reads the user's regions once, for every access question
    assert _queries(lambda: KINDS[key].read(user)) == 1


@pytest.mark.parametrize("role", ["advisor", "lead", "staff"])
def test_the_page_costs_the_same_for_3_and_30_rows_per_section(world, client, role):
    client.force_login(world[role])
    fill(world, 3)
    few = _queries(lambda: client.get("/advisor/"))
    fill(world, 27)
    many = _queries(lambda: client.get("/advisor/"))
    assert few == many
    response = client.get("/advisor/")
    assert response.status_code == 200


def test_a_national_coordinator_has_no_worklist_and_is_sent_to_the_national_figures(client):
    national_office = OrganisationFactory(name="Tillväxtverket", slug="tillvaxtverket")
    client.force_login(UserFactory(organisation=national_office, role=User.Role.NATIONAL))
    response = client.get("/advisor/")
    assert (response.status_code, response["Location"]) == (302, "/national/")


def test_a_goal_s_period_defaults_to_its_year_on_every_database(world):
    """The goal's own dates, or its year's first and last day, in SQL that PostgreSQL and SQLite both run
    (the embedded default's worklist failed on PostgreSQL's MAKE_DATE)."""
    from datetime import date

    RegionalGoal.objects.create(
        region=world["region"], year=2031, kind=RegionalGoal.Kind.CUSTOM, name="Default", baseline=0, target=1
    )
    periods = RegionalGoal.objects.filter(year=2031).annotate(
        starts=selectors._day_of_year("-01-01"), ends=selectors._day_of_year("-12-31")
    )
    assert list(periods.values_list("starts", "ends")) == [(date(2031, 1, 1), date(2031, 12, 31))]
