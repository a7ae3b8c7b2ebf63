"""Pages of participation and aid: enrol a company in a project, a participation and its support, de minimis
aid (from a participation or on the company page, with the ceiling's warning and override), and the links
that make companies one undertaking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advisors import access
from advisors.access import Action
from companies import selectors as company_selectors
from exportcenter.errors import add_form_errors, save_form

from ..forms.aid import AidForm, CompanySearchForm, EnrolForm, LinkForm, ParticipationForm, SupportForm
from ..models import DeMinimisAid, Participation, Project, Support, UndertakingLink
from ..selectors import aid as selectors
from ..services import aid as aid_services
from ..services import participation as services


def _project_or_404(user, public_id) -> Project:
    project = (
        access.visible(user, Project.objects.all())
        .select_related("programme", "region")
        .filter(public_id=public_id)
        .first()
    )
    if project is None:
        raise Http404
    return project


def _participation_or_404(user, public_id) -> Participation:
    participation = selectors.participation_detail(user, public_id)
    if participation is None:
        raise Http404
    return participation


def _visible_company(user, public_id):
    if public_id is None:
        return None
    return (
        company_selectors.visible_companies(user)
        .select_related("municipality")
        .filter(public_id=public_id)
        .first()
    )


def _chosen_company(request, form, field):
    """The company a search form's POST chose, visible to the user (None, with the field's error, if not);
    the form offers it alone from now on."""
    chosen = _visible_company(request.user, request.POST.get(field) if form.is_valid() else None)
    form.fields[field].widget.choices = (
        type(form)(companies=[chosen] if chosen else []).fields[field].widget.choices
    )
    if form.is_valid() and chosen is None:
        form.add_error(field, _("Choose one of the companies found."))
    return chosen


def _search(request, *, exclude=None):
    search = CompanySearchForm(request.GET or None)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    return search, selectors.company_choices(request.user, text, exclude=exclude) if text else []


def _search_page(request, template, context, search, form, companies):
    """A form that chooses a company from a search: 400 with the form's errors."""
    return render(
        request,
        template,
        {**context, "search": search, "form": form, "companies": companies},
        status=400 if form.errors else 200,
    )


def _choices(request, field, search):
    """The companies found, alone: what the search form's htmx request swaps in."""
    return render(request, "projects/aid/includes/company_choices.html", {"field": field, "search": search})


# --- Enrolling and participations ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def participation_create(request, project_id):
    """Find a company (GET ?q=) and enrol it (POST) from a date within the project's period."""
    project = _project_or_404(request.user, project_id)
    access.require(request.user, Action.CHANGE, project)
    search, companies = _search(request)
    form = EnrolForm(request.POST or None, companies=companies, initial={"joined_on": project.starts_on})
    if request.htmx and request.method == "GET":
        return _choices(request, form["company"], search)
    if request.method == "POST":
        chosen = _chosen_company(request, form, "company")
        data = form.cleaned_data if form.is_valid() else {}
        participation = save_form(
            form,
            lambda: services.enrol_company(
                project=project,
                company=chosen,
                joined_on=data["joined_on"],
                left_on=data.get("left_on"),
                registered_on=data.get("company_registered_on"),
                note=data.get("note") or "",
                by=request.user,
            ),
            "",
        )
        if participation is not None:
            messages.success(request, _("%(company)s takes part in the project.") % {"company": chosen.name})
            return redirect("projects:participation_detail", public_id=participation.public_id)
    return _search_page(request, "projects/aid/enrol.html", {"project": project}, search, form, companies)


@login_required
def participation_detail(request, public_id):
    participation = _participation_or_404(request.user, public_id)
    return render(
        request,
        "projects/aid/participation.html",
        {
            "participation": participation,
            "project": participation.project,
            "company": participation.company,
            "supports": list(participation.supports.all()),
            "aid": list(
                selectors.visible_aid(request.user).filter(
                    company=participation.company, project=participation.project
                )
            ),
            "can_change": access.can(request.user, Action.CHANGE, participation),
            "can_record_aid": participation.company.merged_into_id is None
            and access.can(request.user, Action.CREATE, DeMinimisAid(company=participation.company)),
        },
    )


def _participation_form(request, participation, form, *, template, save, done, stale=""):
    """A form about one participation: on a valid POST `save()` and back to the participation; else the form
    again (status 400 with the services' errors)."""
    if request.method == "POST" and save_form(form, save, stale) is not None:
        messages.success(request, done)
        return redirect("projects:participation_detail", public_id=participation.public_id)
    return render(
        request,
        template,
        {"participation": participation, "project": participation.project, "form": form},
        status=400 if form.errors else 200,
    )


def _update_participation(participation, form):
    data = dict(form.cleaned_data)
    version = data.pop("version")
    return services.update_participation(participation=participation, data=data, expected_version=version)


@login_required
@require_http_methods(["GET", "POST"])
def participation_edit(request, public_id):
    participation = _participation_or_404(request.user, public_id)
    access.require(request.user, Action.CHANGE, participation)
    initial = {name: getattr(participation, name) for name in ("joined_on", "left_on", "note", "version")}
    form = ParticipationForm(request.POST or None, initial=initial)
    return _participation_form(
        request,
        participation,
        form,
        template="projects/aid/participation_form.html",
        save=lambda: _update_participation(participation, form),
        done=_("The changes were saved."),
        stale=_("This participation changed since you opened it. Reload the page and try again."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_create(request, public_id):
    participation = _participation_or_404(request.user, public_id)
    access.require(request.user, Action.CREATE, Support(participation=participation))
    form = SupportForm(request.POST or None, initial={"given_on": participation.joined_on})
    return _participation_form(
        request,
        participation,
        form,
        template="projects/aid/support_form.html",
        save=lambda: services.record_support(
            participation=participation, by=request.user, data=form.cleaned_data
        ),
        done=_("The support was recorded."),
    )


# --- De minimis aid --------------------------------------------------------------------------------------


def _aid_page(request, *, company, participation=None):
    access.require(request.user, Action.CREATE, DeMinimisAid(company=company))
    if participation is not None:
        projects = [participation.project]
        supports = [s for s in participation.supports.all() if not hasattr(s, "aid")]
        initial = {"project": str(participation.project.public_id), "granting_body": ""}
    else:
        projects = [p.project for p in selectors.visible_participations(request.user).filter(company=company)]
        supports = []
        initial = {}
    form = AidForm(request.POST or None, projects=projects, supports=supports, initial=initial)
    exceeded = None
    if request.method == "POST" and form.is_valid():
        try:
            aid = aid_services.record_aid(company=company, by=request.user, data=form.aid_data())
        except aid_services.CeilingExceeded as error:
            exceeded = error
            form.add_error(None, error.message)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The de minimis aid was recorded."))
            if aid.overridden_by_id:
                messages.warning(request, _("The aid passes the de minimis ceiling. Your reason was logged."))
            if participation is not None:
                return redirect("projects:participation_detail", public_id=participation.public_id)
            return redirect(f"{company_url(company)}#de-minimis")
    status = selectors.ceiling_status_of(company)
    return render(
        request,
        "projects/aid/aid_form.html",
        {
            "company": company,
            "participation": participation,
            "project": participation.project if participation else None,
            "form": form,
            "exceeded": exceeded,
            "status": status,
        },
        status=400 if form.errors else 200,
    )


def company_url(company) -> str:
    return reverse("companies:detail", args=[company.public_id])


@login_required
@require_http_methods(["GET", "POST"])
def aid_create(request, company_id):
    """Aid on the company page: from any project it takes part in, or granted outside the portal."""
    return _aid_page(request, company=company_selectors.company_or_404(request.user, company_id))


@login_required
@require_http_methods(["GET", "POST"])
def participation_aid_create(request, public_id):
    participation = _participation_or_404(request.user, public_id)
    return _aid_page(request, company=participation.company, participation=participation)


# --- Undertaking links -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def link_create(request, company_id):
    company = company_selectors.company_or_404(request.user, company_id)
    if company.merged_into_id is not None:
        raise Http404
    access.require(request.user, Action.CREATE, UndertakingLink(company=company, linked_company=company))
    search, companies = _search(request, exclude=company)
    form = LinkForm(request.POST or None, companies=companies)
    if request.htmx and request.method == "GET":
        return _choices(request, form["linked_company"], search)
    if request.method == "POST":
        chosen = _chosen_company(request, form, "linked_company")
        link = save_form(
            form,
            lambda: aid_services.link_companies(
                company=company, linked_company=chosen, by=request.user, note=form.cleaned_data["note"]
            ),
            "",
        )
        if link is not None:
            messages.success(
                request,
                _("%(a)s and %(b)s are now one undertaking for de minimis aid.")
                % {"a": company.name, "b": chosen.name},
            )
            return redirect(f"{company_url(company)}#de-minimis")
    return _search_page(request, "projects/aid/link_form.html", {"company": company}, search, form, companies)


@login_required
@require_POST
def link_remove(request, company_id, linked_id):
    company = company_selectors.company_or_404(request.user, company_id)
    link = (
        access.visible(request.user, UndertakingLink.objects.all())
        .select_related("company", "linked_company")
        .filter(
            company__public_id__in=[company_id, linked_id],
            linked_company__public_id__in=[company_id, linked_id],
        )
        .first()
    )
    if link is None:
        raise Http404
    access.require(request.user, Action.DELETE, link)
    aid_services.unlink_companies(link=link, by=request.user)
    messages.success(request, _("The link was removed."))
    return redirect(f"{company_url(company)}#de-minimis")
