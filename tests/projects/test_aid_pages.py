"""The pages of de minimis aid: the company page's panel, recording aid with the warning and the override,
and the undertaking links."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from projects.models import DeMinimisAid, UndertakingLink
from projects.selectors import aid as aid_selectors
from tests.factories import CompanyFactory
from tests.projects.aid_helpers import *  # noqa: F403 - fixtures
from tests.projects.factories import DeMinimisAidFactory, ParticipationFactory, UndertakingLinkFactory

pytestmark = pytest.mark.usefixtures("in_english")


def post_aid(client, company, **overrides):
    data = {
        "granted_on": "2025-06-01",
        "amount": "10000",
        "currency": "EUR",
        "granting_body": "Region Uppsala",
        **overrides,
    }
    return client.post(reverse("projects:aid_create", args=[company.public_id]), data)


def test_the_panel_shows_total_headroom_grants_and_the_undertaking(
    client, company, staff, django_assert_max_num_queries
):
    sister = CompanyFactory(name="Systerbolaget AB")
    UndertakingLinkFactory(company=company, linked_company=sister)
    today = datetime.date.today()
    for i in range(15):
        DeMinimisAidFactory(
            company=company if i % 2 else sister,
            granted_on=today - datetime.timedelta(days=i * 30),
            amount=Decimal("1000"),
        )
    client.force_login(staff)
    url = reverse("companies:detail", args=[company.public_id])
    client.get(url)
    with django_assert_max_num_queries(60):
        page = client.get(url)
    body = page.content.decode()
    assert "De minimis aid" in body and "Systerbolaget AB" in body
    assert "15,000.00" in body and "285,000.00" in body


def test_record_aid_in_sek_outside_the_portal(client, company, staff):
    client.force_login(staff)
    response = post_aid(
        client, company, currency="SEK", amount="112500", sek_per_eur="11.25", granted_outside_portal="on"
    )
    assert response.status_code == 302
    aid = DeMinimisAid.objects.get()
    assert aid.amount_eur == Decimal("10000.00") and aid.granted_outside_portal and aid.recorded_by == staff


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"currency": "USD"}, "Select a valid choice"),
        ({"amount": "-5"}, "greater than or equal to 0.01"),
        ({"amount": "0"}, "greater than or equal to 0.01"),
        ({"currency": "SEK"}, "needs the exchange rate"),
        ({"granted_on": "2999-01-01"}, "cannot be in the future"),
    ],
)
def test_bad_aid_is_a_field_error(client, company, staff, overrides, message):
    client.force_login(staff)
    response = post_aid(client, company, **overrides)
    assert response.status_code == 400 and message in response.content.decode()
    assert not DeMinimisAid.objects.exists()


def test_the_ceiling_warns_and_needs_a_ticked_override_with_a_reason(client, company, staff):
    DeMinimisAidFactory(company=company, granted_on=datetime.date(2025, 1, 1), amount=Decimal("295000"))
    client.force_login(staff)
    warned = post_aid(client, company)
    body = warned.content.decode()
    assert warned.status_code == 400 and "This aid passes the de minimis ceiling" in body
    assert "305,000.00" in body and "5,000.00" in body
    no_reason = post_aid(client, company, override="on")
    assert no_reason.status_code == 400 and "Give the reason" in no_reason.content.decode()
    assert DeMinimisAid.objects.count() == 1
    done = post_aid(client, company, override="on", override_reason="The board decided; see minutes 12.")
    assert done.status_code == 302
    aid = DeMinimisAid.objects.latest("pk")
    assert aid.overridden_by == staff and AuditEntry.objects.filter(action="de_minimis_override").exists()


def test_aid_from_a_participation_is_tied_to_the_project(client, project, company, staff):
    participation = ParticipationFactory(project=project, company=company)
    client.force_login(staff)
    url = reverse("projects:participation_aid_create", args=[participation.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "granted_on": "2025-06-01",
            "amount": "5000",
            "currency": "EUR",
            "granting_body": "Region Uppsala",
            "project": str(project.public_id),
        },
    )
    assert response.status_code == 302
    assert DeMinimisAid.objects.get().project == project


def test_others_cannot_record_aid_or_see_the_form(client, company, outsider):
    client.force_login(outsider)
    assert post_aid(client, company).status_code == 404


def test_link_and_unlink_companies(client, company, staff):
    other = CompanyFactory(name="Moderbolaget AB")
    client.force_login(staff)
    url = reverse("projects:link_create", args=[company.public_id])
    assert "Moderbolaget AB" in client.get(url, {"q": "Moderbolaget"}).content.decode()
    response = client.post(url, {"linked_company": str(other.public_id), "note": "Same owner"})
    assert response.status_code == 302 and UndertakingLink.objects.count() == 1
    again = client.post(url, {"linked_company": str(other.public_id)})
    assert again.status_code == 400 and "already linked" in again.content.decode()
    remove = reverse("projects:link_remove", args=[company.public_id, other.public_id])
    assert client.post(remove).status_code == 302
    assert not UndertakingLink.objects.exists()
    assert client.post(remove).status_code == 404


def test_the_search_answers_htmx_with_the_choices_alone(client, project, company, staff):
    client.force_login(staff)
    for url in (
        reverse("projects:participation_create", args=[project.public_id]),
        reverse("projects:link_create", args=[CompanyFactory().public_id]),
    ):
        page = client.get(url, {"q": "Uppsala Verktyg"}, HTTP_HX_REQUEST="true")
        body = page.content.decode()
        assert page.status_code == 200 and body.lstrip().startswith('<div id="company-choices"')
        assert "Uppsala Verktyg AB" in body and "<html" not in body


def test_the_panel_lists_the_company_projects(client, project, company, staff):
    ParticipationFactory(project=project, company=company)
    client.force_login(staff)
    body = client.get(reverse("companies:detail", args=[company.public_id])).content.decode()
    assert "EU-funded projects" in body and "Inside Out EU" in body


def test_a_merged_company_shows_its_survivors_undertaking_and_takes_no_new_aid(client, company, staff):
    survivor = CompanyFactory(name="Efterträdaren AB")
    company.merged_into = survivor
    company.save()
    DeMinimisAidFactory(company=survivor, granted_on=datetime.date.today(), amount=Decimal("1234"))
    client.force_login(staff)
    body = client.get(reverse("companies:detail", args=[company.public_id])).content.decode()
    assert "Efterträdaren AB" in body and "1,234.00" in body
    assert reverse("projects:aid_create", args=[company.public_id]) not in body
    assert post_aid(client, company).status_code == 403


def test_outsiders_cannot_remove_a_link(client, company, outsider):
    link = UndertakingLinkFactory(company=company, linked_company=CompanyFactory())
    client.force_login(outsider)
    remove = reverse("projects:link_remove", args=[link.company.public_id, link.linked_company.public_id])
    assert client.post(remove).status_code == 404
    assert UndertakingLink.objects.exists()


def test_grants_to_companies_the_user_cannot_see_count_but_are_not_listed(client, company, staff):
    from reference.models import Municipality

    far = CompanyFactory(name="Gävle Dotter AB", municipality=Municipality.objects.get(code="2180"))
    UndertakingLinkFactory(company=company, linked_company=far)
    DeMinimisAidFactory(
        company=far, granted_on=datetime.date.today(), amount=Decimal("7000"), granting_body="Hemlig"
    )
    client.force_login(staff)
    body = client.get(reverse("companies:detail", args=[company.public_id])).content.decode()
    assert "7,000.00" in body and "Hemlig" not in body
    assert "One grant to a company outside your regions is counted in the total but not listed." in body


def test_seen_and_unseen_grants_the_list_carries_the_total_and_the_unseen_count(
    company, staff, django_assert_num_queries
):
    """The grants the user sees come with the window's total and count (every grant of the undertaking):
    the unseen ones are the window's count less the listed ones inside it. A grant the user sees from
    before the window is listed but neither counted nor unseen."""
    from reference.models import Municipality

    far = CompanyFactory(name="Gävle Dotter AB", municipality=Municipality.objects.get(code="2180"))
    UndertakingLinkFactory(company=company, linked_company=far)
    today = datetime.date.today()
    DeMinimisAidFactory(company=company, granted_on=today, amount=Decimal("1000"))
    DeMinimisAidFactory(
        company=company, granted_on=today - datetime.timedelta(days=5 * 365), amount=Decimal("5")
    )
    for amount in ("7000", "300"):
        DeMinimisAidFactory(company=far, granted_on=today, amount=Decimal(amount))
    staff = type(staff).objects.get(pk=staff.pk)
    # The probe, the walk, the grants with the totals, the links, the user's regions.
    with django_assert_num_queries(5):
        panel = aid_selectors.company_aid(staff, company)
    assert [grant.company_id for grant in panel.grants] == [company.pk, company.pk]
    assert panel.status.total_eur == Decimal("8300.00")
    assert panel.hidden_grants == 2


def test_the_panel_costs_the_same_for_3_and_30_grants(client, company, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    url = reverse("companies:detail", args=[company.public_id])
    counts = []
    for n in (3, 27):
        for i in range(n):
            DeMinimisAidFactory(
                company=company,
                granted_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
                amount=Decimal("100"),
            )
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_panel_of_a_company_without_aid_costs_one_query_and_says_so(rf, company, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from advisors.access import region_ids
    from projects.selectors.aid import company_aid

    region_ids(staff)  # read once per request (the layout asks first), cached on the user
    with CaptureQueriesContext(connection) as queries:
        panel = company_aid(staff, company)
    assert len(queries) == 1
    assert (panel.status.total_eur, panel.status.remaining_eur) == (Decimal(0), Decimal(300_000))
    assert panel.can_record and panel.grants == [] and panel.undertaking == []
    DeMinimisAidFactory(company=company, amount=Decimal("1000"))
    assert company_aid(staff, company).status.total_eur == Decimal("1000")


def test_the_panel_of_a_linked_company_reads_what_it_shows_once(company, staff, django_assert_num_queries):
    """A probe; the undertaking's companies (the recursive walk their subquery, however long the chain);
    the grants shown, each row with the window's total and count; the links. No participation: not read.
    Before: the probe, two queries a step of the walk, the companies, the grants, the total, the unseen
    grants, the links and the participations; then the total and the unseen grants in an aggregate of
    their own."""
    sister, parent, merged = CompanyFactory(), CompanyFactory(), CompanyFactory()
    UndertakingLinkFactory(company=company, linked_company=sister)
    UndertakingLinkFactory(company=sister, linked_company=parent)
    merged.merged_into = parent
    merged.save()
    today = datetime.date.today()
    for owner in (company, sister, parent, merged):
        DeMinimisAidFactory(
            company=owner, granted_on=today - datetime.timedelta(days=30), amount=Decimal("1000")
        )
    DeMinimisAidFactory(
        company=parent, granted_on=today - datetime.timedelta(days=5 * 365), amount=Decimal("9")
    )
    staff = type(staff).objects.get(pk=staff.pk)  # nothing cached on the user
    with django_assert_num_queries(5):  # and the user's regions, for the access rules
        panel = aid_selectors.company_aid(staff, company)
    assert {c.pk for c in panel.undertaking} == {sister.pk, parent.pk, merged.pk}
    assert panel.status.total_eur == Decimal("4000.00")
    assert len(panel.grants) + panel.hidden_grants == 5 and len(panel.links) == 1
    assert panel.participations == []


def test_the_panel_of_a_company_of_its_own_reads_no_undertaking(
    company, project, staff, django_assert_num_queries
):
    """Aid but neither links nor merged companies: no walk, no links."""
    DeMinimisAidFactory(company=company, granted_on=datetime.date.today(), amount=Decimal("1000"))
    ParticipationFactory(project=project, company=company)
    staff = type(staff).objects.get(pk=staff.pk)
    # The probe, the grants with the totals, the participations, the user's regions.
    with django_assert_num_queries(4):
        panel = aid_selectors.company_aid(staff, company)
    assert panel.undertaking == [] and panel.links == [] and len(panel.participations) == 1
    assert panel.status.total_eur == Decimal("1000.00")
