"""Validators of lists of reference codes (JSON fields that hold SCB codes, such as a service's criteria)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reference.models import EmployeeBand, SNISection, TurnoverClass


def _validate_code_list(value, allowed, unknown_message, code_type=str) -> None:
    if not isinstance(value, list) or not all(
        isinstance(code, code_type) and not isinstance(code, bool) for code in value
    ):
        raise ValidationError(_("Enter a list of codes."), code="not_a_list")
    unknown = [str(code) for code in value if code not in allowed]
    if unknown:
        raise ValidationError(unknown_message, code="unknown_code", params={"codes": ", ".join(unknown)})
    if len(set(value)) != len(value):
        raise ValidationError(_("Each code may appear only once."), code="duplicate")


def validate_employee_bands(value) -> None:
    """A list of SCB employee bands (`EmployeeBand` values)."""
    _validate_code_list(value, set(EmployeeBand.values), _("Unknown employee band: %(codes)s."))


def validate_turnover_classes(value) -> None:
    """A list of SCB turnover class codes (integers) that exist in the reference table."""
    codes = set(TurnoverClass.objects.values_list("code", flat=True))
    _validate_code_list(value, codes, _("Unknown turnover class: %(codes)s."), code_type=int)


def validate_sni_sections(value) -> None:
    """A list of SNI 2025 section letters that exist in the reference table."""
    codes = set(SNISection.objects.values_list("code", flat=True))
    _validate_code_list(value, codes, _("Unknown SNI section: %(codes)s."))
