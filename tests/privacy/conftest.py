import pytest

from advisors.models import User
from companies.models import Company
from referrals import services as referral_services
from referrals.models import AdviceRequest
from tests.factories import SOLE_TRADER_NUMBER, OrganisationFactory, UserFactory
from tests.outreach.factories import ActivityFactory, FollowUpFactory
from tests.referrals.conftest import build_submission, need_categories, operator  # noqa: F401 - fixtures


@pytest.fixture
def staff(operator):  # noqa: F811
    """Regional staff of Exportcenter Uppsala län (county 03)."""
    return UserFactory(
        email="staff@region.example",
        full_name="Rita Region",
        organisation=operator,
        role=User.Role.REGIONAL_STAFF,
    )


@pytest.fixture
def other_staff(other_region, reference_data):
    """Regional staff of Gävleborg (county 21): another region."""
    other_region.counties.add("21")
    organisation = OrganisationFactory(
        name="Region Gävleborg", slug="region-gavleborg", regions=[other_region]
    )
    return UserFactory(
        email="staff@gavleborg.example", organisation=organisation, role=User.Role.REGIONAL_STAFF
    )


@pytest.fixture
def person(operator, need_categories, triager):  # noqa: F811
    """Karin Berg of Knivsta Konsult AB: a request with messages both ways and a note, closed; an activity
    she took part in with a follow-up; the email the portal sent her."""
    request = referral_services.submit_request(
        submission=build_submission(description="Karin here: call me on 070-123 45 67 about Germany.")
    )
    contact = request.contact
    referral_services.claim(request=request, advisor=triager)
    request.refresh_from_db()
    referral_services.message_company(
        request=request, by=triager, body="Hej Karin, vi ringer på måndag.", expected_version=request.version
    )
    referral_services.reply_from_company(request=request, body="Tack! /Karin Berg")
    referral_services.add_note(request=request, by=triager, body="Karin Berg wants a market study.")
    request.refresh_from_db()
    referral_services.transition(
        request=request,
        to_status=AdviceRequest.Status.CLOSED,
        by=triager,
        expected_version=request.version,
        outcome=AdviceRequest.Outcome.HELPED,
        comment="Karin got a market study.",
    )
    activity = ActivityFactory(
        company=contact.company, created_by=triager, notes="Met Karin Berg at the fair."
    )
    activity.contacts.add(contact)
    FollowUpFactory(
        owner=triager, company=contact.company, activity=activity, description="Send Karin the report"
    )
    request.refresh_from_db()
    contact.refresh_from_db()
    return contact


@pytest.fixture
def triager(operator):  # noqa: F811
    return UserFactory(email="triage@almi.example", full_name="Tove Triage", organisation=operator)


@pytest.fixture
def sole_trader(operator, need_categories):  # noqa: F811
    """Sven Svensson's sole trader firm, with its own request (the number is his personal identity number)."""
    request = referral_services.submit_request(
        submission=build_submission(
            number=f"{SOLE_TRADER_NUMBER[:6]}-{SOLE_TRADER_NUMBER[6:]}",
            company_name="Sven Svenssons Snickeri",
            contact_name="Sven Svensson",
            contact_email="sven@snickeri.example",
            description="Jag vill sälja möbler i Norge.",
        )
    )
    return Company.objects.get(pk=request.company_id)
