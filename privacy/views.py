"""The GDPR tools' pages: find a person, see what is held, export, erase; the retention dry run; legal
hold."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from advisors import access
from companies.models import Company, Contact
from referrals.models import AdviceRequest

from . import selectors, services
from .forms import EraseForm, ExportForm, LegalHoldForm, PersonSearchForm
from .models import RetentionRun


@login_required
@require_GET
def people(request):
    access.require(request.user, access.Action.GDPR_EXPORT, Contact)
    form = PersonSearchForm(request.GET or None)
    matches = selectors.search_people(request.user, form.cleaned_data["q"]) if form.is_valid() else []
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "privacy/people.html", {"form": form, "matches": matches}, status=status)


def _person(request, kind: str, public_id):
    """The person the user may see (else 404), and whom they may use the tools on (else 403)."""
    person = selectors.person_for(request.user, kind, public_id)
    access.require(request.user, access.Action.GDPR_EXPORT, person)
    return person


def _person_page(request, kind, person, *, export_form=None, erase_form=None, status=200):
    subject = selectors.subject_for(person)
    return render(
        request,
        "privacy/person.html",
        {
            "kind": kind,
            "person": person,
            "subject": subject,
            "sections": selectors.held_data(subject),
            "held": selectors.holds(subject),
            "anonymised": person.anonymised_at is not None,
            "export_form": export_form or ExportForm(),
            "erase_form": erase_form or EraseForm(expected=subject.label),
        },
        status=status,
    )


@login_required
@require_GET
def person(request, kind: str, public_id):
    return _person_page(request, kind, _person(request, kind, public_id))


@login_required
@require_POST
def export(request, kind: str, public_id):
    person = _person(request, kind, public_id)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _person_page(request, kind, person, export_form=form, status=400)
    document = services.export_person(person=person, by=request.user, request=request)
    name = f"personal-data-{kind}-{person.public_id}"
    if form.cleaned_data["file_format"] == "json":
        body = json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode()
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        filename = f"{name}.json"
    else:
        response = HttpResponse(services.export_zip(document), content_type="application/zip")
        filename = f"{name}.zip"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def erase(request, kind: str, public_id):
    person = _person(request, kind, public_id)
    access.require(request.user, access.Action.GDPR_ERASE, person)
    form = EraseForm(request.POST, expected=selectors.subject_for(person).label)
    if not form.is_valid():
        return _person_page(request, kind, person, erase_form=form, status=400)
    try:
        services.erase_person(person=person, by=request.user, request=request)
    except services.ErasureBlocked as blocked:
        form.add_error(
            None,
            _("Nothing was erased: %(held)s is on legal hold. Lift the hold first.")
            % {"held": ", ".join(blocked.held)},
        )
        return _person_page(request, kind, person, erase_form=form, status=409)
    messages.success(request, _("The person's data was erased. The statistics are kept."))
    return redirect("privacy:person", kind=kind, public_id=person.public_id)


@login_required
@require_GET
def retention(request):
    access.require(request.user, access.Action.VIEW, RetentionRun)
    return render(
        request,
        "privacy/retention.html",
        {"preview": selectors.retention_preview(), "runs": selectors.recent_runs()},
    )


_HOLDABLE = {"company": Company, "request": AdviceRequest}


@login_required
@require_POST
def legal_hold(request, target: str, public_id):
    model = _HOLDABLE.get(target)
    if model is None:
        raise Http404
    obj = get_object_or_404(access.visible(request.user, model.objects.all()), public_id=public_id)
    access.require(request.user, access.Action.SET_LEGAL_HOLD, obj)
    form = LegalHoldForm(request.POST)
    form.is_valid()  # a checkbox: always valid, unticked is False
    on_hold = form.cleaned_data["on_hold"]
    if services.set_legal_hold(obj=obj, on_hold=on_hold, by=request.user, request=request):
        messages.success(request, _("Legal hold is on.") if on_hold else _("Legal hold is lifted."))
    if target == "company":
        return redirect("companies:detail", public_id=obj.public_id)
    return redirect("referrals:request_detail", public_id=obj.public_id)
