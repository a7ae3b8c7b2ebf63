"""The audit log's search page and its CSV export, for regional staff (advisors/access/ decides)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advisors import access
from audit.models import AuditEntry
from audit.services import Action, query_filter, record
from exportcenter import spreadsheets
from exportcenter.pagination import paginate

from .audit_filters import AuditEntryFilter, visible_entries

EXPORT_CHUNK_SIZE = 2000


@login_required
def audit_log(request):
    access.require(request.user, access.Action.VIEW, AuditEntry)
    filterset = AuditEntryFilter(request.GET or None, queryset=visible_entries(request.user))
    entries = filterset.qs if filterset.is_valid() or not filterset.is_bound else AuditEntry.objects.none()
    page = paginate(request, entries, per_page=50)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "advisors/audit_log.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
        status=400 if filterset.is_bound and not filterset.is_valid() else 200,
    )


def _export_rows(queryset, language: str):
    with translation.override(language):  # a streamed response is written after the view returns
        yield [
            _("When"),
            _("Who"),
            _("Action"),
            _("Object type"),
            _("Object id"),
            _("Object"),
            _("Address"),
            _("Through"),
            _("Page or endpoint"),
            _("Details"),
        ]
        for entry in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
            yield [
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_label or (entry.actor.email if entry.actor else ""),
                entry.get_action_display(),
                entry.object_type,
                entry.object_id,
                entry.object_label,
                entry.ip_address or "",
                entry.get_channel_display(),
                entry.path,
                entry.details_text,
            ]


@login_required
def audit_log_export(request):
    """The filtered entries as CSV. The export is itself recorded, with its filter and row count."""
    access.require(request.user, access.Action.EXPORT, AuditEntry)
    dialect = spreadsheets.dialect_from(request.GET)
    if dialect is None:
        return spreadsheets.unknown_dialect_response(request.GET)
    filterset = AuditEntryFilter(request.GET or None, queryset=visible_entries(request.user))
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect("advisors:audit_log")
    with transaction.atomic():
        rows = filterset.qs.count()
        entry = record(
            Action.EXPORT, request=request, export="audit_log", filter=query_filter(request), rows=rows
        )
    entries = filterset.qs.filter(pk__lt=entry.pk)  # what was counted: not this export's own entry
    filename = f"audit-log-{timezone.localdate():%Y%m%d}.csv"
    return spreadsheets.csv_response(_export_rows(entries, translation.get_language()), filename, dialect)
