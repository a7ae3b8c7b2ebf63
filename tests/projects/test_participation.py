"""Enrolling companies in projects and recording their support (projects.services.participation)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects.models import Participation, SizeClass, SupportKind
from projects.services import participation as services
from reference.models import TurnoverClass
from tests.factories import CompanyFactory
from tests.projects.aid_helpers import *  # noqa: F403 - fixtures
from tests.threads import at_once

pytestmark = pytest.mark.django_db(transaction=False)


def enrol(project, company, by, on=datetime.date(2024, 3, 1), **kwargs):
    return services.enrol_company(project=project, company=company, joined_on=on, by=by, **kwargs)


def test_enrolment_keeps_the_size_at_enrolment(project, company, staff):
    company.employee_band = "200-499"
    company.turnover_class = TurnoverClass.objects.get(code=10)
    company.save()
    participation = enrol(project, company, staff)
    assert participation.size_class == SizeClass.LARGE
    assert (participation.employee_band, participation.turnover_class) == ("200-499", 10)
    company.employee_band = "1-4"
    company.save()
    participation.refresh_from_db()
    assert participation.size_class == SizeClass.LARGE


@pytest.mark.parametrize(
    ("on", "ok"),
    [
        (datetime.date(2023, 12, 31), False),
        (datetime.date(2024, 1, 1), True),
        (datetime.date(2027, 12, 31), True),
        (datetime.date(2028, 1, 1), False),
    ],
)
def test_joined_on_inside_the_project_period(project, company, staff, on, ok):
    if ok:
        assert enrol(project, company, staff, on=on).joined_on == on
    else:
        with pytest.raises(ValidationError) as error:
            enrol(project, company, staff, on=on)
        assert "joined_on" in error.value.message_dict
        assert not Participation.objects.exists()


def test_a_second_enrolment_is_a_field_error(project, company, staff):
    enrol(project, company, staff)
    with pytest.raises(ValidationError) as error:
        enrol(project, company, staff, on=datetime.date(2024, 5, 1))
    assert list(error.value.message_dict) == ["company"]


def test_a_merged_company_is_not_enrolled(project, company, staff):
    survivor = CompanyFactory()
    company.merged_into = survivor
    company.save()
    with pytest.raises(ValidationError) as error:
        enrol(project, company, staff)
    assert "company" in error.value.message_dict


def test_left_on_before_joined_on_is_refused(project, company, staff):
    with pytest.raises(ValidationError) as error:
        enrol(project, company, staff, left_on=datetime.date(2024, 2, 1))
    assert "left_on" in error.value.message_dict


@pytest.mark.postgres  # row locks: SQLite locks the whole database for a writer
@pytest.mark.django_db(transaction=True)
def test_two_enrolments_at_once_one_wins_the_other_gets_the_field_error(project, company, staff):
    def attempt():
        try:
            return enrol(project, company, staff)
        except ValidationError as error:
            return error.message_dict

    results = at_once(attempt, attempt)
    assert Participation.objects.filter(project=project, company=company).count() == 1
    assert sum(isinstance(r, Participation) for r in results) == 1
    assert {"company"} in [set(r) for r in results if isinstance(r, dict)]


def test_update_is_versioned_and_keeps_the_size(project, company, staff):
    participation = enrol(project, company, staff)
    updated = services.update_participation(
        participation=participation, data={"left_on": datetime.date(2025, 1, 1)}, expected_version=1
    )
    assert updated.version == 2 and updated.size_class == SizeClass.SMALL
    with pytest.raises(services.StaleParticipation):
        services.update_participation(participation=participation, data={"note": "x"}, expected_version=1)


def support(participation, by, **overrides):
    data = {
        "kind": SupportKind.ADVICE,
        "given_on": datetime.date(2024, 4, 1),
        "hours": Decimal("3.5"),
        "value_sek": Decimal("3500"),
        **overrides,
    }
    return services.record_support(participation=participation, by=by, data=data)


def test_support_is_recorded(project, company, staff):
    participation = enrol(project, company, staff)
    row = support(participation, staff)
    assert (row.hours, row.value_sek, row.created_by) == (Decimal("3.5"), Decimal("3500"), staff)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours": Decimal("-1")}, "hours"),
        ({"value_sek": Decimal("-0.01")}, "value_sek"),
        ({"hours": "abc"}, "hours"),
        ({"value_sek": Decimal("NaN")}, "value_sek"),
        ({"kind": "bribe"}, "kind"),
        ({"given_on": datetime.date(2024, 2, 1)}, "given_on"),  # before the company joined
        ({"given_on": datetime.date(2028, 2, 1)}, "given_on"),  # after the project
        ({"given_on": None}, "given_on"),
        ({"description": "a\x00b"}, "description"),
    ],
)
def test_bad_support_is_a_field_error(project, company, staff, overrides, field):
    participation = enrol(project, company, staff)
    with pytest.raises(ValidationError) as error:
        support(participation, staff, **overrides)
    assert field in error.value.message_dict
    assert not participation.supports.exists()


def test_support_after_leaving_is_refused(project, company, staff):
    participation = enrol(project, company, staff, left_on=datetime.date(2024, 3, 31))
    with pytest.raises(ValidationError) as error:
        support(participation, staff)
    assert "given_on" in error.value.message_dict


def test_the_same_support_sent_twice_is_recorded_once(project, company, staff):
    participation = enrol(project, company, staff)
    support(participation, staff)
    with pytest.raises(ValidationError):
        support(participation, staff)
    support(participation, staff, hours=Decimal("1"))
    assert participation.supports.count() == 2
