"""Factories for the service catalogue."""

import factory

from referrals.models import Service
from tests.factories import OrganisationFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    """An active service open to every company. Pass `needs=[...]` to say what it covers."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name_sv = factory.Sequence(lambda n: f"Tjänst {n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create and extracted:
            self.needs.set(extracted)
