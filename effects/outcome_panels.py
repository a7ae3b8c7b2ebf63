"""The export outcomes panel on the company page (registered when the app is ready)."""

from companies.panels import company_page
from exportcenter.panels import Panel

from .selectors.outcomes import company_outcomes, company_outcomes_probes

company_page.register(
    Panel(
        "export_outcomes",
        "effects/outcomes/includes/company_outcomes.html",
        company_outcomes,
        order=30,
        probes=company_outcomes_probes,
    )
)
