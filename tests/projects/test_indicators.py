"""The indicator rules (projects.indicators, projects.selectors.indicators), table-driven: each case builds a
small world and says what every indicator must count. Then the new-enterprise boundary, the definitions,
and a query count that does not grow with the number of companies."""

import datetime

import pytest

from companies.models import Company
from projects import indicators as defs
from projects.models import Programme, SizeClass, SupportKind
from projects.selectors.indicators import Period, is_new_enterprise, project_indicators, three_years_before
from tests.factories import CompanyFactory, OrganisationFactory
from tests.projects.factories import (
    OutsidePartnerFactory,
    ParticipationFactory,
    ProgrammeFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    SupportFactory,
)

D = datetime.date
START, END = D(2024, 1, 1), D(2026, 12, 31)
JOINED, HELPED = D(2025, 2, 1), D(2025, 3, 1)
YEAR_2025 = Period(D(2025, 1, 1), D(2025, 12, 31))


def project_of(fund=Programme.Fund.ERDF, **kwargs):
    return ProjectFactory(programme=ProgrammeFactory(fund=fund), starts_on=START, ends_on=END, **kwargs)


def take_part(project, company=None, *, joined=JOINED, size=SizeClass.SMALL, registered=None, **kw):
    return ParticipationFactory(
        project=project,
        company=company or CompanyFactory(),
        joined_on=joined,
        size_class=size,
        company_registered_on=registered,
        **kw,
    )


def support(participation, kind=SupportKind.ADVICE, on=HELPED):
    return SupportFactory(participation=participation, kind=kind, given_on=on)


def figures(project, period=YEAR_2025) -> dict:
    """{code: value} and RCO01's sizes as {"RCO01.small": n, ...} (zeros left out)."""
    result = project_indicators(project, period)
    values = {figure.code: figure.value for figure in result.figures}
    for size in result.figure(defs.RCO01).sizes:
        if size.value:
            values[f"RCO01.{size.size_class}"] = size.value
    return values


# --- The cases: (build(project) -> optional dict of other projects to check, expected for `project`) ---


def _company_in_two_projects(project):
    company = CompanyFactory()
    support(take_part(project, company))
    other = project_of()
    support(take_part(other, company, size=SizeClass.MEDIUM), kind=SupportKind.GRANT)
    return {"other": other}


def _size_changes_after_enrolment(project):
    company = CompanyFactory(employee_band="1-4")
    support(take_part(project, company, size=SizeClass.MICRO, employee_band="1-4"))
    Company.objects.filter(pk=company.pk).update(employee_band="250+")  # the register says large now


def _merged_company_both_took_part(project):
    survivor, duplicate = CompanyFactory(), CompanyFactory()
    support(take_part(project, survivor, joined=D(2025, 4, 1), size=SizeClass.MEDIUM))
    support(take_part(project, duplicate, joined=JOINED, size=SizeClass.SMALL), kind=SupportKind.GRANT)
    Company.objects.filter(pk=duplicate.pk).update(merged_into=survivor)


def _merged_company_alone(project):
    survivor, duplicate = CompanyFactory(), CompanyFactory()
    Company.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
    support(take_part(project, Company.objects.get(pk=duplicate.pk)))


def _merge_chain(project):
    first, second, third = CompanyFactory(), CompanyFactory(), CompanyFactory()
    Company.objects.filter(pk=second.pk).update(merged_into=third)
    Company.objects.filter(pk=first.pk).update(merged_into=second)  # older data: not flattened
    support(take_part(project, first))
    support(take_part(project, third))


def _support_outside_the_period(project):
    support(take_part(project, joined=D(2024, 3, 1)), on=D(2024, 6, 1))  # helped the year before
    take_part(project, joined=D(2025, 5, 1))  # joined in the period, never helped
    support(take_part(project, joined=D(2024, 3, 1)), on=D(2026, 1, 1))  # helped the day after


def _support_on_the_boundaries(project):
    support(take_part(project), on=YEAR_2025.start)
    support(take_part(project), on=YEAR_2025.end)


def _new_and_old_companies(project):
    joined = D(2025, 3, 1)
    support(take_part(project, joined=joined, registered=D(2023, 6, 1)))  # under three years: new
    support(take_part(project, joined=joined, registered=D(2022, 3, 2)))  # a day under three years: new
    support(take_part(project, joined=joined, registered=D(2022, 3, 1)))  # exactly three years: not new
    support(take_part(project, joined=joined, registered=D(1998, 1, 1)))  # old
    support(take_part(project, joined=joined, registered=None))  # not known: not new


def _large_company(project):
    support(take_part(project, size=SizeClass.LARGE), kind=SupportKind.FINANCIAL_INSTRUMENT)


def _unknown_size(project):
    support(take_part(project, size=SizeClass.UNKNOWN), kind=SupportKind.TRAINING)


def _kinds_of_support(project):
    both = take_part(project)
    support(both, SupportKind.GRANT)
    support(both, SupportKind.MATCHMAKING, on=D(2025, 5, 1))
    support(both, SupportKind.ADVICE, on=D(2025, 6, 1))  # three times supported: one company
    support(take_part(project), SupportKind.FINANCIAL_INSTRUMENT)
    support(take_part(project), SupportKind.TRAINING)


def _grant_outside_the_period(project):
    participation = take_part(project)
    support(participation, SupportKind.GRANT, on=D(2024, 12, 31))
    support(participation, SupportKind.ADVICE)


ZERO = {"RCO01": 0, "RCO02": 0, "RCO03": 0, "RCO04": 0, "RCO05": 0, "RCO87": None}

CASES = [
    (
        "a company in two projects counts in each",
        _company_in_two_projects,
        {**ZERO, "RCO01": 1, "RCO01.small": 1, "RCO04": 1},
        {"other": {**ZERO, "RCO01": 1, "RCO01.medium": 1, "RCO02": 1}},
    ),
    (
        "a size change after enrolment does not move the company",
        _size_changes_after_enrolment,
        {**ZERO, "RCO01": 1, "RCO01.micro": 1, "RCO04": 1},
        {},
    ),
    (
        "a merged company and its survivor count once, with the earlier enrolment's size",
        _merged_company_both_took_part,
        {**ZERO, "RCO01": 1, "RCO01.small": 1, "RCO02": 1, "RCO04": 1},
        {},
    ),
    (
        "a merged company alone counts as its survivor",
        _merged_company_alone,
        {**ZERO, "RCO01": 1, "RCO01.small": 1, "RCO04": 1},
        {},
    ),
    (
        "a merge chain ends at the last survivor",
        _merge_chain,
        {**ZERO, "RCO01": 1, "RCO01.small": 1, "RCO04": 1},
        {},
    ),
    ("support outside the period does not count", _support_outside_the_period, ZERO, {}),
    (
        "support on the first and last day counts",
        _support_on_the_boundaries,
        {**ZERO, "RCO01": 2, "RCO01.small": 2, "RCO04": 2},
        {},
    ),
    (
        "new companies: registered less than three years before joining",
        _new_and_old_companies,
        {**ZERO, "RCO01": 5, "RCO01.small": 5, "RCO04": 5, "RCO05": 2},
        {},
    ),
    (
        "a large company counts, as large",
        _large_company,
        {**ZERO, "RCO01": 1, "RCO01.large": 1, "RCO03": 1},
        {},
    ),
    (
        "an unknown size is shown apart",
        _unknown_size,
        {**ZERO, "RCO01": 1, "RCO01.unknown": 1, "RCO04": 1},
        {},
    ),
    (
        "each kind of support counts in its indicator, each company once",
        _kinds_of_support,
        {**ZERO, "RCO01": 3, "RCO01.small": 3, "RCO02": 1, "RCO03": 1, "RCO04": 2},
        {},
    ),
    (
        "a grant outside the period does not make a grant company",
        _grant_outside_the_period,
        {**ZERO, "RCO01": 1, "RCO01.small": 1, "RCO04": 1},
        {},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "expected", "others"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_indicator_rules(reference_data, build, expected, others):
    project = project_of()
    built = build(project) or {}
    assert figures(project) == expected
    for name, other_expected in others.items():
        assert figures(built[name]) == other_expected


@pytest.mark.django_db
def test_a_merged_company_is_listed_as_its_survivor(reference_data):
    project = project_of()
    _merged_company_both_took_part(project)
    result = project_indicators(project, YEAR_2025)
    [row] = result.companies
    assert row.company.merged_into_id is None
    assert [company.merged_into_id for company in row.merged] == [row.company.pk]
    assert row.joined_on == D(2025, 2, 1)  # the earlier enrolment
    assert row.support_kinds == {SupportKind.GRANT, SupportKind.ADVICE}


# --- RCO87: Interreg only, partners each once ---------------------------------------------------------


def _partners(project):
    organisation = OrganisationFactory()
    ProjectPartnerFactory(project=project, organisation=organisation, is_lead=False)
    OutsidePartnerFactory(project=project, name="Gobierno de Navarra", country="ES", is_lead=True)
    OutsidePartnerFactory(project=project, name="  gobierno de  NAVARRA ", country="ES")  # the same one
    OutsidePartnerFactory(project=project, name="Gobierno de Navarra", country="AR")  # another country
    OutsidePartnerFactory(project=project, name="Provincie Fryslân", country="NL")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fund", "period", "expected"),
    [
        (Programme.Fund.INTERREG, YEAR_2025, 4),
        (Programme.Fund.INTERREG, Period(D(2030, 1, 1), D(2030, 12, 31)), 0),  # the project is over
        (Programme.Fund.ERDF, YEAR_2025, None),
        (Programme.Fund.REACT_EU, YEAR_2025, None),
    ],
    ids=["interreg", "interreg-outside-the-project", "erdf", "react-eu"],
)
def test_rco87_counts_an_interreg_project_s_organisations_once(reference_data, fund, period, expected):
    project = project_of(fund=fund)
    _partners(project)
    figure = project_indicators(project, period).figure(defs.RCO87)
    assert figure.value == expected
    if expected:
        assert figure.partners[0].is_lead
        assert sorted(partner.name for partner in figure.partners if not partner.in_portal) == [
            "Gobierno de Navarra",
            "Gobierno de Navarra",
            "Provincie Fryslân",
        ]


@pytest.mark.django_db
def test_the_default_period_is_the_whole_project(reference_data):
    project = project_of()
    support(take_part(project, joined=D(2024, 2, 1)), on=D(2024, 2, 1))
    support(take_part(project), on=D(2026, 12, 31))
    result = project_indicators(project)
    assert result.period == Period(START, END)
    assert result.figure(defs.RCO01).value == 2


# --- The new-enterprise boundary ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registered", "joined", "new"),
    [
        (D(2022, 3, 1), D(2025, 3, 1), False),  # exactly three years
        (D(2022, 3, 2), D(2025, 3, 1), True),
        (D(2025, 3, 1), D(2025, 3, 1), True),  # registered the day it joined
        (D(2025, 6, 1), D(2025, 3, 1), True),  # registered after joining: did not exist three years before
        (D(2025, 2, 28), D(2028, 2, 29), False),  # 29 February counts from 28 February
        (D(2025, 3, 1), D(2028, 2, 29), True),
        (None, D(2025, 3, 1), None),
    ],
)
def test_new_enterprise_boundary(registered, joined, new):
    assert is_new_enterprise(registered, joined) is new


def test_three_years_before_a_leap_day():
    assert three_years_before(D(2028, 2, 29)) == D(2025, 2, 28)


def test_every_definition_names_the_regulation_and_has_both_texts():
    assert [indicator.code for indicator in defs.INDICATORS] == [
        "RCO01",
        "RCO02",
        "RCO03",
        "RCO04",
        "RCO05",
        "RCO87",
    ]
    for indicator in defs.INDICATORS:
        assert "2021/1058" in str(indicator.source)
        assert str(indicator.definition) and str(indicator.rule) and str(indicator.unit)
    assert defs.BY_CODE["RCO87"].interreg_only
    assert set(defs.BY_CODE["RCO04"].support_kinds) == {"advice", "training", "matchmaking"}


# --- Queries ---------------------------------------------------------------------------------------------


def _many(project, n):
    for i in range(n):
        participation = take_part(project, size=[SizeClass.MICRO, SizeClass.LARGE][i % 2])
        support(participation, SupportKind.GRANT)
        support(participation, SupportKind.ADVICE)
    survivor = CompanyFactory()
    Company.objects.filter(pk=participation.company_id).update(merged_into=survivor)
    OutsidePartnerFactory(project=project)
    ProjectPartnerFactory(project=project)


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_companies(reference_data, django_assert_num_queries):
    small, large = project_of(fund=Programme.Fund.INTERREG), project_of(fund=Programme.Fund.INTERREG)
    _many(small, 2)
    _many(large, 30)
    small.programme  # noqa: B018 - loaded, as the pages load it with the project
    large.programme  # noqa: B018
    with django_assert_num_queries(3):  # the participations, the kinds of their support, the partners
        project_indicators(small, YEAR_2025)
    with django_assert_num_queries(3):
        result = project_indicators(large, YEAR_2025)
    assert result.figure(defs.RCO01).value == 30
    assert result.figure(defs.RCO87).value == 2


@pytest.mark.django_db
def test_the_counted_companies_read_only_what_the_indicators_show(reference_data, django_assert_num_queries):
    """Name, public id, organisation number and merger of each company and of the one it merged into: not
    the whole company row twice (at 1M, 200 participations took 24 ms, 15 ms so)."""
    project = project_of(fund=Programme.Fund.INTERREG)
    _many(project, 3)
    project.programme  # noqa: B018 - loaded, as the pages load it with the project
    with django_assert_num_queries(3) as queries:
        result = project_indicators(project, YEAR_2025)
    (read,) = [q["sql"] for q in queries.captured_queries if 'FROM "projects_participation"' in q["sql"]]
    assert '"companies_company"."name"' in read and '"companies_company"."org_number"' in read
    assert (
        '"companies_company"."website"' not in read and '"companies_company"."export_countries"' not in read
    )
    with django_assert_num_queries(0):  # what the page, the downloads and the API read of them
        shown = [
            (
                row.company.name,
                row.company.org_number,
                row.company.public_id,
                row.company.merged_into_id,
                *tuple((merged.name, merged.public_id) for merged in row.merged),
            )
            for row in result.companies
        ]
    assert len(shown) == len(result.companies) == 3
    assert any(row.merged for row in result.companies)
