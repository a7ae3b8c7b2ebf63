import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from advisors import access
from audit.services import Action as AuditAction
from audit.services import query_filter, record
from exportcenter.spreadsheets import csv_response, dialect_from, unknown_dialect_response, xlsx_response

from . import services as goal_services
from . import stats
from .forms import DashboardQueryForm, RegionalGoalForm
from .models import RegionalGoal
from .tables import figures


def _dashboard_context(request) -> dict:
    """The page's context. A query that is not valid computes nothing: the form shows its errors."""
    form = DashboardQueryForm(request.GET or None, user=request.user)
    valid = form.is_valid() if form.is_bound else True
    if not valid:
        if DashboardQueryForm(user=request.user).resolved()[0] is None:
            raise Http404(_("There is no dashboard for you here."))
        return {"form": form, "form_valid": False, "figures": [], "query": request.GET.urlencode()}
    scope, period, filters = form.resolved()
    if scope is None:
        raise Http404(_("There is no dashboard for you here."))
    summary = stats.summary(scope, period, filters)
    if scope.advisor_id:
        scope_label = _("My work in {organisation}").format(organisation=request.user.organisation)
    elif scope.organisation_id:
        scope_label = str(request.user.organisation)
    else:
        scope_label = str(scope.region)
    return {
        "form": form,
        "form_valid": valid,
        "scope": scope,
        "scope_label": scope_label,
        "period": period,
        "summary": summary,
        "figures": figures(summary),
        "query": request.GET.urlencode(),
        "generated_at": timezone.now(),
    }


def _record_export(request, context, export: str, rows: int) -> None:
    """A download or the printable report: who took which figures of which scope and period."""
    period = context["period"]
    record(
        AuditAction.EXPORT,
        request=request,
        export=f"dashboard.{export}",
        scope=context["scope_label"],
        period=f"{period.start:%Y-%m-%d}/{period.end:%Y-%m-%d}",
        filter=query_filter(request),
        rows=rows,
    )


def _not_valid(request, context):
    """The dashboard with the query's errors next to its fields: nothing to print or download."""
    return render(request, "dashboards/dashboard.html", context, status=400)


@login_required
def dashboard(request):
    return render(request, "dashboards/dashboard.html", _dashboard_context(request))


@login_required
def report(request):
    """The same figures as an A4 report for printing: tables only, no controls."""
    context = _dashboard_context(request)
    if not context["form_valid"]:
        return _not_valid(request, context)
    _record_export(request, context, "report", rows=sum(len(figure.rows) for figure in context["figures"]))
    return render(request, "dashboards/report.html", context)


@login_required
def download(request, figure: str, file_format: str):
    if file_format not in ("csv", "xlsx"):
        raise Http404
    dialect = dialect_from(request.GET)
    if dialect is None:
        return unknown_dialect_response(request.GET)
    context = _dashboard_context(request)
    if not context["form_valid"]:
        return _not_valid(request, context)
    chosen = next((f for f in context["figures"] if f.key == figure), None)
    if chosen is None:
        raise Http404
    period = context["period"]
    _record_export(request, context, f"{figure}.{file_format}", rows=len(chosen.rows))
    filename = f"{figure}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{file_format}"
    if file_format == "csv":
        return csv_response(chosen.download_rows(), filename, dialect)
    # A sheet's title may not hold any of []:*?/\ (Excel's rule).
    title = re.sub(r"[\[\]:*?/\\]", "", chosen.title).strip()
    return xlsx_response(chosen.download_rows(), filename, sheet_title=title)


@login_required
def goals(request):
    access.require(request.user, access.Action.VIEW, RegionalGoal)
    items = access.visible(request.user, RegionalGoal.objects.select_related("region"))
    may_create = access.can(request.user, access.Action.CREATE, RegionalGoal)
    return render(request, "dashboards/goals.html", {"goals": items, "may_create": may_create})


@login_required
@require_http_methods(["GET", "POST"])
def goal_form(request, pk=None):
    goal = get_object_or_404(RegionalGoal, pk=pk) if pk else None
    access.require(request.user, access.Action.CHANGE if goal else access.Action.CREATE, goal or RegionalGoal)
    form = RegionalGoalForm(request.POST or None, instance=goal, user=request.user)
    if request.method == "POST" and form.is_valid():
        # The region field only offers the user's regions, so this is checked by the access rules too.
        access.require(request.user, access.Action.CHANGE, form.instance)
        try:
            goal_services.save_goal(goal=form.instance, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect("dashboards:goals")
    return render(request, "dashboards/goal_form.html", {"form": form, "goal": goal})
