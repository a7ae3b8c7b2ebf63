from .company import (
    INTERNATIONAL_FLAGS,
    Company,
    CompanyEvent,
    CompanySource,
    Contact,
    EmployeeBand,
    ExportExperience,
)
from .imports import CompanyImport
from .reference import County, Municipality, SNICode, SNISection, TurnoverClass

__all__ = [
    "INTERNATIONAL_FLAGS",
    "Company",
    "CompanyEvent",
    "CompanyImport",
    "CompanySource",
    "Contact",
    "County",
    "EmployeeBand",
    "ExportExperience",
    "Municipality",
    "SNICode",
    "SNISection",
    "TurnoverClass",
]
