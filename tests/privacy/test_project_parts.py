"""A sole trader's EU-project participations, support and de minimis aid: in the export; on erasure the free
text goes and the rows stay (the funder counts them; aid records are kept ten years)."""

from datetime import date
from decimal import Decimal

import pytest

from privacy import services
from projects.models import Currency, DeMinimisAid, Participation, SizeClass, Support, SupportKind
from tests.projects.factories import DeMinimisAidFactory, ParticipationFactory, ProjectFactory, SupportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(sole_trader):
    project = ProjectFactory(name="Inside Out EU", acronym="IOEU", starts_on=date(2026, 1, 1))
    participation = ParticipationFactory(
        project=project,
        company=sole_trader,
        joined_on=date(2026, 2, 1),
        size_class=SizeClass.MICRO,
        note="Sven Svensson vill till Norge.",
    )
    SupportFactory(
        participation=participation,
        kind=SupportKind.GRANT,
        given_on=date(2026, 3, 1),
        value_sek=Decimal("50000"),
        description="Check till Sven för mässa",
    )
    DeMinimisAidFactory(
        company=sole_trader,
        project=project,
        granted_on=date(2026, 3, 1),
        amount=Decimal("50000"),
        currency=Currency.SEK,
        sek_per_eur=Decimal("11.0000"),
        granting_body="Region Värmland",
    )
    return participation


def test_the_export_holds_the_projects_and_the_aid(sole_trader, staff, enrolled):
    sections = services.export_person(person=sole_trader, by=staff)["sections"]
    (row,) = sections["projects"]["rows"]
    assert row["project"] == "IOEU: Inside Out EU" and row["size_class"] == "micro"
    assert row["note"] == "Sven Svensson vill till Norge."
    assert row["support"] == [
        {
            "kind": "grant",
            "date": "2026-03-01",
            "hours": "4.0",
            "value_sek": "50000.00",
            "description": "Check till Sven för mässa",
        }
    ]
    (aid,) = sections["de_minimis_aid"]["rows"]
    assert (aid["amount"], aid["currency"], aid["amount_eur"]) == ("50000.00", "SEK", "4545.45")
    assert aid["granting_body"] == "Region Värmland"


def test_erasure_clears_the_free_text_and_keeps_the_rows(sole_trader, staff, enrolled):
    changed = services.erase_person(person=sole_trader, by=staff)
    assert changed["projects"] == 2
    participation = Participation.objects.get(pk=enrolled.pk)
    assert (participation.note, participation.size_class) == ("", "micro")
    support = Support.objects.get(participation=participation)
    assert (support.description, support.kind, support.value_sek) == ("", "grant", Decimal("50000.00"))
    aid = DeMinimisAid.objects.get(company=sole_trader)
    assert (aid.amount, aid.granting_body) == (Decimal("50000.00"), "Region Värmland")
    assert services.erase_person(person=sole_trader, by=staff)["projects"] == 0
