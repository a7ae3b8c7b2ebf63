"""`outreach.services.follow_up_company`: the public answer to "which company is a follow-up about?", which
the API asks before its access check (it no longer reaches into the services' private helpers)."""

import pytest
from django.core.exceptions import ValidationError

from outreach import services
from tests.factories import CompanyFactory
from tests.outreach.factories import ActivityFactory, make_request


def test_the_company_of_what_it_is_attached_to(advisor, uppsala, company):
    activity = ActivityFactory(company=company, created_by=advisor)
    assert services.follow_up_company(activity=activity) == company
    assert services.follow_up_company(company=company, activity=activity) == company
    assert services.follow_up_company(company=company) == company


def test_attached_to_two_things_or_to_another_company_or_to_nothing(advisor, uppsala, company):
    activity = ActivityFactory(company=company, created_by=advisor)
    request = make_request(company=company, region=uppsala)
    with pytest.raises(ValidationError):
        services.follow_up_company(activity=activity, request=request)
    with pytest.raises(ValidationError):
        services.follow_up_company(company=CompanyFactory(), activity=activity)
    with pytest.raises(ValidationError):
        services.follow_up_company()


def test_the_api_does_not_call_private_helpers_of_the_services():
    from pathlib import Path

    import outreach.api

    modules = list(Path(outreach.api.__file__).parent.glob("*.py"))
    assert len(modules) > 1
    assert not [module.name for module in modules if "services._" in module.read_text()]
