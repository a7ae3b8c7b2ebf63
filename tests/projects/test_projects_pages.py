"""The project pages: the list (filters, query budget), the project page (facts, partners, activities, the
registered panels), the forms (errors on the form with status 400, stale versions), partners, activities
and programmes. English is asserted (the Swedish catalogue is merged later); Swedish pages must render."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from exportcenter.panels import Panel
from projects.models import Project, ProjectActivity
from projects.panels import project_page
from tests.factories import CompanyFactory
from tests.projects.factories import (
    OutsidePartnerFactory,
    ProgrammeFactory,
    ProjectActivityFactory,
    ProjectFactory,
)
from tests.projects.project_fixtures import *  # noqa: F403 - fixtures

pytestmark = pytest.mark.django_db


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def form_data(programme_, region_, **overrides):
    return {
        "name": "Focus Industry Spets",
        "acronym": "FIS",
        "programme": programme_.pk,
        "region": region_.pk,
        "regions": [region_.pk],
        "starts_on": "2026-01-01",
        "ends_on": "2027-06-30",
        "status": "active",
        "budget_total_eur": "2200000",
        "eu_cofinancing_eur": "1100000",
        "national_cofinancing_eur": "1100000",
        "description": "",
        "website": "",
        **overrides,
    }


def test_the_project_page_shows_facts_partners_activities_and_panels(
    client, people, project, settings, tmp_path
):
    (tmp_path / "test_panel.html").write_text('<section data-test-panel="{{ test_panel }}"></section>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    navarra = OutsidePartnerFactory(project=project, name="Government of Navarra", is_lead=True)
    ProjectActivityFactory(project=project, title="Pamplona", visiting_partners=[navarra])
    project_page.register(Panel("test_panel", "test_panel.html", lambda user, p: p.acronym, 999))
    try:
        client.force_login(people["advisor"])
        page = client.get(en("projects:project_detail", public_id=project.public_id)).content.decode()
    finally:
        project_page._panels.pop("test_panel")
    assert "Lead partner: Government of Navarra (Spain)." in page
    assert "Science Park Gävle" in page and "Almi Uppsala" in page
    assert "Study visit: Pamplona" in page and "Navarra, Spain" in page
    assert "1,000,000.00" in page
    assert 'data-test-panel="IOEU"' in page
    assert "Edit the project" in page


def test_a_company_of_another_region_is_not_named(client, people, project):
    from reference.models import Municipality

    far_company = CompanyFactory(name="Hemlig AB", municipality=Municipality.objects.get(code="2180"))
    from tests.projects.factories import _activity

    activity = _activity(project, "seminar")
    activity.company = far_company
    activity.save()
    ProjectActivity.objects.create(activity=activity, project=project, title="Seminarium")
    client.force_login(people["advisor"])
    page = client.get(en("projects:project_detail", public_id=project.public_id)).content.decode()
    assert "Hemlig AB" not in page and "A company of another region" in page


def test_the_page_renders_in_swedish(client, people, project):
    client.force_login(people["advisor"])
    response = client.get(reverse("projects:project_detail", kwargs={"public_id": project.public_id}))
    assert response.status_code == 200
    assert '<html lang="sv"' in response.content.decode()


def test_creating_through_the_form(client, people, programme, uppsala, gavleborg):
    client.force_login(people["regional_staff"])
    response = client.post(
        en("projects:project_create"), form_data(programme, uppsala, regions=[uppsala.pk, gavleborg.pk])
    )
    project = Project.objects.get(acronym="FIS")
    assert response.status_code == 302 and response["Location"] == en(
        "projects:project_detail", public_id=project.public_id
    )
    assert project.budget_total_eur == 2200000 and project.regions.count() == 2


def test_the_create_form_sent_twice_makes_one_project(client, people, programme, uppsala):
    client.force_login(people["regional_staff"])
    assert client.post(en("projects:project_create"), form_data(programme, uppsala)).status_code == 302
    again = client.post(en("projects:project_create"), form_data(programme, uppsala))
    assert again.status_code == 400
    assert "The region already has a project with this name, programme and start." in again.content.decode()
    assert Project.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": "2025-01-01"}, "The project cannot end before it starts."),
        ({"eu_cofinancing_eur": "2000000"}, "EU and national co-financing together exceed the total budget."),
        ({"budget_total_eur": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"name": "x" * 300}, "Ensure this value has at most 200 characters"),
        ({"programme": "999999"}, "Select a valid choice."),
        ({"region": "999999"}, "Select a valid choice."),
        ({"starts_on": "2026-02-30"}, "Enter a valid date."),
    ],
)
def test_bad_input_comes_back_on_the_form(client, people, programme, uppsala, overrides, message):
    client.force_login(people["regional_staff"])
    response = client.post(en("projects:project_create"), form_data(programme, uppsala, **overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not Project.objects.exists()


def test_another_regions_region_cannot_be_posted(client, people, programme, gavleborg):
    client.force_login(people["regional_staff"])
    response = client.post(en("projects:project_create"), form_data(programme, gavleborg))
    assert response.status_code == 400 and not Project.objects.exists()


def test_nul_bytes_are_a_400_before_any_view(client, people, programme, uppsala):
    client.force_login(people["regional_staff"])
    response = client.post(en("projects:project_create"), form_data(programme, uppsala, name="A\x00B"))
    assert response.status_code == 400 and not Project.objects.exists()


def test_editing_with_a_stale_version_or_twice(client, people, project):
    client.force_login(people["advisor"])
    url = en("projects:project_edit", public_id=project.public_id)
    post = form_data(project.programme, project.region, name="Nytt namn", version="1")
    assert client.post(url, post).status_code == 302
    again = client.post(url, post)  # a double submit: the same version
    assert again.status_code == 400
    assert "This project changed since you opened it" in again.content.decode()
    project.refresh_from_db()
    assert (project.name, project.version) == ("Nytt namn", 2)


def test_the_edit_form_is_filled_in(client, people, project):
    client.force_login(people["advisor"])
    page = client.get(en("projects:project_edit", public_id=project.public_id)).content.decode()
    assert 'value="Inside Out EU"' in page and 'name="version" value="1"' in page


def test_adding_partners_through_the_form(client, people, project):
    client.force_login(people["advisor"])
    url = en("projects:partner_add", public_id=project.public_id)
    answer = client.post(
        url,
        {
            "name": "Government of Navarra",
            "country": "ES",
            "region_name": "Navarra",
            "is_lead": "on",
            "version": "1",
        },
    )
    assert answer.status_code == 302
    assert project.partners.get(is_lead=True).name == "Government of Navarra"
    missing = client.post(url, {"name": "", "version": "2"})
    assert missing.status_code == 400
    assert "Choose an organisation in the portal or name one outside it." in missing.content.decode()
    stale = client.post(url, {"name": "X", "country": "IT", "version": "1"})
    assert stale.status_code == 400 and "changed since you opened it" in stale.content.decode()


def test_removing_a_partner_through_the_page(client, people, project, organisation):
    partner = project.partners.get(organisation=organisation)
    client.force_login(people["regional_staff"])
    url = en("projects:partner_remove", public_id=project.public_id, partner_id=partner.pk)
    assert client.get(url).status_code == 405
    assert client.post(url, {"version": "1"}).status_code == 302
    assert not project.partners.filter(pk=partner.pk).exists()


def test_another_projects_partner_is_a_404(client, people, project, far_project):
    client.force_login(people["regional_staff"])
    other = far_project.partners.first()
    url = en("projects:partner_remove", public_id=project.public_id, partner_id=other.pk)
    assert client.post(url, {"version": "1"}).status_code == 404


def test_adding_a_study_visit_through_the_form(client, people, project, uppsala):
    company = CompanyFactory()
    navarra = OutsidePartnerFactory(project=project, name="Navarra")
    client.force_login(people["advisor"])
    url = en("projects:activity_add", public_id=project.public_id)
    assert "Visiting organisations" in client.get(url).content.decode()
    answer = client.post(
        url,
        {
            "kind": "study_visit",
            "title": "Besök i Pamplona",
            "occurred_on": "2026-03-04",
            "company": company.org_number,
            "host_region": "Navarra",
            "host_country": "ES",
            "visiting_partners": [navarra.pk],
            "version": "1",
        },
    )
    assert answer.status_code == 302
    link = project.activity_links.get()
    assert link.activity.company == company and list(link.visiting_partners.all()) == [navarra]


def test_an_unknown_or_invisible_company_is_a_field_error(client, people, project):
    from reference.models import Municipality

    far_company = CompanyFactory(municipality=Municipality.objects.get(code="2180"))
    client.force_login(people["advisor"])
    url = en("projects:activity_add", public_id=project.public_id)
    for number in (far_company.org_number, "5566000000", "abc"):
        answer = client.post(
            url, {"kind": "seminar", "occurred_on": "2026-03-04", "company": number, "version": "1"}
        )
        assert answer.status_code == 400
    assert not project.activity_links.exists()


def test_the_list_filters(client, people, project, programme, uppsala, gavleborg):
    ProjectFactory(name="Planerat", region=uppsala, status=Project.Status.PLANNED)
    ProjectFactory(name="Deltar", region=gavleborg, regions=[uppsala])
    client.force_login(people["regional_staff"])

    def names(**query):
        page = client.get(en("projects:project_list"), query)
        assert page.status_code == 200
        return {name for name in ("Inside Out EU", "Planerat", "Deltar") if name in page.content.decode()}

    assert names() == {"Inside Out EU", "Planerat", "Deltar"}
    assert names(status="planned") == {"Planerat"}
    assert names(programme=programme.pk) == {"Inside Out EU"}
    assert names(q="ioeu") == {"Inside Out EU"}
    assert names(region=gavleborg.pk) == {"Deltar"}
    assert client.get(en("projects:project_list"), {"status": "nonsense"}).status_code == 400


def test_the_list_costs_the_same_for_3_and_30_projects(
    client, people, uppsala, programme, django_assert_max_num_queries
):
    client.force_login(people["regional_staff"])

    def add(n):
        for _ in range(n):
            project = ProjectFactory(region=uppsala, programme=programme, regions=[uppsala])
            OutsidePartnerFactory(project=project, is_lead=True)

    add(3)
    client.get(en("projects:project_list"))  # warm caches (menu, session)
    with django_assert_max_num_queries(12) as few:
        client.get(en("projects:project_list"))
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(en("projects:project_list")).status_code == 200


def test_the_project_page_costs_the_same_for_many_partners_and_activities(
    client, people, project, django_assert_max_num_queries
):
    client.force_login(people["advisor"])
    url = en("projects:project_detail", public_id=project.public_id)
    ProjectActivityFactory(project=project, visiting_partners=[OutsidePartnerFactory(project=project)])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _ in range(8):
        ProjectActivityFactory(project=project, visiting_partners=[OutsidePartnerFactory(project=project)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("role", ["advisor", "regional_staff", "partner_in_other_region"])
def test_the_project_page_reads_its_partners_once_within_15_queries(
    client, people, project, role, django_assert_max_num_queries
):
    """The partners prefetched for the page also answer "may this user change it?" (asked twice) and the
    Interreg partner count."""
    from projects.models import Programme

    Programme.objects.filter(pk=project.programme_id).update(fund=Programme.Fund.INTERREG)
    OutsidePartnerFactory(project=project, is_lead=True)
    ProjectActivityFactory(project=project, visiting_partners=[OutsidePartnerFactory(project=project)])
    client.force_login(people[role])
    url = en("projects:project_detail", public_id=project.public_id)
    client.get(url)  # warm caches (menu, session)
    with django_assert_max_num_queries(15) as page:
        answer = client.get(url)
    assert answer.status_code == 200 and answer.context["can_change"]
    outer_from = [re.match(r"SELECT (?:(?!FROM).)* FROM (\S+)", q["sql"]) for q in page.captured_queries]
    # The project's partners, and its activities' visiting partners (5 before: "may change?" twice and the
    # Interreg count each read them again).
    assert [m[1] for m in outer_from if m].count('"projects_projectpartner"') == 2
    # Found among the projects the user sees: not asked again whether the user sees it (another region's
    # partner: the rule's subqueries made that a query).
    assert [m[1] for m in outer_from if m].count('"projects_project"') == 1


def test_regional_staff_keep_the_programmes(client, people):
    client.force_login(people["regional_staff"])
    ProgrammeFactory(name_en="The test fund")
    assert "The test fund" in client.get(en("projects:programme_list")).content.decode()
    answer = client.post(
        en("projects:programme_create"),
        {
            "code": "interreg-aurora",
            "name_sv": "Interreg Aurora",
            "name_en": "Interreg Aurora",
            "fund": "interreg",
            "is_active": "on",
        },
    )
    assert answer.status_code == 302
    edit = en("projects:programme_edit", code="interreg-aurora")
    base = {"code": "interreg-aurora", "name_sv": "Interreg Aurora", "fund": "interreg"}
    assert client.post(edit, {**base, "period": "2021–2027", "version": "1"}).status_code == 302
    stale = client.post(edit, {**base, "period": "2028–2034", "version": "1"})
    assert stale.status_code == 400 and "This programme changed since you opened it" in stale.content.decode()
    duplicate = client.post(en("projects:programme_create"), {**base, "name_sv": "Kopia"})
    assert duplicate.status_code == 400 and "Another programme has this code." in duplicate.content.decode()


def test_others_see_the_programmes_without_changing_them(client, people):
    client.force_login(people["advisor"])
    page = client.get(en("projects:programme_list"))
    assert page.status_code == 200 and "Add a programme" not in page.content.decode()
    client.force_login(people["national"])
    assert client.get(en("projects:programme_list")).status_code == 404


def test_the_menu_links_to_projects(client, people):
    client.force_login(people["advisor"])
    page = client.get(en("projects:project_list")).content.decode()
    assert f'href="{en("projects:project_list")}" aria-current="page"' in page


def test_a_project_of_past_dates_is_shown(client, people, uppsala):
    old = ProjectFactory(
        region=uppsala, starts_on=datetime.date(2015, 1, 1), ends_on=datetime.date(2016, 1, 1)
    )
    client.force_login(people["advisor"])
    assert client.get(en("projects:project_detail", public_id=old.public_id)).status_code == 200


def test_making_another_partner_the_lead(client, people, project, organisation, partner_far_org):
    first, second = (project.partners.get(organisation=org) for org in (organisation, partner_far_org))
    client.force_login(people["regional_staff"])
    page = client.get(en("projects:project_detail", public_id=project.public_id)).content.decode()
    assert "Make lead partner" in page
    url = en("projects:partner_make_lead", public_id=project.public_id, partner_id=first.pk)
    assert client.post(url, {"version": "1"}).status_code == 302
    url = en("projects:partner_make_lead", public_id=project.public_id, partner_id=second.pk)
    assert client.post(url, {"version": "2"}).status_code == 302
    assert list(project.partners.filter(is_lead=True)) == [second]
    client.post(url, {"version": "1"})  # stale: nothing changes
    project.refresh_from_db()
    assert project.version == 3
    client.force_login(people["other_advisor"])
    assert client.post(url, {"version": "3"}).status_code == 403


def test_the_programmes_page_costs_the_same_for_few_and_many(
    client, people, uppsala, django_assert_max_num_queries
):
    from tests.projects.factories import ProgrammeFactory

    client.force_login(people["regional_staff"])
    url = en("projects:programme_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(20):
        ProjectFactory(region=uppsala, programme=ProgrammeFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
