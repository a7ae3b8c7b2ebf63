"""Factories for outreach: campaigns, members, activities and follow-ups. They need `reference_data`."""

import datetime

import factory
from django.utils import timezone

from outreach.models import Activity, Campaign, CampaignMember, FollowUp
from outreach.services import remind_on
from referrals.models import AdviceRequest
from tests.factories import CompanyFactory, OrganisationFactory, RegionFactory, UserFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Kampanj {n}")
    region = factory.SubFactory(RegionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda c: c.starts_on + datetime.timedelta(days=90))


class CampaignMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignMember

    campaign = factory.SubFactory(CampaignFactory)
    company = factory.SubFactory(CompanyFactory)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    kind = Activity.Kind.CALL
    company = factory.SubFactory(CompanyFactory)
    occurred_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda a: a.created_by.organisation)
    notes = "Talked about Germany."

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if create:
            self.participants.set(extracted or [self.created_by])


class FollowUpFactory(factory.django.DjangoModelFactory):
    """An open follow-up due tomorrow, owned by a new advisor, about a new company."""

    class Meta:
        model = FollowUp

    owner = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda f: f.owner.organisation)
    company = factory.SubFactory(CompanyFactory)
    description = factory.Sequence(lambda n: f"Ring upp om offerten {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=1))
    remind_on = factory.LazyAttribute(lambda f: remind_on(f.due_on))
    created_by = factory.LazyAttribute(lambda f: f.owner)


_numbers = iter(range(1, 10**6))


def make_request(*, company, region, status=AdviceRequest.Status.NEW, due=None, **fields) -> AdviceRequest:
    """An advice request without the intake's side effects."""
    number = next(_numbers)
    year = timezone.localdate().year
    return AdviceRequest.objects.create(
        reference=f"EC-{year}-{number:06d}",
        year=year,
        number=number,
        company=company,
        region=region,
        status=status,
        first_response_due_at=due or timezone.now() + datetime.timedelta(days=1),
        **fields,
    )
