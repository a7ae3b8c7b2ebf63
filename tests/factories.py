"""factory_boy factories shared by every test package."""

import factory
from django.contrib.auth.hashers import get_hasher, make_password
from stdnum import luhn

from advisors.models import Organisation, Region, User
from companies.identifiers import LegalForm
from companies.models import Company, CompanySource, Contact
from reference.models import County, Municipality

TEST_PASSWORD = "Correct-Horse-42!"
# Hashing once per hasher keeps factories fast. The hash is made by the hasher the settings use at the time
# (tests use MD5; a module fixture built outside a test may still have PBKDF2), so it always verifies.
_TEST_PASSWORD_HASHES: dict[str, str] = {}


def _password_hash():
    hasher = get_hasher()
    if hasher.algorithm not in _TEST_PASSWORD_HASHES:
        _TEST_PASSWORD_HASHES[hasher.algorithm] = make_password(TEST_PASSWORD, hasher=hasher)
    return _TEST_PASSWORD_HASHES[hasher.algorithm]


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Exportcenter Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = Organisation.Kind.ALMI
    email = factory.LazyAttribute(lambda o: f"{o.slug}@partners.example")

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@partners.example")
    full_name = factory.Faker("name", locale="sv_SE")
    organisation = factory.SubFactory(OrganisationFactory)
    role = User.Role.ADVISOR
    password = factory.LazyFunction(_password_hash)


# --- Companies ------------------------------------------------------------------------------------

SOLE_TRADER_NUMBER = "8803200016"  # 880320-0016, a valid personal identity number


def municipality(code: str, name: str, county: str, county_name: str) -> Municipality:
    """A municipality and its county, made if the reference data is not there (a world without it)."""
    County.objects.get_or_create(code=county, defaults={"name": county_name, "short_name": county_name})
    return Municipality.objects.get_or_create(
        code=code, defaults={"name": name, "short_name": name, "county_id": county}
    )[0]


def valid_org_number(n: int) -> str:
    """A valid limited company number (5566NNNNN + Luhn check digit), unique per n below 100,000."""
    digits = f"5566{n % 100_000:05d}"
    return digits + luhn.calc_check_digit(digits)


class CompanyFactory(factory.django.DjangoModelFactory):
    """A limited company in Uppsala (0380). Needs the `reference_data` fixture."""

    class Meta:
        model = Company

    org_number = factory.Sequence(valid_org_number)
    legal_form = LegalForm.LIMITED_COMPANY
    name = factory.Sequence(lambda n: f"Företag {n} AB")
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="0380"))
    source = CompanySource.ADVISOR


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    name = factory.Faker("name", locale="sv_SE")
    email = factory.Sequence(lambda n: f"contact{n}@company.example")
    legal_basis = Contact.LegalBasis.LEGITIMATE_INTEREST
    source = CompanySource.ADVISOR
