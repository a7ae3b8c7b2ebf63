"""The notification centre: the list behind the bell, marking read, and email preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from advisors import access
from advisors.access import Action
from exportcenter.pagination import paginate

from . import selectors, services
from .forms import PreferencesForm
from .models import Notification


@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    page = paginate(request, selectors.notifications_for(request.user, unread_only=unread_only))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "query": "show=unread" if unread_only else ""},
    )


@login_required
@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(Notification.objects.filter(recipient=request.user), pk=pk)
    access.require(request.user, Action.CHANGE, notification)
    services.mark_read(user=request.user, notification_ids=[notification.pk])
    if request.htmx:
        notification.refresh_from_db()
        return render(
            request,
            "notifications/partials/item.html",
            {"notification": notification, "oob_bell": True, "row_notice": _("Marked as read.")},
        )
    messages.success(request, _("Marked as read."))
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(user=request.user)
    messages.success(request, _("All notifications are read.") if count else _("There was nothing unread."))
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None, current=selectors.preferences_for(request.user))
    if request.method == "POST" and form.is_valid():
        in_app, email = form.choices()
        services.set_preferences(user=request.user, in_app=in_app, email=email)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
