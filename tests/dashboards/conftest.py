"""Fixtures for the dashboard figures: a region (county 03), two partners, one user per role, and a
helper that writes requests with exact timestamps (the figures are about time, so no `now` defaults)."""

from datetime import datetime, timedelta
from itertools import count

import pytest

from advisors.models import User
from dashboards import facts
from exportcenter.workdays import STOCKHOLM, end_of_next_working_day
from referrals.models import AdviceRequest, NeedCategory, Referral
from referrals.need_categories import seed_need_categories
from tests.factories import CompanyFactory, OrganisationFactory, UserFactory

_numbers = count(1)


def stockholm(*args) -> datetime:
    """A Stockholm wall-clock time as an aware datetime."""
    return datetime(*args, tzinfo=STOCKHOLM)


@pytest.fixture
def dash(region, organisation, reference_data):
    """Uppsala (county 03) with Almi (the `organisation` fixture) and EKN; one user per role."""
    seed_need_categories()
    region.counties.add("03")
    ekn = OrganisationFactory(name="EKN", slug="ekn", kind="ekn", regions=[region])
    staff = UserFactory(
        email="staff@region.example",
        full_name="Rita Region",
        organisation=organisation,
        role=User.Role.REGIONAL_STAFF,
    )
    lead = UserFactory(
        email="lead@almi.example",
        full_name="Lars Lead",
        organisation=organisation,
        role=User.Role.ORGANISATION_LEAD,
    )
    advisor = UserFactory(email="anna@almi.example", full_name="Anna Almi", organisation=organisation)
    other = UserFactory(email="olle@almi.example", full_name="Olle Almi", organisation=organisation)
    ekn_advisor = UserFactory(email="eva@ekn.example", full_name="Eva Ekn", organisation=ekn)

    class Dash:
        pass

    d = Dash()
    d.region, d.almi, d.ekn = region, organisation, ekn
    d.staff, d.lead, d.advisor, d.other, d.ekn_advisor = staff, lead, advisor, other, ekn_advisor
    return d


@pytest.fixture
def make_request(dash):
    def make(
        created_at: datetime,
        *,
        company=None,
        channel=AdviceRequest.Channel.WEB,
        needs=("market-selection",),
        owner=None,
        advisor=None,
        owner_since=None,
        first_response_at=None,
        status=AdviceRequest.Status.TRIAGED,
        markets=(),
    ) -> AdviceRequest:
        number = next(_numbers)
        request = AdviceRequest.objects.create(
            reference=f"T-{number:06d}",
            year=created_at.year,
            number=number,
            region=dash.region,
            company=company or CompanyFactory(),
            channel=channel,
            target_markets=list(markets),
            owner_organisation=owner,
            owner_advisor=advisor,
            owner_since=owner_since,
            first_response_at=first_response_at,
            first_response_due_at=end_of_next_working_day(created_at),
            status=status,
            **(
                {"outcome": AdviceRequest.Outcome.HELPED, "closed_at": created_at + timedelta(days=1)}
                if status == AdviceRequest.Status.CLOSED
                else {}
            ),
        )
        request.needs.set(NeedCategory.objects.filter(slug__in=needs))
        AdviceRequest.objects.filter(pk=request.pk).update(created_at=created_at)
        request.refresh_from_db()
        # What the after-commit task does in production (a test's transaction never commits).
        facts.refresh(dash.region.pk, [facts.day_of(created_at)])
        return request

    return make


@pytest.fixture
def make_referral(dash):
    def make(request, *, sent_at, to, status=Referral.Status.PENDING, answered_after=None, from_org=None):
        referral = Referral.objects.create(
            request=request,
            from_organisation=from_org or dash.almi,
            to_organisation=to,
            created_by=dash.advisor,
            note="Handover",
            consent_confirmed=True,
            consent_method="phone",
            consent_details="By phone",
            status=status,
            due_at=sent_at + timedelta(days=1),
            answered_at=sent_at + answered_after if answered_after is not None else None,
            decline_reason="Not ours" if status == Referral.Status.DECLINED else "",
        )
        Referral.objects.filter(pk=referral.pk).update(created_at=sent_at)
        return referral

    return make
