import pytest
from django.core.management import CommandError, call_command

from advisors.models import Organisation, Region, User
from demo.partners import DEMO_PASSWORD

SEED_000_PARTNERS = {"almi", "business_sweden", "ekn", "sek", "een", "innovation_centre", "region"}


def seed(capsys):
    call_command("seed_demo", "--allow-production")
    return capsys.readouterr().out


@pytest.mark.django_db
def test_seed_demo_creates_the_uppsala_export_center(capsys, client):
    output = seed(capsys)
    region = Region.objects.get(name="Exportcenter Uppsala län")
    assert list(region.counties.values_list("code", flat=True)) == ["03"]
    names = set(region.organisations.values_list("name", flat=True))
    assert {
        "Almi Uppsala",
        "Business Sweden",
        "Uppsala Innovation Centre",
        "Connect Uppsala",
        "Region Uppsala",
    } <= names
    assert {"EKN – Exportkreditnämnden", "SEK – Svensk Exportkredit", "Enterprise Europe Network"} <= names
    assert set(region.organisations.values_list("kind", flat=True)) == SEED_000_PARTNERS
    assert region.operator.kind == Organisation.Kind.ALMI
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    assert DEMO_PASSWORD in output
    for user in User.objects.all():
        assert user.email in output
        assert client.login(username=user.email, password=DEMO_PASSWORD), user.email


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys):
    seed(capsys)
    counts = (Region.objects.count(), Organisation.objects.count(), User.objects.count())
    seed(capsys)
    assert (Region.objects.count(), Organisation.objects.count(), User.objects.count()) == counts


@pytest.mark.django_db
def test_seed_demo_refuses_production_without_the_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()
