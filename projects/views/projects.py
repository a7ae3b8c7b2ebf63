"""The pages of projects: the list, a project (with the registered panels), its form, partners and
activities, and the programmes regional staff keep. Thin: forms validate, services change, selectors read,
advisors.access decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from advisors import access
from advisors.access import Action
from exportcenter.bad_input import whole_number
from exportcenter.errors import Stale, save_form
from exportcenter.pagination import paginate
from outreach.models import Activity

from ..forms.projects import PartnerForm, ProgrammeForm, ProjectActivityForm, ProjectFilterForm, ProjectForm
from ..models import Programme, Project, ProjectActivity, ProjectPartner
from ..panels import project_page
from ..selectors import projects as selectors
from ..services import projects as services

STALE_PROJECT = gettext_lazy(
    "This project changed since you opened it. Reload the page and make your changes again."
)
STALE_PROGRAMME = gettext_lazy(
    "This programme changed since you opened it. Reload the page and make your changes again."
)


def _submit(request, form, save, done, stale=STALE_PROJECT) -> object | None:
    """On a POST: `save()` a valid form and tell the user `done`; the saved object, or None to show the form
    again (with the stale message or the services' errors on it)."""
    if request.method != "POST":
        return None
    saved = save_form(form, save, stale)
    if saved is not None:
        messages.success(request, done)
    return saved


def _version(form) -> int:
    return form.cleaned_data.get("version") or 0


def _change_project(request, form, project, service, data, done) -> object | None:
    """`_submit` of a form that changes `project`: `service(project=, by=, data=data(), expected_version=)`
    with the version the form was read at."""
    return _submit(
        request,
        form,
        lambda: service(project=project, by=request.user, data=data(), expected_version=_version(form)),
        done,
    )


def _form_page(request, template, context, form):
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


def _project_or_404(user, public_id, action=Action.VIEW) -> Project:
    project = selectors.project_detail(user, public_id)  # only a project the user sees
    if project is None:
        raise Http404
    if action != Action.VIEW:
        access.require(user, action, project)
    return project


# --- The list and one project -----------------------------------------------------------------------------


@login_required
def project_list(request):
    form = ProjectFilterForm(
        request.GET or None,
        programmes=Programme.objects.order_by("name_sv"),
        regions=selectors.participating_region_choices(),
    )
    filters = selectors.ProjectFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ProjectFilters(
            status=data["status"], programme=data["programme"], region=data["region"], search=data["q"]
        )
    page = paginate(request, selectors.project_list(request.user, filters))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/projects/list.html",
        {
            "page": page,
            "filter_form": form,
            "query": query.urlencode(),
            "can_create": access.can(request.user, Action.CREATE, Project),
            "can_keep_programmes": access.can(request.user, Action.CREATE, Programme),
        },
        status=400 if form.errors else 200,
    )


@login_required
def project_detail(request, public_id):
    project = _project_or_404(request.user, public_id)
    partners = list(project.partners.all())
    return render(
        request,
        "projects/projects/detail.html",
        {
            "project": project,
            "partners": partners,
            "lead": next((partner for partner in partners if partner.is_lead), None),
            "activities": selectors.activities_of(request.user, project),
            "can_change": access.can(request.user, Action.CHANGE, project),
            **project_page.context(request.user, project),
        },
    )


def _project_form(request, project=None):
    return ProjectForm(
        request.POST or None,
        initial=ProjectForm.initial_for(project) if project else {"status": Project.Status.PLANNED},
        programmes=selectors.programme_choices(project),
        recording_regions=selectors.recording_regions(request.user, project),
        regions=selectors.participating_region_choices(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    access.require(request.user, Action.CREATE, Project)
    form = _project_form(request)
    project = _submit(
        request,
        form,
        lambda: services.create_project(by=request.user, data=form.project_data()),
        _("The project was created. Add its partners and activities."),
    )
    if project is not None:
        return redirect("projects:project_detail", public_id=project.public_id)
    return _form_page(request, "projects/projects/form.html", {"project": None}, form)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, public_id):
    project = _project_or_404(request.user, public_id, Action.CHANGE)
    form = _project_form(request, project)
    saved = _change_project(
        request, form, project, services.update_project, form.project_data, _("The changes were saved.")
    )
    if saved is not None:
        return redirect("projects:project_detail", public_id=saved.public_id)
    return _form_page(request, "projects/projects/form.html", {"project": project}, form)


# --- Partners and activities ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def partner_add(request, public_id):
    project = _project_or_404(request.user, public_id, Action.CHANGE)
    form = PartnerForm(
        request.POST or None,
        initial={"version": project.version},
        organisations=selectors.partner_organisation_choices(),
    )
    partner = _change_project(
        request, form, project, services.add_partner, form.partner_data, _("The partner was added.")
    )
    if partner is not None:
        return redirect("projects:project_detail", public_id=project.public_id)
    return _form_page(request, "projects/projects/partner_form.html", {"project": project}, form)


def _partner_action(request, public_id, partner_id, action, done):
    """A button on a partner's row (POST, with the project's version):
    `action(partner=, by=, expected_version=)`."""
    project = _project_or_404(request.user, public_id, Action.CHANGE)
    partner = get_object_or_404(ProjectPartner, pk=partner_id, project=project)
    access.require(request.user, Action.CHANGE, partner)
    version = request.POST.get("version", "")
    try:
        action(
            partner=partner, by=request.user, expected_version=int(version) if whole_number(version) else 0
        )
    except Stale:
        messages.error(request, str(STALE_PROJECT))
    else:
        messages.success(request, done)
    return redirect("projects:project_detail", public_id=project.public_id)


@login_required
@require_POST
def partner_remove(request, public_id, partner_id):
    return _partner_action(
        request,
        public_id,
        partner_id,
        services.remove_partner,
        _("The partner was removed."),
    )


@login_required
@require_POST
def partner_make_lead(request, public_id, partner_id):
    return _partner_action(
        request,
        public_id,
        partner_id,
        services.make_lead,
        _("The lead partner was changed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request, public_id):
    project = _project_or_404(request.user, public_id, Action.CHANGE)
    access.require(request.user, Action.CREATE, ProjectActivity(project=project))
    form = ProjectActivityForm(
        request.POST or None,
        initial={"version": project.version, "kind": Activity.Kind.STUDY_VISIT},
        partners=project.partners.select_related("organisation"),
        find_company=lambda digits: selectors.find_company(request.user, digits),
    )
    link = _change_project(
        request,
        form,
        project,
        lambda **change: services.add_activity(company=form.cleaned_data["company"], **change),
        form.activity_data,
        _("The activity was added to the project."),
    )
    if link is not None:
        return redirect("projects:project_detail", public_id=project.public_id)
    return _form_page(request, "projects/projects/activity_form.html", {"project": project}, form)


# --- Programmes -------------------------------------------------------------------------------------------


@login_required
def programme_list(request):
    programmes = selectors.visible_programmes(request.user).order_by("-is_active", "name_sv")
    if not access.can(request.user, Action.VIEW, Programme()):
        raise Http404
    return render(
        request,
        "projects/projects/programmes.html",
        {"programmes": programmes, "can_keep": access.can(request.user, Action.CREATE, Programme)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_form(request, code=None):
    programme = None
    if code is not None:
        programme = get_object_or_404(selectors.visible_programmes(request.user), code=code)
        access.require(request.user, Action.CHANGE, programme)
        initial = ProgrammeForm.initial_for(programme)
    else:
        access.require(request.user, Action.CREATE, Programme)
        initial = {"is_active": True}
    form = ProgrammeForm(request.POST or None, initial=initial)
    saved = _submit(
        request,
        form,
        lambda: services.save_programme(
            by=request.user,
            data=form.programme_data(),
            programme=programme,
            expected_version=None if programme is None else _version(form),
        ),
        _("The programme was saved."),
        stale=STALE_PROGRAMME,
    )
    if saved is not None:
        return redirect("projects:programme_list")
    return _form_page(request, "projects/projects/programme_form.html", {"programme": programme}, form)
