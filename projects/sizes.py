"""The EU size class of a company (Recommendation 2003/361/EC) from what the register holds: SCB's employee
band and turnover class.

The Recommendation's headcount decides (micro < 10, small < 50, medium < 250, large from 250). Its financial
ceilings (turnover *or* balance sheet total) cannot be tested here: the register has no balance sheet, and a
company over the turnover ceiling may still be under the balance-sheet one. So turnover never moves a company
out of the class its employees put it in, except where the employees cannot decide:

- SCB's band 200–499 straddles 250. There turnover decides: under SEK 500 million (classes 0–8, below
  EUR 50 million at any rate above SEK 10 per euro) reads as medium-sized; SEK 1,000 million or more (classes
  10–12, far above EUR 50 million) as large; SEK 500–999 million (class 9) or no turnover class stays
  unknown, and the indicator report counts it as "size not known" rather than guess.
- No employee band: unknown.
"""

from reference.models import EmployeeBand

from .models import SizeClass

BY_EMPLOYEES = {
    EmployeeBand.NONE: SizeClass.MICRO,
    EmployeeBand.B1_4: SizeClass.MICRO,
    EmployeeBand.B5_9: SizeClass.MICRO,
    EmployeeBand.B10_19: SizeClass.SMALL,
    EmployeeBand.B20_49: SizeClass.SMALL,
    EmployeeBand.B50_99: SizeClass.MEDIUM,
    EmployeeBand.B100_199: SizeClass.MEDIUM,
    EmployeeBand.B500_PLUS: SizeClass.LARGE,
}
STRADDLING_BAND = EmployeeBand.B200_499
MEDIUM_UP_TO_TURNOVER_CLASS = 8  # < SEK 500 million
LARGE_FROM_TURNOVER_CLASS = 10  # >= SEK 1,000 million


def size_class(employee_band: str, turnover_class: int | None) -> SizeClass:
    """The size class for an SCB employee band and turnover class code (None: not known)."""
    if employee_band == STRADDLING_BAND:
        if turnover_class is None:
            return SizeClass.UNKNOWN
        if turnover_class <= MEDIUM_UP_TO_TURNOVER_CLASS:
            return SizeClass.MEDIUM
        if turnover_class >= LARGE_FROM_TURNOVER_CLASS:
            return SizeClass.LARGE
        return SizeClass.UNKNOWN
    return BY_EMPLOYEES.get(employee_band, SizeClass.UNKNOWN)


def size_of(company) -> SizeClass:
    """The company's size class as the register has it now."""
    return size_class(company.employee_band or "", company.turnover_class_id)
