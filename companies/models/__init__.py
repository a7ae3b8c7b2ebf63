from .company import (
    EDITABLE_FIELDS,
    INTERNATIONAL_FLAG_FIELDS,
    INTERNATIONAL_FLAGS,
    PROFILE_FIELDS,
    Company,
    CompanyEvent,
    CompanySource,
    Contact,
    ExportExperience,
    FlagSource,
    register_event_kinds,
)
from .imports import CompanyImport

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
    "ExportExperience",
    "FlagSource",
    "register_event_kinds",
]
