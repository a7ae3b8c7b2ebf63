"""Factories for EU-funded projects (issue 19): programmes, projects, partners, project activities,
participations, support, de minimis aid and undertaking links. Companies need the `reference_data` fixture.

A project's region defaults to a new region; pass `region=` (and `regions=[...]` for participating regions)
to place it. `ProjectFactory(partners=[org, ...])` adds portal organisations as partners."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from outreach.models import Activity
from projects.models import (
    Currency,
    DeMinimisAid,
    Participation,
    Programme,
    Project,
    ProjectActivity,
    ProjectPartner,
    SizeClass,
    Support,
    SupportKind,
    UndertakingLink,
)
from tests.factories import CompanyFactory, OrganisationFactory, RegionFactory, UserFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A new programme (the migration seeds the real ones: `Programme.objects.get(code="react-eu")`)."""

    class Meta:
        model = Programme
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"test-programme-{n}")
    name_sv = factory.Sequence(lambda n: f"Testprogram {n}")
    name_en = factory.Sequence(lambda n: f"Test programme {n}")
    fund = Programme.Fund.ERDF
    period = "2021–2027"


class ProjectFactory(factory.django.DjangoModelFactory):
    """A running project of a new region, two years long from a year ago, EUR 1,000,000 (600,000 EU,
    400,000 national)."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testprojekt {n}")
    acronym = factory.Sequence(lambda n: f"TP{n}")
    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.SubFactory(RegionFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    ends_on = factory.LazyAttribute(lambda p: p.starts_on + datetime.timedelta(days=730))
    status = Project.Status.ACTIVE
    budget_total_eur = Decimal("1000000.00")
    eu_cofinancing_eur = Decimal("600000.00")
    national_cofinancing_eur = Decimal("400000.00")
    description = "Ett projekt för att hjälpa små företag att exportera."

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        """Portal organisations as partners; the first is the lead partner when `partners__lead=True`."""
        if create and extracted:
            lead = kwargs.get("lead", False)
            for i, organisation in enumerate(extracted):
                ProjectPartner.objects.create(
                    project=self, organisation=organisation, is_lead=lead and i == 0
                )


class ProjectPartnerFactory(factory.django.DjangoModelFactory):
    """A partner in the portal (a new organisation). For an outside one: `organisation=None, name=...,
    country="ES", region_name="Navarra"` (see `OutsidePartnerFactory`)."""

    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    name = ""
    country = "SE"
    is_lead = False


class OutsidePartnerFactory(ProjectPartnerFactory):
    organisation = None
    name = factory.Sequence(lambda n: f"Foreign partner {n}")
    country = "ES"
    region_name = "Navarra"


class ProjectActivityFactory(factory.django.DjangoModelFactory):
    """A study visit (an outreach activity about a new company) belonging to a project."""

    class Meta:
        model = ProjectActivity
        skip_postgeneration_save = True

    class Params:
        kind = Activity.Kind.STUDY_VISIT  # ProjectActivityFactory(kind=Activity.Kind.SEMINAR)

    project = factory.SubFactory(ProjectFactory)
    activity = factory.LazyAttribute(lambda pa: _activity(pa.project, pa.kind))
    title = factory.Sequence(lambda n: f"Studiebesök {n}")
    host_region = "Navarra"
    host_country = "ES"

    @factory.post_generation
    def visiting_partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.visiting_partners.set(extracted)


def _activity(project, kind) -> Activity:
    user = UserFactory(organisation=OrganisationFactory(regions=[project.region]))
    activity = Activity.objects.create(
        kind=kind,
        company=CompanyFactory(),
        occurred_on=project.starts_on + datetime.timedelta(days=30),
        created_by=user,
        organisation=user.organisation,
    )
    activity.participants.set([user])
    return activity


class ParticipationFactory(factory.django.DjangoModelFactory):
    """A small company taking part from the project's start."""

    class Meta:
        model = Participation

    project = factory.SubFactory(ProjectFactory)
    company = factory.SubFactory(CompanyFactory)
    joined_on = factory.LazyAttribute(lambda p: p.project.starts_on)
    size_class = SizeClass.SMALL
    employee_band = "10-19"


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Support

    participation = factory.SubFactory(ParticipationFactory)
    kind = SupportKind.ADVICE
    given_on = factory.LazyAttribute(lambda s: s.participation.joined_on)
    hours = Decimal("4.0")
    value_sek = Decimal("4000.00")


class DeMinimisAidFactory(factory.django.DjangoModelFactory):
    """EUR 10,000 granted today (in SEK: pass `currency=Currency.SEK, sek_per_eur=...` and set
    `amount_eur` yourself, or leave it to the lazy conversion here)."""

    class Meta:
        model = DeMinimisAid

    company = factory.SubFactory(CompanyFactory)
    granted_on = factory.LazyFunction(timezone.localdate)
    amount = Decimal("10000.00")
    currency = Currency.EUR
    sek_per_eur = None
    amount_eur = factory.LazyAttribute(
        lambda a: (
            a.amount
            if a.currency == Currency.EUR
            else (Decimal(a.amount) / Decimal(a.sek_per_eur)).quantize(Decimal("0.01"))
        )
    )
    granting_body = "Region Uppsala"


class UndertakingLinkFactory(factory.django.DjangoModelFactory):
    """Two new companies as one undertaking (the lower id first, as the model requires)."""

    class Meta:
        model = UndertakingLink

    company = factory.SubFactory(CompanyFactory)
    linked_company = factory.SubFactory(CompanyFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        a, b = kwargs["company"], kwargs["linked_company"]
        if a.pk > b.pk:
            kwargs["company"], kwargs["linked_company"] = b, a
        return super()._create(model_class, *args, **kwargs)


def project_world(*, home, away, home_org, far_org, home_company, far_company, by) -> list:
    """Objects of every projects policy, for tests/advisors/test_access_property.py: a home project with a
    partner organisation of the far region and a foreign lead partner, a study visit, a participation with
    support, aid and an undertaking link; a far project with the same; a far project the home region takes
    part in."""
    programme = ProgrammeFactory(code="prop-programme")
    objects = [programme]
    for region, org, company, others in [
        (home, home_org, home_company, far_org),
        (away, far_org, far_company, None),
    ]:
        project = ProjectFactory(region=region, programme=programme, partners=[org])
        partners = list(project.partners.all())
        partners.append(OutsidePartnerFactory(project=project, is_lead=True))
        if others is not None:
            partners.append(ProjectPartnerFactory(project=project, organisation=others))
        activity = Activity.objects.create(
            kind=Activity.Kind.STUDY_VISIT,
            company=company,
            occurred_on=project.starts_on,
            created_by=by,
            organisation=by.organisation,
        )
        visit = ProjectActivityFactory(project=project, activity=activity, visiting_partners=partners[-1:])
        participation = ParticipationFactory(project=project, company=company)
        objects += [
            project,
            *partners,
            visit,
            participation,
            SupportFactory(participation=participation),
            DeMinimisAidFactory(company=company, project=project),
        ]
    objects.append(ProjectFactory(region=away, programme=programme, regions=[home]))
    objects.append(UndertakingLinkFactory(company=home_company, linked_company=far_company))
    return objects


def interreg_project(region, **kwargs):
    """An Interreg project of `region` running 2024-2026, led by an outside partner (Gobierno de Navarra):
    the indicators tests' project."""
    project = ProjectFactory(
        programme=ProgrammeFactory(fund=Programme.Fund.INTERREG),
        region=region,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        **kwargs,
    )
    OutsidePartnerFactory(project=project, name="Gobierno de Navarra", country="ES", is_lead=True)
    return project
