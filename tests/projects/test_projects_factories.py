"""The shared factories make valid rows (helpers B and C build on them)."""

import pytest

from projects.models import Currency, UndertakingLink
from tests.projects.factories import (
    DeMinimisAidFactory,
    OutsidePartnerFactory,
    ParticipationFactory,
    ProjectActivityFactory,
    ProjectFactory,
    SupportFactory,
    UndertakingLinkFactory,
)

pytestmark = pytest.mark.django_db


def test_factories_make_valid_rows(reference_data, region, organisation):
    project = ProjectFactory(region=region, regions=[region], partners=[organisation], partners__lead=True)
    assert project.partners.get().is_lead
    foreign = OutsidePartnerFactory(project=project)
    visit = ProjectActivityFactory(project=project, visiting_partners=[foreign])
    assert list(visit.visiting_partners.all()) == [foreign]
    support = SupportFactory(participation=ParticipationFactory(project=project))
    assert support.participation.project == project
    aid = DeMinimisAidFactory(amount=110000, currency=Currency.SEK, sek_per_eur=11)
    assert aid.amount_eur == 10000
    link = UndertakingLinkFactory()
    assert link.company_id < link.linked_company_id
    assert UndertakingLink.objects.count() == 1
    for obj in (project, foreign, visit, support, aid, link):
        obj.full_clean()
