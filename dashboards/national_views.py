"""The national roll-up's pages: the figures per region and nationally, and their downloads."""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from advisors import access
from audit.services import Action as AuditAction
from audit.services import query_filter, record
from exportcenter.spreadsheets import csv_response, dialect_from, unknown_dialect_response, xlsx_response

from . import national_snapshots
from .models import NationalSnapshot
from .national_forms import NationalQueryForm
from .national_tables import tables

TEMPLATE = "dashboards/national.html"


def _context(request) -> dict:
    access.require(request.user, access.Action.VIEW, NationalSnapshot)
    form = NationalQueryForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return {"form": form, "form_valid": False, "tables": [], "query": request.GET.urlencode()}
    query = form.query()
    figures = national_snapshots.figures(query)
    return {
        "form": form,
        "form_valid": True,
        "period": query.period,
        "figures": figures,
        "tables": tables(figures),
        "query": request.GET.urlencode(),
        "computed_at": parse_datetime(figures["computed_at"])
        if figures.get("computed_at")
        else timezone.now(),
    }


@login_required
def dashboard(request):
    context = _context(request)
    return render(request, TEMPLATE, context, status=200 if context["form_valid"] else 400)


@login_required
def download(request, table: str, file_format: str):
    if file_format not in ("csv", "xlsx"):
        raise Http404
    access.require(request.user, access.Action.EXPORT, NationalSnapshot)
    dialect = dialect_from(request.GET)
    if dialect is None:
        return unknown_dialect_response(request.GET)
    context = _context(request)
    if not context["form_valid"]:
        return render(request, TEMPLATE, context, status=400)
    chosen = next((t for t in context["tables"] if t.key == table), None)
    if chosen is None:
        raise Http404
    period = context["period"]
    record(
        AuditAction.EXPORT,
        request=request,
        export=f"national.{table}.{file_format}",
        scope="national",
        period=f"{period.start:%Y-%m-%d}/{period.end:%Y-%m-%d}",
        filter=query_filter(request),
        rows=len(chosen.rows),
    )
    filename = f"national-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{file_format}"
    if file_format == "csv":
        return csv_response(chosen.download_rows(), filename, dialect)
    title = re.sub(r"[\[\]:*?/\\]", "", chosen.title).strip()[:31]
    return xlsx_response(chosen.download_rows(), filename, sheet_title=title)
