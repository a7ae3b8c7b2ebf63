"""The service catalogue's pages: an organisation's services, and adding or changing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from advisors import access
from advisors.access import Action
from advisors.models import Organisation
from exportcenter.errors import Stale

from .. import selectors, services
from ..forms.catalogue import ServiceForm
from ..models import Service


@login_required
def service_list(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    access.require(request.user, Action.VIEW, organisation)
    # Rights on services follow their organisation, so one check covers every row.
    may_maintain = access.can(request.user, Action.CHANGE, Service(organisation=organisation))
    return render(
        request,
        "referrals/services.html",
        {
            "organisation": organisation,
            "rows": selectors.service_rows(request.user, organisation),
            "may_maintain": may_maintain,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    access.require(request.user, Action.CREATE, Service(organisation=organisation))
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_service(organisation=organisation, by=request.user, data=form.service_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The service was added."))
            return redirect("referrals:services", slug=organisation.slug)
    return render(request, "referrals/service_form.html", {"form": form, "organisation": organisation})


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, slug, pk):
    service = get_object_or_404(
        Service.objects.select_related("organisation"), organisation__slug=slug, pk=pk
    )
    access.require(request.user, Action.CHANGE, service)
    organisation = service.organisation
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_service(
                service=service,
                by=request.user,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except Stale:
            form.add_error(
                None,
                _(
                    "Someone changed this service since you opened it. "
                    "Reload the page and make your changes again."
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("referrals:services", slug=organisation.slug)
    return render(
        request,
        "referrals/service_form.html",
        {"form": form, "organisation": organisation, "service": service},
    )
