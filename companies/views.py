"""Advisor pages of the company register. Thin: forms validate, services change, selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from advisors import access
from advisors.access import Action
from advisors.models import Organisation, User
from audit.services import Action as AuditAction
from audit.services import query_filter, record, record_read
from exportcenter import search_params, spreadsheets
from exportcenter.errors import Stale
from exportcenter.pagination import paginate

from . import exporting, importing, selectors, services
from .filters import CompanyFilter
from .forms import CompanyForm, ContactForm, ImportUploadForm
from .models import Company, CompanyImport, Contact
from .panels import company_page

UNCONFIRMED_SIGNS = gettext_lazy(
    "The signs of international business were saved without a source: they are not confirmed and do not "
    "count toward the goals. Add the source (for example an annual report) to confirm them."
)


def _company_or_404(user, public_id, action=Action.VIEW, answering=None) -> Company:
    company = selectors.company_detail(user, public_id, answering=answering)
    if company is None:
        raise Http404
    access.require(user, action, company)
    return company


def _form_choices(user):
    """The responsible organisation and advisor a user may pick: those of the user's regions."""
    return {
        "organisations": access.visible(user, Organisation.objects.active()),
        "advisors": access.visible(user, User.objects.filter(is_active=True)).select_related("organisation"),
        "county_ids": access.county_ids(user),
    }


def _duplicate_context(user, form, duplicate):
    """The error for a registered number; the company is named only to those who may see it."""
    if access.can(user, Action.VIEW, duplicate.existing):
        form.add_error("org_number", _("A company with this organisation number is already registered."))
        return {"form": form, "existing": duplicate.existing}
    form.add_error("org_number", _("This organisation number is registered by another export center."))
    return {"form": form}


@login_required
def company_list(request):
    if request.method == "POST":  # a personal identity number never ends up in a URL or an access log
        return search_params.redirect_to_search(request)
    params = search_params.search_params(request)
    companies = selectors.visible_companies(request.user, name_search=params.get("q", ""))
    filterset = CompanyFilter(
        params or None, queryset=companies.select_related(*selectors.COMPANY_LIST_RELATED)
    )
    companies = filterset.qs if filterset.is_valid() or not filterset.is_bound else Company.objects.none()
    page = (
        selectors.ranked_page(request, companies)
        if selectors.is_ranked(companies)
        else paginate(request, companies)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "companies/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_import": access.can(request.user, Action.IMPORT, Company),
        },
    )


@login_required
def company_export(request, file_format):
    access.require(request.user, Action.EXPORT, Company)
    dialect = spreadsheets.dialect_from(request.GET)
    if dialect is None:
        return spreadsheets.unknown_dialect_response(request.GET)
    filterset = CompanyFilter(
        search_params.search_params(request) or None, queryset=selectors.visible_companies(request.user)
    )
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect("companies:list")
    record(
        AuditAction.EXPORT,
        request=request,
        export=f"companies.{file_format}",
        filter=query_filter(request),
        rows=filterset.qs.count(),
    )
    rows = exporting.export_rows(request.user, filterset.qs)
    if file_format == "xlsx":
        return spreadsheets.xlsx_response(rows, "companies.xlsx", sheet_title=_("Companies"))
    return spreadsheets.csv_response(rows, "companies.csv", dialect)


@login_required
@require_http_methods(["GET", "POST"])
def company_create(request):
    access.require(request.user, Action.CREATE, Company)
    form = CompanyForm(request.POST or None, **_form_choices(request.user))
    similar = []
    if request.method == "POST" and form.is_valid():
        similar = selectors.similar_companies(request.user, form.cleaned_data["name"])
        if similar and not request.POST.get("confirm_new"):
            messages.warning(request, _("Check that the company is not registered already."))
        else:
            try:
                company = services.register_company(by=request.user, data=form.company_data())
            except services.DuplicateCompany as duplicate:
                return render(
                    request, "companies/form.html", _duplicate_context(request.user, form, duplicate)
                )
            messages.success(request, _("The company was registered."))
            if form.signs_changed_without_source():
                messages.warning(request, UNCONFIRMED_SIGNS)
            return redirect("companies:detail", public_id=company.public_id)
    return render(request, "companies/form.html", {"form": form, "similar": similar})


@login_required
def similar_names(request):
    """htmx: "Did you mean …?" while the advisor types a name. The form checks again on submit."""
    similar = selectors.similar_companies(request.user, request.GET.get("name", "")[:200])
    return render(request, "companies/partials/similar.html", {"similar": similar, "live": True})


@login_required
def company_detail(request, public_id):
    company = _company_or_404(request.user, public_id, answering=company_page)  # and the panels' probes
    record_read(request, company)
    prefetch_related_objects([company], "contacts")  # read once, for the page and its panels
    return render(
        request,
        "companies/detail.html",
        {
            "company": company,
            "contacts": company.contacts.all(),
            "timeline": selectors.company_timeline(company),
            "can_change": access.can(request.user, Action.CHANGE, company),
            "can_merge": access.can(request.user, Action.MERGE, company),
            "can_view_personal_data": access.can(request.user, Action.VIEW_PERSONAL_DATA, company),
            **company_page.context(request.user, company),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request, public_id):
    company = _company_or_404(request.user, public_id, Action.CHANGE)
    form = CompanyForm(request.POST or None, instance=company, **_form_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_company(
                company=company,
                by=request.user,
                data=form.company_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except Stale:
            form.add_error(
                None,
                _("This company changed since you opened it. Reload the page and make your changes again."),
            )
        except services.DuplicateCompany as duplicate:
            context = _duplicate_context(request.user, form, duplicate)
            return render(request, "companies/form.html", {**context, "company": company})
        else:
            messages.success(request, _("The changes were saved."))
            if form.signs_changed_without_source():
                messages.warning(request, UNCONFIRMED_SIGNS)
            return redirect("companies:detail", public_id=company.public_id)
    return render(request, "companies/form.html", {"form": form, "company": company})


@login_required
@require_http_methods(["GET", "POST"])
def contact_form(request, public_id, contact_id=None):
    company = _company_or_404(request.user, public_id, Action.CHANGE)
    contact = get_object_or_404(Contact, company=company, public_id=contact_id) if contact_id else None
    if contact is not None and request.method == "GET":
        record_read(request, contact)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                services.add_contact(company=company, by=request.user, data=form.contact_data())
            else:
                services.update_contact(contact=contact, by=request.user, data=form.contact_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contact was saved."))
            return redirect("companies:detail", public_id=company.public_id)
    return render(
        request, "companies/contact_form.html", {"form": form, "company": company, "contact": contact}
    )


@login_required
def company_merge(request, public_id):
    """Step 1 of a merge: find the duplicate."""
    company = _company_or_404(request.user, public_id, Action.MERGE)
    query = request.GET.get("q", "")[:200]
    candidates = []
    if query.strip():
        candidates = [
            c
            for c in selectors.search(
                selectors.visible_companies(request.user, name_search=query), query
            ).select_related("municipality")[:20]
            if c.pk != company.pk
        ]
    return render(
        request, "companies/merge.html", {"company": company, "query": query, "candidates": candidates}
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_merge_confirm(request, public_id, duplicate_id):
    """Step 2: compare and merge. Both companies must be the user's to merge."""
    company = _company_or_404(request.user, public_id, Action.MERGE)
    duplicate = _company_or_404(request.user, duplicate_id, Action.MERGE)
    if request.method == "POST":
        try:
            services.merge_companies(survivor=company, duplicate=duplicate, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(duplicate)s was merged into %(company)s.")
                % {"duplicate": duplicate.name, "company": company.name},
            )
            return redirect("companies:detail", public_id=company.public_id)
    return render(
        request,
        "companies/merge_confirm.html",
        {"company": company, "duplicate": duplicate, "duplicate_contacts": duplicate.contacts.count()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    access.require(request.user, Action.IMPORT, Company)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            filename, text = importing.read_upload(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            company_import = CompanyImport.objects.create(
                filename=filename[:200], content=text, created_by=request.user
            )
            return redirect("companies:import_preview", public_id=company_import.public_id)
    return render(
        request,
        "companies/import_upload.html",
        {"form": form, "template_header": importing.CSV_TEMPLATE_HEADER},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, public_id):
    company_import = (
        access.visible(request.user, CompanyImport.objects.all()).filter(public_id=public_id).first()
    )
    if company_import is None:
        raise Http404
    if request.method == "POST" and company_import.status == CompanyImport.Status.PREVIEWED:
        try:
            summary = importing.apply_import(
                company_import=company_import,
                by=request.user,
                valid_only=request.POST.get("mode") == "valid_only",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Import applied: %(create)s created, %(update)s updated, %(unchanged)s unchanged.")
                % {k: summary.get(k, 0) for k in ("create", "update", "unchanged")},
            )
            return redirect("companies:list")
    preview = importing.preview_import(company_import.content, user=request.user)
    return render(
        request, "companies/import_preview.html", {"company_import": company_import, "preview": preview}
    )
