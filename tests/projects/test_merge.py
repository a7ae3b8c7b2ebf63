"""Merging two companies (companies.services.merge_companies) keeps their projects and aid consistent: a
project holds the survivor once with the earlier enrolment, all support and aid move, and undertaking links
stay one row per pair."""

from datetime import date

import pytest

from companies.services import merge_companies
from projects.models import DeMinimisAid, Participation, SizeClass, Support, UndertakingLink
from tests.factories import CompanyFactory, UserFactory
from tests.projects.factories import (
    DeMinimisAidFactory,
    ParticipationFactory,
    ProjectFactory,
    SupportFactory,
    UndertakingLinkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(reference_data):
    survivor, duplicate = CompanyFactory(name="Survivor AB"), CompanyFactory(name="Duplicate AB")
    return survivor, duplicate, UserFactory()


@pytest.mark.parametrize("earlier", ["survivor", "duplicate"])
def test_a_project_holding_both_keeps_the_earlier_enrolment_and_all_support(pair, earlier):
    survivor, duplicate, by = pair
    project = ProjectFactory(starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31))
    first, second = (survivor, duplicate) if earlier == "survivor" else (duplicate, survivor)
    kept = ParticipationFactory(
        project=project, company=first, joined_on=date(2026, 2, 1), size_class=SizeClass.MICRO
    )
    dropped = ParticipationFactory(
        project=project, company=second, joined_on=date(2026, 5, 1), size_class=SizeClass.SMALL
    )
    SupportFactory(participation=kept, given_on=date(2026, 3, 1))
    SupportFactory(participation=dropped, given_on=date(2026, 6, 1))
    other_project = ProjectFactory()
    ParticipationFactory(project=other_project, company=duplicate)
    DeMinimisAidFactory(company=duplicate)

    merge_companies(survivor=survivor, duplicate=duplicate, by=by)

    (participation,) = Participation.objects.filter(project=project)
    assert participation.pk == kept.pk and participation.company_id == survivor.pk
    assert (participation.joined_on, participation.size_class) == (date(2026, 2, 1), SizeClass.MICRO)
    assert Support.objects.filter(participation=participation).count() == 2
    assert Participation.objects.get(project=other_project).company_id == survivor.pk
    assert DeMinimisAid.objects.get().company_id == survivor.pk


def test_undertaking_links_move_to_the_survivor_one_row_per_pair(pair):
    survivor, duplicate, by = pair
    third, fourth = CompanyFactory(), CompanyFactory()
    UndertakingLinkFactory(company=duplicate, linked_company=survivor)  # the merged pair: goes
    UndertakingLinkFactory(company=duplicate, linked_company=third)  # moves
    UndertakingLinkFactory(company=duplicate, linked_company=fourth)  # the survivor has it already
    UndertakingLinkFactory(company=survivor, linked_company=fourth)

    merge_companies(survivor=survivor, duplicate=duplicate, by=by)

    pairs = set(UndertakingLink.objects.values_list("company_id", "linked_company_id"))
    assert pairs == {tuple(sorted((survivor.pk, third.pk))), tuple(sorted((survivor.pk, fourth.pk)))}
    assert not UndertakingLink.objects.filter(company=duplicate).exists()
