"""The services of projects: creating and changing a project, partners (one lead, possibly foreign),
activities (study visits with a host and visitors) and programmes; and the bad input each refuses with a
field error, writing nothing."""

import datetime
import importlib
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from outreach.models import Activity
from projects.models import Programme, Project, ProjectActivity, ProjectPartner
from projects.services import projects as services
from tests.factories import CompanyFactory, OrganisationFactory, RegionFactory
from tests.projects.project_fixtures import *  # noqa: F403 - fixtures

pytestmark = pytest.mark.django_db


def data(programme_, region, **overrides):
    return {
        "name": "Inside Out EU",
        "acronym": "IOEU",
        "programme": programme_,
        "region": region,
        "regions": [region],
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2028, 12, 31),
        "status": Project.Status.ACTIVE,
        "budget_total_eur": Decimal("1543427.00"),
        "eu_cofinancing_eur": Decimal("1234741.60"),
        "national_cofinancing_eur": Decimal("308685.40"),
        "description": "Interregionalt samarbete.",
        "website": "https://www.interregeurope.eu/inside-out-eu",
        **overrides,
    }


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- Projects -------------------------------------------------------------------------------------------


def test_regional_staff_create_a_project_with_foreign_lead_partner(people, programme, uppsala, gavleborg):
    staff = people["regional_staff"]
    navarra = {"name": "Government of Navarra", "country": "ES", "region_name": "Navarra", "is_lead": True}
    project = services.create_project(
        by=staff,
        data=data(programme, uppsala, regions=[uppsala, gavleborg]),
        partners=[navarra, {"name": "Trøndelag fylkeskommune", "country": "NO", "region_name": "Trøndelag"}],
    )
    assert project.version == 1 and project.created_by == staff
    assert set(project.regions.all()) == {uppsala, gavleborg}
    lead = project.partners.get(is_lead=True)
    assert (lead.name, lead.country.code, lead.region_name) == ("Government of Navarra", "ES", "Navarra")
    # Regional staff's own organisation is not made a partner: they keep the project as staff.
    assert project.partners.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": datetime.date(2025, 12, 31)}, "ends_on"),
        ({"eu_cofinancing_eur": Decimal("1500000")}, "eu_cofinancing_eur"),
        ({"budget_total_eur": Decimal("-1")}, "budget_total_eur"),
        ({"budget_total_eur": Decimal("10") ** 13}, "budget_total_eur"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Nul\x00byte"}, "name"),
        ({"description": "x" * 5001}, "description"),
        ({"status": "dreaming"}, "status"),
        ({"programme": None}, "programme"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_written(people, programme, uppsala, overrides, field):
    found = errors_of(
        lambda: services.create_project(
            by=people["regional_staff"], data=data(programme, uppsala, **overrides)
        )
    )
    assert field in found
    assert not Project.objects.exists()


def test_a_form_sent_twice_makes_one_project(people, programme, uppsala):
    services.create_project(by=people["regional_staff"], data=data(programme, uppsala))
    found = errors_of(
        lambda: services.create_project(
            by=people["organisation_lead"], data=data(programme, uppsala, name=" inside out eu")
        )
    )
    assert "name" in found and Project.objects.count() == 1
    # The same name later, in another programme, is another project.
    services.create_project(
        by=people["regional_staff"],
        data=data(
            Programme.objects.exclude(pk=programme.pk).first() or programme,
            uppsala,
            starts_on=datetime.date(2027, 1, 1),
        ),
    )
    assert Project.objects.count() == 2


def test_a_project_is_recorded_only_in_ones_own_region(people, programme, gavleborg):
    found = errors_of(
        lambda: services.create_project(by=people["regional_staff"], data=data(programme, gavleborg))
    )
    assert "region" in found


def test_partners_on_create_are_checked(people, programme, uppsala, organisation):
    two_leads = [
        {"name": "A", "country": "ES", "is_lead": True},
        {"name": "B", "country": "IT", "is_lead": True},
    ]
    assert "partners" in errors_of(
        lambda: services.create_project(
            by=people["regional_staff"], data=data(programme, uppsala), partners=two_leads
        )
    )
    twice = [{"organisation": organisation}, {"organisation": organisation}]
    assert "partners" in errors_of(
        lambda: services.create_project(
            by=people["regional_staff"], data=data(programme, uppsala), partners=twice
        )
    )
    unnamed = [{"name": " ", "country": "ES"}]
    assert "partners.name" in errors_of(
        lambda: services.create_project(
            by=people["regional_staff"], data=data(programme, uppsala), partners=unnamed
        )
    )
    assert not Project.objects.exists()


def test_update_bumps_the_version_and_refuses_a_stale_one(people, project, gavleborg):
    staff = people["regional_staff"]
    updated = services.update_project(
        project=project, by=staff, data={"name": "Inside Out", "regions": [gavleborg]}, expected_version=1
    )
    assert (updated.name, updated.version) == ("Inside Out", 2)
    assert list(updated.regions.all()) == [gavleborg]
    # The same form sent again (a double submit) carries the old version.
    with pytest.raises(services.StaleProject):
        services.update_project(project=project, by=staff, data={"name": "Again"}, expected_version=1)
    project.refresh_from_db()
    assert project.name == "Inside Out"


def test_update_checks_the_budget_against_the_stored_amounts(people, project):
    found = errors_of(
        lambda: services.update_project(
            project=project,
            by=people["advisor"],
            data={"eu_cofinancing_eur": Decimal("999999")},
            expected_version=1,
        )
    )
    assert "eu_cofinancing_eur" in found
    project.refresh_from_db()
    assert project.version == 1


def test_a_partner_in_another_region_edits_without_moving_the_project(people, project, gavleborg):
    partner = people["partner_in_other_region"]
    services.update_project(
        project=project, by=partner, data={"region": project.region, "acronym": "IO"}, expected_version=1
    )
    found = errors_of(
        lambda: services.update_project(
            project=project, by=people["advisor"], data={"region": gavleborg}, expected_version=2
        )
    )
    assert "region" in found


@pytest.mark.postgres  # row locks: SQLite locks the whole database for a writer
@pytest.mark.django_db(transaction=True)
def test_two_editors_at_once_cannot_both_win(people, project):
    staff = people["regional_staff"]
    results = []

    def edit(name):
        try:
            services.update_project(project=project, by=staff, data={"name": name}, expected_version=1)
            results.append("saved")
        except services.StaleProject:
            results.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(name,)) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["saved", "stale"]
    project.refresh_from_db()
    assert project.version == 2


# --- Partners -------------------------------------------------------------------------------------------


def test_naming_a_new_lead_moves_the_role(people, project):
    staff = people["regional_staff"]
    navarra = services.add_partner(
        project=project,
        by=staff,
        data={"name": "Navarra", "country": "ES", "region_name": "Navarra", "is_lead": True},
    )
    assert navarra.is_lead
    norway = services.add_partner(
        project=project, by=staff, data={"name": "Trøndelag", "country": "NO", "is_lead": True}
    )
    assert list(project.partners.filter(is_lead=True)) == [norway]
    project.refresh_from_db()
    assert project.version == 3


@pytest.mark.parametrize(
    ("partner", "field"),
    [
        ({}, "name"),
        ({"name": "Utan land", "country": ""}, "country"),
        ({"name": "x" * 201, "country": "ES"}, "name"),
        ({"name": "N\x00", "country": "ES"}, "name"),
        ({"name": "Ok", "country": "ES", "region_name": "r" * 201}, "region_name"),
    ],
)
def test_a_partner_needs_a_name_and_country(people, project, partner, field):
    before = project.partners.count()
    assert field in errors_of(
        lambda: services.add_partner(project=project, by=people["advisor"], data=partner)
    )
    assert project.partners.count() == before


def test_a_portal_organisation_is_a_partner_once(people, project, organisation):
    found = errors_of(
        lambda: services.add_partner(
            project=project, by=people["advisor"], data={"organisation": organisation}
        )
    )
    assert "organisation" in found


def test_a_portal_partner_keeps_no_outside_name(people, project):
    org = OrganisationFactory()
    partner = services.add_partner(
        project=project, by=people["advisor"], data={"organisation": org, "name": "Ignored", "country": "DE"}
    )
    assert (partner.name, partner.country.code, partner.display_name) == ("", "SE", org.name)


def test_a_stale_partner_form_is_refused(people, project):
    with pytest.raises(services.StaleProject):
        services.add_partner(
            project=project, by=people["advisor"], data={"name": "X", "country": "ES"}, expected_version=7
        )


def test_removing_a_partner(people, project, organisation):
    partner = project.partners.get(organisation=organisation)
    services.remove_partner(partner=partner, by=people["advisor"], expected_version=1)
    assert not ProjectPartner.objects.filter(pk=partner.pk).exists()


# --- Activities -----------------------------------------------------------------------------------------


def test_a_study_visit_records_its_host_and_visitors(people, project):
    company = CompanyFactory()
    navarra = services.add_partner(
        project=project, by=people["advisor"], data={"name": "Navarra", "country": "ES"}
    )
    link = services.add_activity(
        project=project,
        by=people["advisor"],
        company=company,
        data={
            "kind": Activity.Kind.STUDY_VISIT,
            "occurred_on": datetime.date(2026, 3, 4),
            "title": "Studiebesök i Pamplona",
            "host_region": "Navarra",
            "host_country": "ES",
            "visiting_partners": [navarra],
        },
    )
    activity = link.activity
    assert (activity.kind, activity.company, activity.created_by) == (
        "study_visit",
        company,
        people["advisor"],
    )
    assert list(activity.participants.all()) == [people["advisor"]]
    assert (link.host_region, link.host_country.code) == ("Navarra", "ES")
    assert list(link.visiting_partners.all()) == [navarra]


@pytest.mark.parametrize("kind", ["seminar", "matchmaking", "delegation"])
def test_other_kinds_of_project_activity(people, project, kind):
    link = services.add_activity(
        project=project,
        by=people["advisor"],
        company=CompanyFactory(),
        data={"kind": kind, "occurred_on": datetime.date(2026, 5, 1)},
    )
    assert link.activity.kind == kind


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "call"}, "kind"),
        ({"kind": "seminar", "host_region": "Navarra"}, "kind"),
        ({"occurred_on": None}, "occurred_on"),
        ({"title": "t" * 201}, "title"),
        ({"notes": "n" * 5001}, "notes"),
        ({"notes": "\x00"}, "notes"),
    ],
)
def test_bad_activities_write_nothing(people, project, overrides, field):
    payload = {"kind": "study_visit", "occurred_on": datetime.date(2026, 5, 1), **overrides}
    assert field in errors_of(
        lambda: services.add_activity(
            project=project, by=people["advisor"], company=CompanyFactory(), data=payload
        )
    )
    assert not Activity.objects.exists() and not ProjectActivity.objects.exists()


def test_visitors_must_be_partners_of_this_project(people, project, far_project):
    stranger = far_project.partners.first()
    payload = {
        "kind": "study_visit",
        "occurred_on": datetime.date(2026, 5, 1),
        "visiting_partners": [stranger],
    }
    assert "visiting_partners" in errors_of(
        lambda: services.add_activity(
            project=project, by=people["advisor"], company=CompanyFactory(), data=payload
        )
    )


# --- Programmes -----------------------------------------------------------------------------------------


def test_the_programmes_are_seeded():
    # A test that flushed the database took the migration's rows with it: seed again (it is idempotent).
    from django.apps import apps

    importlib.import_module("projects.migrations.0002_seed_programmes").seed(apps, None)
    importlib.import_module("projects.migrations.0002_seed_programmes").seed(apps, None)
    assert Programme.objects.filter(code="interreg-europe").count() == 1
    codes = set(Programme.objects.values_list("code", flat=True))
    assert {
        "interreg-europe",
        "interreg-central-baltic",
        "interreg-sverige-norge",
        "erdf-national",
        "react-eu",
    } <= codes


def test_programmes_are_added_and_changed_with_their_version(people):
    staff = people["regional_staff"]
    programme = services.save_programme(
        by=staff, data={"code": "interreg-aurora", "name_sv": "Interreg Aurora", "fund": "interreg"}
    )
    assert programme.is_interreg
    changed = services.save_programme(
        by=staff, data={"period": "2021–2027"}, programme=programme, expected_version=1
    )
    assert changed.version == 2
    with pytest.raises(services.StaleProgramme):
        services.save_programme(by=staff, data={"period": "x"}, programme=programme, expected_version=1)
    assert "code" in errors_of(
        lambda: services.save_programme(
            by=staff, data={"code": "interreg-aurora", "name_sv": "Dubblett", "fund": "interreg"}
        )
    )
    assert "fund" in errors_of(
        lambda: services.save_programme(by=staff, data={"code": "x-y", "name_sv": "X", "fund": "?"})
    )


def test_a_region_that_closed_is_no_recording_region(people, programme):
    closed = RegionFactory(is_active=False)
    people["regional_staff"].organisation.regions.add(closed)
    from projects.selectors.projects import recording_regions

    assert closed not in recording_regions(people["regional_staff"])
