"""EU-funded projects (issue 19): programmes, projects and their partners and activities, the companies taking
part with the support they get, de minimis aid, and the links that make companies one undertaking."""

from .aid import Currency, DeMinimisAid, UndertakingLink
from .participation import Participation, SizeClass, Support, SupportKind
from .projects import Programme, Project, ProjectActivity, ProjectPartner

__all__ = [
    "Currency",
    "DeMinimisAid",
    "Participation",
    "Programme",
    "Project",
    "ProjectActivity",
    "ProjectPartner",
    "SizeClass",
    "Support",
    "SupportKind",
    "UndertakingLink",
]
