from .company import (
    EDITABLE_FIELDS,
    INTERNATIONAL_FLAG_FIELDS,
    INTERNATIONAL_FLAGS,
    PROFILE_FIELDS,
    Company,
    CompanyEvent,
    CompanySource,
    Contact,
    EmployeeBand,
    ExportExperience,
    register_event_kinds,
)
from .imports import CompanyImport
from .reference import County, Municipality, SNICode, SNISection, TurnoverClass

__all__ = [
    "EDITABLE_FIELDS",
    "INTERNATIONAL_FLAGS",
    "INTERNATIONAL_FLAG_FIELDS",
    "PROFILE_FIELDS",
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
    "register_event_kinds",
]
