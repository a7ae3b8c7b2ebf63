"""The project page's sections (exportcenter.panels): the project part renders them; the participation and
aid part and the indicators part register theirs in `ProjectsConfig.ready()`."""

from exportcenter.panels import Panels

project_page = Panels()
