"""The indicators part registers its project-page panel here: the headline figures for the project's whole
run, with links to the indicators page, its print view and its download."""

from exportcenter.panels import Panel

from .panels import project_page
from .selectors.indicators import headline


def _read(user, project):
    # The project page has already checked that the user sees the project.
    return headline(project)


project_page.register(Panel("project_indicators", "projects/indicators/includes/panel.html", _read, order=60))
