"""`make run` seeds the demo every time: a second run creates nothing, even after people used the portal."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from advisors.models import Organisation, Region, User
from companies.models import Company, Contact
from dashboards.models import RegionalGoal
from outreach import services as outreach_services
from referrals import services
from referrals.models import AdviceRequest, Referral
from tests.factories import CompanyFactory, ContactFactory

DEMO_APPS = {
    "advisors",
    "companies",
    "referrals",
    "outreach",
    "dashboards",
    "notifications",
    "effects",
    "reference",
}


def seed(capsys) -> str:
    call_command("seed_demo", "--allow-production")
    return capsys.readouterr().out


def counts() -> dict[str, int]:
    """Rows of every model of the apps the demo fills."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in DEMO_APPS
    }


def use_the_portal():
    """What a developer does between two `make run`s: register a company that sorts before the demo
    companies (its number is lower), edit a demo contact's email address, refer a demo request, add a
    follow-up and a goal."""
    early = CompanyFactory(org_number="5560000001", name="Aaa Tidigt AB")
    ContactFactory(company=early, is_primary=True, email="first@tidigt.example")
    contact = Contact.objects.filter(is_primary=True, company__requests__isnull=False).order_by(
        "company__org_number"
    )[0]
    contact.email = "ny.adress@demo.example"
    contact.save(update_fields=["email"])

    anna = User.objects.get(email="anna.advisor@almi.example")
    request = AdviceRequest.objects.filter(referrals__isnull=True).order_by("reference")[0]
    services.claim(request=request, advisor=anna)
    request.refresh_from_db()
    services.refer_request(
        request=request,
        to_organisation=Organisation.objects.get(slug="een"),
        by=anna,
        needs=[],
        note="EU-regler.",
        consent=services.Consent(method=Referral.ConsentMethod.PHONE, details="Per telefon."),
        expected_version=request.version,
    )
    outreach_services.create_follow_up(
        by=anna, owner=anna, description="Ring", due_on=timezone.localdate(), company=early
    )
    RegionalGoal.objects.create(
        region=Region.objects.get(slug="uppsala"),
        year=timezone.localdate().year,
        kind=RegionalGoal.Kind.CUSTOM,
        name="Mässbesök",
        baseline=0,
        target=10,
    )


@pytest.mark.django_db
def test_a_second_run_creates_nothing_new(capsys, reference_data):
    first_output = seed(capsys)
    use_the_portal()
    before = counts()

    again = seed(capsys)

    assert counts() == before
    # The summary counts the demo's rows only, whatever else is in the database.
    summary = [line for line in again.splitlines() if line.startswith(("Requests:", "Outreach:", "Regional"))]
    assert summary == [
        line for line in first_output.splitlines() if line.startswith(("Requests:", "Outreach:", "Regional"))
    ]
    assert Company.objects.filter(org_number="5560000001").exists()
