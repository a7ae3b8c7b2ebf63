"""Importing official statistics: upload a file, see the dry-run preview, then confirm (issue 19).

The preview keeps the file's content in the cache (one hour, per user and content hash) and hands the page a
signed token naming the hash and the choices made; confirming imports exactly that content, or nothing. A
token changed on the way, another user's, an expired one or one already used is refused with a form error.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from advisors import access
from reference import scb
from reference.models import StatisticsImport

from . import cache as dashboard_cache
from .forms import DashboardQueryForm
from .official_statistics import panel, preview_table
from .official_statistics_forms import PREVIEW_MAX_AGE, StatisticsConfirmForm, StatisticsUploadForm, sign

TEMPLATE = "dashboards/official_statistics/import.html"
RECENT_IMPORTS = 20


def _cache_key(user_id: int, sha256: str) -> str:
    return f"statistics-preview:{user_id}:{sha256}"


def _who(user) -> str:
    return f"{user.full_name or user.email} <{user.email}>" if user.email else str(user)


def _page(request, *, form=None, confirm=None, preview=None, status=200):
    recent = access.visible(request.user, StatisticsImport.objects.all())[:RECENT_IMPORTS]
    context = {
        "form": form or StatisticsUploadForm(),
        "confirm": confirm,
        "preview": preview and preview_table(preview, scb.county_names()),
        "imports": recent,
    }
    return render(request, TEMPLATE, context, status=status)


def _preview(request):
    form = StatisticsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    data = form.cleaned_data
    raw = data["file"].read(scb.pxweb.MAX_BYTES + 1)
    preview = scb.preview(raw, kind=data["kind"], vintage=data["vintage"])
    if not preview.ok:
        form.add_error(
            "file", _("The file has errors: see them next to the rows below. Nothing was imported.")
        )
        return _page(request, form=form, preview=preview, status=400)
    cache.set(_cache_key(request.user.pk, preview.sha256), raw, PREVIEW_MAX_AGE)
    token = sign(
        user_id=request.user.pk,
        sha256=preview.sha256,
        kind=data["kind"],
        source=data["source"],
        table=data["table"],
        vintage=data["vintage"],
        file_name=(data["file"].name or "")[:255],
    )
    confirm = StatisticsConfirmForm(initial={"token": token}, user=request.user)
    return _page(request, form=form, confirm=confirm, preview=preview)


def _confirm(request):
    confirm = StatisticsConfirmForm(request.POST, user=request.user)
    if not confirm.is_valid():
        return _page(request, confirm=confirm, status=400)
    data = confirm.cleaned_data["token"]
    key = _cache_key(request.user.pk, data["h"])
    raw = cache.get(key)
    # Taken once: a double submit (or a second tab) finds nothing to import.
    if raw is None or not cache.delete(key):
        confirm.add_error(
            "token", _("This preview was already imported or has expired: upload the file again.")
        )
        return _page(request, confirm=confirm, status=400)
    try:
        result = scb.import_file(
            raw,
            kind=data["k"],
            source=data["s"],
            table=data["t"],
            vintage=date.fromisoformat(data["v"]),
            file_name=data["f"] or "upload.csv",
            imported_by=_who(request.user),
            expected_sha256=data["h"],
        )
    except scb.ScbFileError as error:
        confirm.add_error("token", str(error))
        return _page(request, confirm=confirm, preview=error.preview, status=400)
    log = result.log
    # The national figures use these statistics: their snapshots are stale now.
    transaction.on_commit(dashboard_cache.changed)
    messages.success(
        request,
        _("Imported: %(new)s new, %(changed)s changed, %(kept)s kept (a newer vintage is loaded).")
        % {"new": log.created, "changed": log.updated, "kept": log.kept},
    )
    return redirect("dashboards:statistics_import")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    access.require(request.user, access.Action.IMPORT, StatisticsImport)
    if request.method == "GET":
        return _page(request)
    if request.POST.get("step") == "confirm":
        return _confirm(request)
    return _preview(request)


@login_required
@require_http_methods(["GET"])
def panel_page(request):
    """The regional dashboard's "Official statistics" panel, for the dashboard's region and period: a
    fragment loaded into the dashboard (htmx), or a page of its own without JavaScript."""
    form = DashboardQueryForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return render(request, "dashboards/official_statistics/page.html", {"form": form}, status=400)
    scope, period, _filters = form.resolved()
    if scope is None:
        raise Http404(_("There is no dashboard for you here."))
    context = {
        "panel": panel(request.user, scope.region, period.end.year),
        "may_import": access.can(request.user, access.Action.IMPORT, StatisticsImport),
        "region": scope.region,
        "query": request.GET.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "dashboards/official_statistics/panel.html", context)
    return render(request, "dashboards/official_statistics/page.html", context)
