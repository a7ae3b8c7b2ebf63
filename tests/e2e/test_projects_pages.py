"""Every page of EU-funded projects (issue 19) in a real browser, in Swedish and English: the project list,
page, forms, programmes, participations, support, aid (with the ceiling's warning and an empty form's
errors), undertaking links, indicators and their print view. axe-core reports no WCAG 2.1 A/AA violation on
any of them."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from advisors.models import User
from tests.factories import CompanyFactory
from tests.projects.factories import (
    DeMinimisAidFactory,
    OutsidePartnerFactory,
    ParticipationFactory,
    ProgrammeFactory,
    ProjectActivityFactory,
    ProjectFactory,
    SupportFactory,
    UndertakingLinkFactory,
)

pytestmark = pytest.mark.usefixtures("midday_today")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_projects_page_is_axe_clean(page, demo, sign_in_as, assert_no_axe_violations, prefix):
    staff = User.objects.get(email="rita.staff@regionuppsala.example")
    region = staff.organisation.regions.get()
    programme = ProgrammeFactory(code="interreg-europe", fund="interreg")
    project = ProjectFactory(
        region=region, programme=programme, regions=[region], partners=[staff.organisation]
    )
    OutsidePartnerFactory(project=project, is_lead=True)
    ProjectActivityFactory(project=project)
    company, other, third = (
        CompanyFactory(name=name) for name in ("Axe Alfa AB", "Axe Beta AB", "Axe Gamma AB")
    )
    participation = ParticipationFactory(project=project, company=company)
    SupportFactory(participation=participation, kind="grant")
    DeMinimisAidFactory(
        company=company,
        amount=Decimal("295000"),
        granted_on=datetime.date.today() - datetime.timedelta(days=40),
    )
    UndertakingLinkFactory(company=company, linked_company=other)
    sign_in_as(staff.email)
    projects = f"{prefix}/advisor/projects"
    for url in [
        f"{projects}/",
        f"{projects}/new/",
        f"{projects}/{project.public_id}/",
        f"{projects}/{project.public_id}/edit/",
        f"{projects}/{project.public_id}/partners/new/",
        f"{projects}/{project.public_id}/activities/new/",
        f"{projects}/{project.public_id}/participations/new/?q=Axe+Gamma",
        f"{projects}/{project.public_id}/indicators/",
        f"{projects}/{project.public_id}/indicators/print/",
        f"{prefix}/advisor/programmes/",
        f"{prefix}/advisor/programmes/new/",
        f"{prefix}/advisor/programmes/interreg-europe/edit/",
        f"{prefix}/advisor/participations/{participation.public_id}/",
        f"{prefix}/advisor/participations/{participation.public_id}/edit/",
        f"{prefix}/advisor/participations/{participation.public_id}/support/new/",
        f"{prefix}/advisor/participations/{participation.public_id}/aid/new/",
        f"{prefix}/companies/{company.public_id}/",
        f"{prefix}/advisor/companies/{company.public_id}/aid/new/",
        f"{prefix}/advisor/companies/{company.public_id}/undertaking/new/?q=Axe+Gamma",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        assert_no_axe_violations(page)

    # The ceiling's warning: EUR 10,000 more passes EUR 300,000.
    page.goto(f"{prefix}/advisor/companies/{company.public_id}/aid/new/")
    page.fill("#id_granted_on", datetime.date.today().isoformat())
    page.fill("#id_amount", "10000")
    page.check("#id_currency_1")
    page.fill("#id_granting_body", "Region Uppsala")
    page.locator("#id_granting_body").press("Enter")
    expect(page.locator("#ceiling-heading")).to_be_visible()
    assert_no_axe_violations(page)
    # The enrolment search found the company, as a radio button to choose.
    page.goto(f"{projects}/{project.public_id}/participations/new/?q=Axe+Gamma")
    expect(page.get_by_role("radio", name=re.compile(third.name))).to_have_count(1)
    # An empty enrolment: the error summary and the fields' errors.
    page.goto(f"{projects}/{project.public_id}/participations/new/")
    page.locator("form.card button[type=submit]").last.click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_no_axe_violations(page)
