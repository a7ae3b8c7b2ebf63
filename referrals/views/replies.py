"""Canned replies: the list (everyone sees the replies they may use), and adding, changing and deleting
them (an organisation's leads, the region's staff). Another organisation's replies are a 404.

The request page offers them in its message form (`workspace_context`, used by `views.inbox`)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from advisors import access
from advisors.access import Action
from advisors.models import Organisation, Region
from exportcenter.bad_input import whole_number
from exportcenter.errors import Stale

from .. import selectors, services
from ..forms.replies import CannedReplyForm
from ..models import AdviceRequest, CannedReply, Placeholder


def _placeholders() -> list[tuple[str, str]]:
    return [(f"{{{value}}}", label) for value, label in Placeholder.choices]


@login_required
def reply_list(request):
    replies = selectors.canned_replies(request.user)
    rows = [(reply, access.can(request.user, Action.CHANGE, reply)) for reply in replies]
    return render(
        request,
        "referrals/canned_replies.html",
        {
            "rows": rows,
            "may_create": access.can(request.user, Action.CREATE, CannedReply),
            "placeholders": _placeholders(),
        },
    )


def _reply_or_404(user, pk: int, action: Action) -> CannedReply:
    """A reply the user sees (else 404: another organisation's), and may `action` (else 403)."""
    reply = get_object_or_404(selectors.canned_replies(user), pk=pk)
    access.require(user, action, reply)
    return reply


@login_required
@require_http_methods(["GET", "POST"])
def reply_create(request):
    owners = selectors.canned_reply_owners(request.user)
    if not owners:
        raise PermissionDenied
    form = CannedReplyForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        owner = form.chosen_owner()
        kept_by = {"organisation": owner} if isinstance(owner, Organisation) else {"region": owner}
        access.require(request.user, Action.CREATE, CannedReply(**kept_by))
        try:
            services.create_canned_reply(by=request.user, data=form.reply_data(), **kept_by)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The reply was added."))
            return redirect("referrals:canned_replies")
    return render(request, "referrals/canned_reply_form.html", _form_context(form, owners=owners))


@login_required
@require_http_methods(["GET", "POST"])
def reply_edit(request, pk):
    reply = _reply_or_404(request.user, pk, Action.CHANGE)
    form = CannedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_canned_reply(
                reply=reply,
                by=request.user,
                data=form.reply_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except Stale:
            form.add_error(
                None,
                _(
                    "Someone changed or deleted this reply since you opened it. Nothing was saved: "
                    "reload the page and make your changes again."
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("referrals:canned_replies")
    return render(request, "referrals/canned_reply_form.html", _form_context(form, reply=reply))


def _form_context(form, *, reply=None, owners=()) -> dict[str, Any]:
    owner = reply.owner if reply is not None else (owners[0] if len(owners) == 1 else None)
    return {
        "form": form,
        "reply": reply,
        "owner": owner,
        "shared": isinstance(owner, Region),
        "placeholders": _placeholders(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def reply_delete(request, pk):
    reply = _reply_or_404(request.user, pk, Action.DELETE)
    problem = None
    if request.method == "POST":
        version = request.POST.get("version", "")
        try:
            services.delete_canned_reply(
                reply=reply,
                expected_version=int(version) if whole_number(version) and len(version) < 10 else 0,
            )
        except Stale:
            problem = _(
                "Someone changed this reply since you opened it. Nothing was deleted: check it and try again."
            )
        else:
            messages.success(request, _("The reply “%(title)s” was deleted.") % {"title": reply.title})
            return redirect("referrals:canned_replies")
    return render(
        request,
        "referrals/canned_reply_delete.html",
        {"reply": reply, "problem": problem},
        status=409 if problem else 200,
    )


# --- On the request page ----------------------------------------------------------------------------------


def workspace_context(user, advice_request: AdviceRequest, forms: dict, *, may_write: bool, chosen=None):
    """The canned replies the message form offers (none if the user may not write), filled in for the
    request. `chosen`: a reply's id from `?reply_template=` (the way without JavaScript), whose text then
    fills the message box unless the form holds what someone typed."""
    if not may_write:
        return {"canned_replies": None}
    replies = selectors.canned_replies_for(user, advice_request)
    message = forms.get("message")
    inserted = None
    if chosen and message is not None and not message.is_bound:
        inserted = next((reply for reply in replies if str(reply.pk) == chosen), None)
        if inserted is not None:
            message.initial = {**message.initial, "body": inserted.text}
    return {
        "canned_replies": replies,
        "canned_reply_inserted": inserted,
        "may_keep_replies": access.can(user, Action.CREATE, CannedReply),
    }
