"""Reads that stay fast as the data grows (the pages benchmark, issue 16, on issue 19's pages): the project
page shows a page of its companies with the count and totals of them all; the aid list reads down an index."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from projects.models import DeMinimisAid, Participation
from projects.selectors import aid as aid_selectors
from tests.projects.aid_helpers import *  # noqa: F403 - fixtures
from tests.projects.factories import DeMinimisAidFactory, ParticipationFactory, SupportFactory

pytestmark = pytest.mark.usefixtures("in_english")


def _rows_shown(project, body: str) -> int:
    return sum(
        reverse("projects:participation_detail", args=[row.public_id]) in body
        for row in Participation.objects.filter(project=project)
    )


def test_the_project_page_shows_a_page_of_companies_and_totals_them_all(
    client, project, staff, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(aid_selectors, "PROJECT_PANEL_ROWS", 5)
    for _ in range(8):
        SupportFactory(participation=ParticipationFactory(project=project), hours=Decimal("2.5"))
    client.force_login(staff)
    url = reverse("projects:project_detail", args=[project.public_id])
    client.get(url)
    with django_assert_max_num_queries(40):
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert _rows_shown(project, body) == 5
    assert "The first 5 companies of 8 are shown; the totals count them all." in body
    assert "20.0" in body  # 8 × 2.5 hours, not 5 × 2.5

    panel = aid_selectors.project_participations(staff, project)
    assert (panel.count, len(panel.rows), panel.more) == (8, 5, 3)
    assert panel.total_hours == Decimal("20.0") and panel.total_value_sek == Decimal("32000.00")


def test_a_project_page_within_its_rows_says_nothing_of_more(client, project, staff):
    for _ in range(3):
        SupportFactory(participation=ParticipationFactory(project=project))
    client.force_login(staff)
    body = client.get(reverse("projects:project_detail", args=[project.public_id])).content.decode()
    assert _rows_shown(project, body) == 3
    assert "are shown; the totals count them all" not in body
    panel = aid_selectors.project_participations(staff, project)
    assert (panel.count, panel.more, panel.total_hours) == (3, 0, Decimal("12.0"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL")
def test_the_aid_list_reads_newest_first_down_an_index(company, staff):
    DeMinimisAidFactory.create_batch(3, company=company)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [DeMinimisAid._meta.db_table])
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("(granted_on DESC, id DESC)" in definition for definition in definitions), definitions
    rows = list(aid_selectors.visible_aid(staff).order_by("-granted_on", "-pk"))
    assert [row.pk for row in rows] == sorted((row.pk for row in rows), reverse=True)


def test_the_project_page_s_companies_read_what_the_panel_shows_and_no_more_per_row(
    client, project, staff, django_assert_max_num_queries
):
    """The panel's rows read the participation, the company's name and the support's figures (the project
    is the page's own): no column more, and no query more for more rows or de minimis support."""
    client.force_login(staff)
    url = reverse("projects:project_detail", args=[project.public_id])

    def add(n):
        for _ in range(n):
            participation = ParticipationFactory(project=project)
            SupportFactory(participation=participation, hours=Decimal("1.5"))
            DeMinimisAidFactory(
                company=participation.company, support=SupportFactory(participation=participation)
            )

    add(2)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        body = client.get(url).content.decode()
    assert body.count("de minimis") >= 8
    participations = [
        q["sql"] for q in many.captured_queries if q["sql"].startswith('SELECT "projects_partici')
    ]
    (rows,) = [sql for sql in participations if sql.endswith(" LIMIT 50")]  # the panel's page of rows
    assert '"companies_company"."name"' in rows
    assert '"companies_company"."website"' not in rows and '"projects_project"."description"' not in rows
