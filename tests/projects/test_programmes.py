"""The programmes are seeded (migration 0002, and seed_demo after a flush) and then kept by regional staff:
seeding again adds only what is missing and never overwrites an edit."""

import pytest

from projects.models import Programme
from projects.programmes import PROGRAMMES, seed_programmes

pytestmark = pytest.mark.django_db


def test_seeding_adds_the_issue_s_programmes_and_only_what_is_missing():
    Programme.objects.all().delete()  # the test database may hold the migration's, or a flush removed them
    assert seed_programmes() == len(PROGRAMMES) == 7
    assert Programme.objects.get(code="interreg-europe").is_interreg
    assert Programme.objects.get(code="erdf-ostra-mellansverige").fund == Programme.Fund.ERDF
    assert Programme.objects.get(code="react-eu").period == "2014–2020"
    Programme.objects.filter(code="interreg-europe").update(name_en="Interreg Europe (edited)")
    Programme.objects.filter(code="react-eu").delete()
    assert seed_programmes() == 1
    assert Programme.objects.get(code="interreg-europe").name_en == "Interreg Europe (edited)"
    assert seed_programmes() == 0
