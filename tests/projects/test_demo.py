"""The demo's EU projects: two projects modelled on the press texts, idempotent, with study visits, a company
close to the de minimis ceiling in each region, and indicators to show."""

from decimal import Decimal

import pytest

from demo import companies as companies_demo
from demo import national as national_demo
from demo import partners as advisors_demo
from demo import projects as demo
from projects.models import DeMinimisAid, Participation, Project, ProjectActivity
from projects.selectors.indicators import project_indicators
from projects.services.aid import ceiling_status, undertaking_ids


@pytest.mark.django_db
@pytest.mark.usefixtures("midday_today")
def test_demo_projects(reference_data):
    advisors_demo.seed()
    companies_demo.seed()
    national_demo.seed()
    made = demo.seed()
    assert made > 20 and demo.seed() == 0
    inside_out = Project.objects.get(name="Inside Out EU")
    ict = Project.objects.get(name="Central Baltic ICT Meta Cluster")
    assert inside_out.budget_total_eur == Decimal("1543427.00") and inside_out.programme.is_interreg
    lead = inside_out.partners.get(is_lead=True)
    assert (lead.name, lead.country.code, lead.region_name) == ("Gobierno de Navarra", "ES", "Navarra")
    assert {p.country.code for p in inside_out.partners.all()} >= {"NO", "NL", "HU", "IT", "GB", "SE"}
    visit = ProjectActivity.objects.filter(project=inside_out, host_country="ES").get()
    assert visit.visiting_partners.count() == 3

    assert Participation.objects.filter(project=inside_out).count() == 6
    assert Participation.objects.filter(project=ict).count() == 6
    for county in ("17", "03"):  # Värmland, Uppsala
        companies = DeMinimisAid.objects.filter(company__municipality__county_id=county).values_list(
            "company_id"
        )
        statuses = [ceiling_status(undertaking_ids([company])) for (company,) in set(companies)]
        assert 0 < min(status.ceiling_eur - status.total_eur for status in statuses) < 30_000

    figures = project_indicators(inside_out)
    assert figures.figure("RCO01").value == 6
    assert figures.figure("RCO02").value == 2
    assert figures.figure("RCO05").value == 2
    assert figures.figure("RCO87").value == len(inside_out.partners.all())
