"""The participation and aid part's panels: the companies taking part, on the project page, and "De minimis
aid", on the company page (registered when the app is ready)."""

from companies.panels import company_page
from exportcenter.panels import Panel

from .panels import project_page
from .selectors.aid import company_aid, company_aid_probes, project_participations

project_page.register(
    Panel(
        "participations",
        "projects/aid/includes/project_participations.html",
        project_participations,
        order=20,
    )
)
company_page.register(
    Panel(
        "de_minimis",
        "projects/aid/includes/company_aid.html",
        company_aid,
        order=40,
        probes=company_aid_probes,
    )
)
