"""The Satisfaction page, its selector and its API: n, mean and distribution per partner and region, with
every cell under five answers suppressed."""

import datetime
import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards import satisfaction
from dashboards.selectors import Period
from exportcenter.workdays import STOCKHOLM
from tests.effects.survey_helpers import *  # noqa: F403 - the fixture `world`
from tests.effects.survey_helpers import answered_survey
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

YEAR = Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
IN_YEAR = datetime.datetime(2026, 5, 4, 12, tzinfo=STOCKHOLM)


def answers(world, owner, scores, *, at=IN_YEAR, comment=""):
    return [
        answered_survey(region=world.region, owner=owner, score=s, answered_at=at, comment=comment)
        for s in scores
    ]


def test_a_cell_of_five_shows_n_mean_and_distribution(world):
    answers(world, world.almi, [5, 4, 4, 3, 5, 1])
    answers(world, world.ekn, [5, 4, 4, 3, 5])
    cells = {cell.label: cell for cell in satisfaction.by_partner(world.region, YEAR)}
    almi = cells["Almi Uppsala"]
    assert (almi.suppressed, almi.n, almi.mean) == (False, 6, Decimal("3.7"))
    assert almi.distribution == {1: 1, 2: 0, 3: 1, 4: 2, 5: 2}
    assert cells["EKN"].n == 5 and cells["EKN"].mean == Decimal("4.2")
    (region,) = satisfaction.by_region([world.region], YEAR)
    assert (region.n, region.mean) == (11, Decimal("3.9"))


def test_fewer_than_five_is_suppressed_and_cannot_be_worked_out_from_the_total(world):
    sek = OrganisationFactory(name="SEK", slug="sek", regions=[world.region])
    answers(world, world.almi, [5] * 9)
    answers(world, world.ekn, [4] * 6)
    answers(world, sek, [1, 1])
    cells = {cell.label: cell for cell in satisfaction.by_partner(world.region, YEAR)}
    assert cells["SEK"].suppressed and cells["SEK"].n is None and cells["SEK"].distribution is None
    # SEK's two answers could be worked out from the region's 17 minus Almi and EKN: the smallest shown
    # partner (EKN) is hidden too.
    assert cells["EKN"].suppressed and cells["EKN"].mean is None
    assert not cells["Almi Uppsala"].suppressed and cells["Almi Uppsala"].n == 9


def test_two_small_cells_that_add_up_to_five_need_no_more_hiding(world):
    sek = OrganisationFactory(name="SEK", slug="sek", regions=[world.region])
    answers(world, world.almi, [5] * 6)
    answers(world, world.ekn, [4] * 3)
    answers(world, sek, [1, 1])
    cells = {cell.label: cell for cell in satisfaction.by_partner(world.region, YEAR)}
    assert [cells[name].suppressed for name in ("Almi Uppsala", "EKN", "SEK")] == [False, True, True]


def test_a_region_with_fewer_than_five_answers_is_suppressed(world):
    answers(world, world.almi, [5, 5, 5, 5])
    assert [(c.suppressed, c.n) for c in satisfaction.by_region([world.region], YEAR)] == [(True, None)]


def test_only_answers_in_the_period_count(world):
    answers(world, world.almi, [5] * 5, at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=STOCKHOLM))
    answers(world, world.almi, [3] * 5)
    (cell,) = satisfaction.by_partner(world.region, YEAR)
    assert (cell.n, cell.mean) == (5, Decimal("3.0"))


# --- The page -------------------------------------------------------------------------------------


def test_who_may_open_the_page(client, world):
    for user, status in (
        (world.staff, 200),
        (world.lead, 200),
        (world.ekn_lead, 200),
        (world.advisor, 403),
        (world.national, 403),
    ):
        client.force_login(user)
        assert client.get("/en/advisor/satisfaction/").status_code == status, user


def test_the_page_shows_figures_and_fewer_than_five(client, world, in_english, midday_today):
    now = timezone.now()
    answers(world, world.almi, [5, 4, 4, 3, 5], at=now)
    answers(world, world.ekn, [2, 2, 2, 2, 2, 2], at=now)
    answers(world, OrganisationFactory(name="SEK", slug="sek", regions=[world.region]), [3] * 4, at=now)
    answers(
        world, OrganisationFactory(name="Connect", slug="connect", regions=[world.region]), [1] * 2, at=now
    )
    client.force_login(world.lead)
    page = html.unescape(client.get("/en/advisor/satisfaction/").content.decode())
    almi = page.split(f'data-key="{world.almi.pk}"')[1].split("</tr>")[0]
    assert ">5<" in almi and ">4.2<" in almi and "2 (40 %)" in almi
    sek = page.split('<th scope="row">SEK</th>')[1].split("</tr>")[0]
    assert "fewer than 5" in sek and "3" not in sek
    assert 'scope="col"' in page and 'role="region"' in page


def test_comments_follow_the_access_rules(client, world, in_english, midday_today):
    now = timezone.now()
    answers(world, world.almi, [5], at=now, comment="Almi helped us a lot")
    answers(world, world.ekn, [2], at=now, comment="EKN was slow")
    client.force_login(world.lead)
    page = client.get("/en/advisor/satisfaction/").content.decode()
    assert "Almi helped us a lot" in page and "EKN was slow" not in page
    client.force_login(world.staff)
    page = client.get("/en/advisor/satisfaction/").content.decode()
    assert "Almi helped us a lot" in page and "EKN was slow" in page


def test_a_bad_period_is_a_field_error(client, world, in_english):
    client.force_login(world.staff)
    response = client.get("/en/advisor/satisfaction/", {"period": "custom", "start": "2026-05-01"})
    assert response.status_code == 400
    assert 'id="id_end_error"' in response.content.decode()


def test_the_dashboard_links_to_the_page_for_those_who_may_open_it(client, world, in_english):
    for user, shown in ((world.lead, True), (world.advisor, False)):
        client.force_login(user)
        page = client.get("/en/advisor/dashboard/").content.decode()
        assert ('href="/en/advisor/satisfaction/"' in page) is shown, user


def test_the_page_query_budget_is_flat(client, world, midday_today):
    client.force_login(world.staff)
    now = timezone.now()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/advisor/satisfaction/").status_code == 200
        return len(queries)

    answers(world, world.almi, [5, 4, 3], at=now, comment="c")
    count()  # warm: the session, the widget cache
    few = count()
    for n in range(27):
        answers(world, [world.almi, world.ekn][n % 2], [n % 5 + 1], at=now, comment=f"c{n}")
    many = count()
    assert many == few, (few, many)


# --- The API ---------------------------------------------------------------------------------------------


def test_the_stats_api_suppresses_like_the_page(client, world, midday_today):
    now = timezone.now()
    answers(world, world.almi, [5, 4, 4, 3, 5], at=now)
    answers(world, world.ekn, [2, 2], at=now)
    answers(world, OrganisationFactory(name="SEK", slug="sek", regions=[world.region]), [3, 3, 3], at=now)
    client.force_login(world.staff)
    data = client.get("/api/v1/stats/satisfaction/").json()
    partners = {row["key"]: row for row in data["by_partner"]}
    assert partners["almi-uppsala"]["n"] == 5 and partners["almi-uppsala"]["mean"] == "4.2"
    assert partners["almi-uppsala"]["distribution"] == {
        "score_1": 0,
        "score_2": 0,
        "score_3": 1,
        "score_4": 2,
        "score_5": 2,
    }
    assert partners["ekn"] == {
        "key": "ekn",
        "name": "EKN",
        "suppressed": True,
        "n": None,
        "mean": None,
        "distribution": None,
    }
    assert partners["sek"]["suppressed"]
    assert data["by_region"][0]["n"] == 10 and data["min_answers"] == 5


def test_the_stats_api_refuses_advisors_and_the_national_role(client, world):
    for user in (world.advisor, world.national):
        client.force_login(user)
        assert client.get("/api/v1/stats/satisfaction/").status_code == 403


def test_the_stats_api_answers_a_bad_period_with_400(client, world):
    client.force_login(world.staff)
    response = client.get("/api/v1/stats/satisfaction/", {"period": "week"})
    assert response.status_code == 400
    assert "period" in response.json()["errors"]
