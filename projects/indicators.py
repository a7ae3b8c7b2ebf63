"""The funder's indicators for a project: what each one counts, in the funder's words and in the portal's.

The enterprise indicators are the ERDF's common output indicators RCO01–RCO05, and RCO87 is the Interreg
one for cooperation across borders: all listed in Annex I to Regulation (EU) 2021/1058 (the ERDF and
Cohesion Fund Regulation). Their meaning follows the Commission's indicator metadata (SWD(2021) 198).
How the portal computes each one from its rows is in `rule`; `projects.selectors.indicators` does it.

The rules in one place:

- **A company counts in a period** when it got support (`projects.Support`) given on a day in the period,
  from the first day to the last, both included. Enrolling is not support: a company that joined but was
  not helped in the period is not an "enterprise supported" (the funder counts enterprises that received
  support, and the report is about what the project did in the period).
- **Each company once per project**: however many times it was supported. A company merged into another
  (`companies.Company.merged_into`) counts as the company it merged into, so the two count once. A company
  in two projects counts in each project's figures.
- **Size** is the participation's snapshot taken at enrolment (from the register), not today's size; a
  later change in the register does not move the company. Where a merged company and the company it merged
  into both took part, the earlier enrolment's snapshot is used.
- **New enterprise** (RCO05): the company was registered less than three years before it joined the
  project: its registration date is after the same day three years before joining (29 February counts from
  28 February). Registered exactly three years before joining is not new. A company with no known
  registration date is not counted as new, and is listed apart.
- **Organisations cooperating across borders** (RCO87) applies to Interreg programmes only. It counts the
  project's partners, each organisation once (a portal organisation by its identity, an outside one by its
  name and country), when the project runs during the period.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import SizeClass, SupportKind

REGULATION = _("Regulation (EU) 2021/1058, Annex I")

RCO01 = "RCO01"
RCO02 = "RCO02"
RCO03 = "RCO03"
RCO04 = "RCO04"
RCO05 = "RCO05"
RCO87 = "RCO87"

# RCO01's breakdown, in the funder's order; "unknown" is shown apart, never guessed into a class.
SIZE_BREAKDOWN = (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE, SizeClass.UNKNOWN)
NEW_ENTERPRISE_YEARS = 3


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    definition: Promise  # the funder's meaning
    rule: Promise  # how the portal counts it from its rows
    unit: Promise
    support_kinds: tuple[str, ...] = ()  # the support that makes a company count; empty: any kind
    interreg_only: bool = False

    @property
    def source(self) -> Promise:
        return REGULATION


_PERIOD_RULE = _(
    "A company counts when it got support given on a day in the period (first and last day included), once "
    "per project however often it was supported. A company merged into another counts as the company it "
    "merged into."
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        RCO01,
        _("Enterprises supported"),
        _(
            "The number of enterprises receiving support from the project in the form of grants, financial "
            "instruments or non-financial support, each counted once, split by size: micro (fewer than 10 "
            "employees), small (10–49), medium-sized (50–249) and large (250 or more), as in Commission "
            "Recommendation 2003/361/EC."
        ),
        _(
            "Companies with support of any kind in the period. The size is the one recorded from the "
            "register when the company enrolled in the project, not its size today; a company whose size was "
            "not known then is shown as “size not known”."
        ),
        _("enterprises"),
    ),
    Indicator(
        RCO02,
        _("Enterprises supported by grants"),
        _("The number of enterprises receiving support in the form of grants (non-repayable support)."),
        _("Companies given a voucher or grant in the period."),
        _("enterprises"),
        support_kinds=(SupportKind.GRANT,),
    ),
    Indicator(
        RCO03,
        _("Enterprises supported by financial instruments"),
        _(
            "The number of enterprises receiving support in the form of financial instruments: loans, "
            "guarantees or equity."
        ),
        _("Companies given a loan, guarantee or equity in the period."),
        _("enterprises"),
        support_kinds=(SupportKind.FINANCIAL_INSTRUMENT,),
    ),
    Indicator(
        RCO04,
        _("Enterprises with non-financial support"),
        _(
            "The number of enterprises receiving support that is not financial: advice, training, "
            "matchmaking and other services."
        ),
        _("Companies given advice, training or matchmaking in the period."),
        _("enterprises"),
        support_kinds=SupportKind.non_financial(),
    ),
    Indicator(
        RCO05,
        _("New enterprises supported"),
        _(
            "The number of enterprises supported that did not exist three years before they applied for "
            "support."
        ),
        _(
            "Companies counted in RCO01 that were registered less than three years before they joined the "
            "project (the date they joined stands for the application). Registered exactly three years "
            "before joining is not new. A company whose registration date is not known is not counted as "
            "new."
        ),
        _("enterprises"),
    ),
    Indicator(
        RCO87,
        _("Organisations cooperating across borders"),
        _(
            "The number of organisations cooperating formally in the project across borders: the project's "
            "partners, lead partner included, each organisation counted once. For Interreg programmes."
        ),
        _(
            "The project's partners, in the portal and outside it, when the project runs during the period. "
            "An organisation in the portal counts once however it is listed; an outside one is told apart by "
            "its name and country. Not applicable to projects outside Interreg."
        ),
        _("organisations"),
        interreg_only=True,
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
ENTERPRISE_CODES = (RCO01, RCO02, RCO03, RCO04, RCO05)


def period_rule() -> Promise:
    return _PERIOD_RULE
