"""The funder's indicators of a project: the page with its period picker, the print view, and the CSV and
XLSX downloads. Whoever may see the project sees them (advisors.access); others get a 404."""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import Action as AuditAction
from audit.services import query_filter, record
from exportcenter.spreadsheets import csv_response, dialect_from, unknown_dialect_response, xlsx_response

from .. import indicators as defs
from ..forms.indicators import IndicatorPeriodForm
from ..selectors import indicators as selectors

FORMATS = ("csv", "xlsx")
TABLES = ("indicators", "companies", "partners")


def _project_or_404(user, public_id):
    project = selectors.visible_project(user, public_id)
    if project is None:
        raise Http404
    return project


def _context(request, public_id) -> dict:
    """The page's context; a period that is not valid computes nothing (the form shows its errors)."""
    project = _project_or_404(request.user, public_id)
    form = IndicatorPeriodForm(request.GET or None, project=project)
    valid = form.is_valid() if form.is_bound else True
    context = {
        "project": project,
        "form": form,
        "form_valid": valid,
        "query": request.GET.urlencode(),
        "period_rule": defs.period_rule(),
        "years": range(project.starts_on.year, project.ends_on.year + 1),
    }
    if valid:
        result = selectors.project_indicators(project, form.period())
        context["result"] = result
        context["period"] = result.period
        # A company of a participating region may be one the user cannot open: its name is shown, unlinked.
        context["linkable"] = selectors.companies_seen(request.user, result.companies)
    return context


@login_required
def indicators(request, public_id):
    context = _context(request, public_id)
    return render(
        request, "projects/indicators/page.html", context, status=200 if context["form_valid"] else 400
    )


def _record_export(request, context, export: str, rows: int) -> None:
    period = context["period"]
    record(
        AuditAction.EXPORT,
        request=request,
        obj=context["project"],
        export=f"project_indicators.{export}",
        period=f"{period.start:%Y-%m-%d}/{period.end:%Y-%m-%d}",
        filter=query_filter(request),
        rows=rows,
    )


@login_required
def indicators_print(request, public_id):
    """The indicators as an A4 report for the funder: no navigation, every definition open."""
    context = _context(request, public_id)
    if not context["form_valid"]:
        return render(request, "projects/indicators/page.html", context, status=400)
    _record_export(request, context, "print", rows=len(context["result"].companies))
    context["generated_at"] = timezone.now()
    return render(request, "projects/indicators/print.html", context)


# --- The downloads --------------------------------------------------------------------------------------


def _number_or_blank(value):
    return "" if value is None else value


def indicator_rows(result: selectors.ProjectIndicators) -> list[list]:
    """One row per indicator, and RCO01's size classes under it."""
    rows = [
        [
            _("Code"),
            _("Indicator"),
            _("Breakdown"),
            _("Value"),
            _("Unit"),
            _("Definition"),
            _("How the portal counts it"),
        ]
    ]
    for figure in result.figures:
        indicator = figure.indicator
        rows.append(
            [
                indicator.code,
                str(indicator.name),
                _("Total") if figure.applicable else _("Not applicable (not Interreg)"),
                _number_or_blank(figure.value),
                str(indicator.unit),
                f"{indicator.definition} ({indicator.source})",
                str(indicator.rule),
            ]
        )
        for size in figure.sizes:
            rows.append(
                [indicator.code, str(indicator.name), size.label, size.value, str(indicator.unit), "", ""]
            )
    return rows


def company_rows(result: selectors.ProjectIndicators) -> list[list]:
    """The companies the enterprise indicators count: 1 where a company counts in an indicator."""
    enterprise = [result.figure(code).indicator for code in defs.ENTERPRISE_CODES]
    rows = [
        [
            _("Company"),
            _("Organisation number"),
            _("Size at enrolment"),
            _("Joined"),
            _("Registered"),
            _("Support in the period"),
            _("First support in the period"),
            *[indicator.code for indicator in enterprise],
            _("Merged into it"),
        ]
    ]
    for row in result.companies:
        rows.append(
            [
                row.company.name,
                row.company.org_number or "",
                row.size_label,
                row.joined_on.isoformat(),
                row.registered_on.isoformat() if row.registered_on else "",
                ", ".join(row.support_labels),
                row.first_support_on.isoformat() if row.first_support_on else "",
                *[1 if row.counts_in(indicator) else 0 for indicator in enterprise],
                ", ".join(company.name for company in row.merged),
            ]
        )
    return rows


def partner_rows(result: selectors.ProjectIndicators) -> list[list]:
    figure = result.figure(defs.RCO87)
    rows = [[_("Organisation"), _("Country"), _("Region"), _("Lead partner"), _("In the portal")]]
    for partner in figure.partners:
        rows.append(
            [
                partner.name,
                str(partner.country.name) if partner.country else "",
                partner.region_name,
                _("yes") if partner.is_lead else _("no"),
                _("yes") if partner.in_portal else _("no"),
            ]
        )
    return rows


TABLE_ROWS = {"indicators": indicator_rows, "companies": company_rows, "partners": partner_rows}


def table_title(table: str) -> str:
    return {
        "indicators": _("Indicators"),
        "companies": _("Companies counted"),
        "partners": _("Organisations cooperating"),
    }[table]


@login_required
def indicators_download(request, public_id, table: str, file_format: str):
    if file_format not in FORMATS or table not in TABLES:
        raise Http404
    dialect = dialect_from(request.GET)
    if dialect is None:
        return unknown_dialect_response(request.GET)
    context = _context(request, public_id)
    if not context["form_valid"]:
        return render(request, "projects/indicators/page.html", context, status=400)
    rows = TABLE_ROWS[table](context["result"])
    _record_export(request, context, f"{table}.{file_format}", rows=len(rows) - 1)
    project, period = context["project"], context["period"]
    name = slugify(project.acronym or project.name)[:40] or "project"
    filename = f"{name}-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{file_format}"
    if file_format == "csv":
        return csv_response(rows, filename, dialect)
    # A sheet's title may not hold any of []:*?/\ (Excel's rule).
    return xlsx_response(rows, filename, sheet_title=re.sub(r"[\[\]:*?/\\]", "", table_title(table)))
