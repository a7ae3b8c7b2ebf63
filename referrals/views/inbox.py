"""The advisors' shared inbox: standard and saved views, filters, bulk actions, the request page and the
actions on a request.

Every action works as a plain form post (redirect after success) and, with htmx, without a full reload:
the server then answers with the part of the page that changed.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from advisors import access
from advisors.access import Action
from advisors.models import Organisation
from audit.services import record_read
from exportcenter import search_params
from exportcenter.errors import Stale
from exportcenter.pagination import paginate
from exportcenter.unique import one_or_none

from .. import routing, selectors, services
from ..forms import (
    DUPLICATE_NEEDS_ORIGINAL,
    AssignForm,
    BulkForm,
    DuplicateForm,
    MessageForm,
    NoteForm,
    PriorityForm,
    ReferForm,
    SavedViewForm,
    StatusForm,
)
from ..forms.attachments import attach_context
from ..models import AdviceRequest, InboxView, Referral, SavedView
from ..panels import request_page
from ..services import attachments
from . import referral_panel, replies
from .inbox_rows import inbox_rows

INBOX_PARAMS_EXCLUDED = ("view", "page", "search")


def _view_of(params) -> str:
    view = params.get("view") or InboxView.NEW
    return view if view in InboxView.values else InboxView.NEW


def _inbox_context(request, params: QueryDict) -> dict[str, Any]:
    view = _view_of(params)
    inbox = selectors.inbox_for(request.user, view, params, http_request=request)
    page = paginate(
        request,
        inbox.requests,
        cap=selectors.RESULT_COUNT_CAP,
        **selectors.result_counting(request.user, inbox),
    )
    filters = params.copy()
    for key in INBOX_PARAMS_EXCLUDED:
        filters.pop(key, None)
    query = params.copy()
    query.pop("page", None)
    return {
        "chips": (chips := _filter_chips(inbox.filter, request.GET if request.method == "GET" else params)),
        "more_filters_open": any(name in MORE_FILTERS for name, _text, _url in chips),
        "view": view,
        "views": _views_with_counts(request.user),
        "count_cap": selectors.VIEW_COUNT_CAP,
        "filter": inbox.filter,
        "page": page,
        "rows": inbox_rows(page.object_list, request.user),
        "query": query.urlencode(),
        "filter_query": filters.urlencode(),
        "saved_views": selectors.saved_views_for(request.user),
        "saved_view_form": SavedViewForm(
            owner=request.user, initial={"view": view, "query": filters.urlencode()}
        ),
        "bulk_form": _bulk_form(request),
    }


# The filters behind "More filters" in the inbox's filter bar (the others are always in view).
MORE_FILTERS = {
    "target_market",
    "county",
    "municipality",
    "owner_organisation",
    "channel",
    "priority",
    "age",
    "status",
}


def _filter_chips(filterset, url_params: QueryDict) -> list[tuple[str, str, str]]:
    """Each filter in use as (its name, its words, the inbox's URL without it). The URLs are made from the
    URL's own parameters, so that a search text kept in the session (search_params) stays out of them."""
    chips = []
    for name, value, text in filterset.active():
        remaining = url_params.copy()
        remaining.pop("page", None)
        if name == "q":
            remaining.pop("search", None)
        remaining.setlist(name, [kept for kept in remaining.getlist(name) if kept != value])
        chips.append((name, text, f"{reverse('referrals:inbox')}?{remaining.urlencode()}"))
    return chips


def _views_with_counts(user) -> list[tuple[str, str, int]]:
    counts = selectors.view_counts(user)
    return [(value, label, counts[value]) for value, label in InboxView.choices]


def _bulk_form(request, data=None) -> BulkForm:
    return BulkForm(
        data,
        organisations=access.visible(request.user, Organisation.objects.active())
        .filter(regions__in=access.region_ids(request.user))
        .distinct()
        .order_by("name"),
        candidates=selectors.visible_requests(request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    if request.method == "POST":  # the search form posts: a personal identity number never lands in a URL
        return search_params.redirect_to_search(request)
    context = _inbox_context(request, search_params.search_params(request))
    status = 400 if context["filter"].is_bound and context["filter"].errors else 200
    if request.htmx and request.htmx.target == "inbox-results":
        return render(request, "referrals/partials/inbox_results.html", context, status=status)
    return render(request, "referrals/inbox.html", context, status=status)


@login_required
@require_POST
def bulk(request):
    """Apply one action to the selected rows, each checked on its own; a summary says what happened."""
    return_query = request.POST.get("return_query", "")[:2000]
    form = _bulk_form(request, request.POST)
    summary = None
    if form.is_valid():
        data = form.cleaned_data
        requests = {
            r.public_id: r
            for r in selectors.visible_requests(request.user)
            .select_related("region")
            .filter(public_id__in=[public_id for public_id, _version in data["selected"]])
        }
        # Rows no longer visible (another region, deleted) are refused, not silently skipped.
        items, missing = [], 0
        for public_id, version in data["selected"]:
            if public_id in requests:
                items.append((requests[public_id], version))
            else:
                missing += 1
        summary = services.bulk_apply(
            by=request.user,
            items=items,
            action=data["action"],
            to_status=data.get("to_status") or "",
            organisation=data.get("organisation"),
            duplicate_of=data.get("duplicate_request"),
        )
        if missing:
            summary.refused.append(
                (
                    "–",
                    ngettext(
                        "%(count)s selected request could not be found",
                        "%(count)s selected requests could not be found",
                        missing,
                    )
                    % {"count": missing},
                )
            )
    if not request.htmx:
        if summary is not None:
            _flash_summary(request, summary)
        else:
            for error in _form_errors(form):
                messages.error(request, error)
        return HttpResponseRedirect(f"{reverse('referrals:inbox')}?{return_query}")
    params = QueryDict(return_query)
    context = {**_inbox_context(request, params), "bulk_summary": summary, "bulk_errors": _form_errors(form)}
    if summary is None:
        context["bulk_form"] = form
    return render(request, "referrals/partials/inbox_results.html", context)


def _form_errors(form) -> list[str]:
    return [error for errors in form.errors.values() for error in errors]


def _flash_summary(request, summary: services.BulkResult) -> None:
    if summary.done:
        messages.success(
            request,
            ngettext(
                "Done for %(count)s request: %(references)s.",
                "Done for %(count)s requests: %(references)s.",
                len(summary.done),
            )
            % {"count": len(summary.done), "references": ", ".join(summary.done)},
        )
    for reference, reason in summary.refused:
        messages.warning(
            request, _("Refused for %(reference)s: %(reason)s.") % {"reference": reference, "reason": reason}
        )


# --- Saved views ------------------------------------------------------------------------------------


@login_required
@require_POST
def save_view(request):
    form = SavedViewForm(request.POST, owner=request.user)
    if form.is_valid():
        saved = form.save(commit=False)
        saved.owner, saved.organisation = request.user, request.user.organisation
        saved.query = services.clean_saved_query(saved.query)
        saved.save()
        messages.success(request, _("The view “%(name)s” was saved.") % {"name": saved.name})
        return HttpResponseRedirect(saved_view_url(saved))
    for error in _form_errors(form):
        messages.error(request, error)
    query = services.clean_saved_query(request.POST.get("query", ""))
    return HttpResponseRedirect(f"{reverse('referrals:inbox')}?view={_view_of(request.POST)}&{query}")


def saved_view_url(saved: SavedView) -> str:
    return f"{reverse('referrals:inbox')}?view={saved.view}&{saved.query}&saved={saved.pk}"


@login_required
@require_POST
def delete_view(request, pk):
    saved = get_object_or_404(access.visible(request.user, SavedView.objects.all()), pk=pk)
    access.require(request.user, Action.DELETE, saved)
    services.delete_saved_view(saved=saved)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": saved.name})
    return redirect("referrals:inbox")


# --- The unassigned queue ---------------------------------------------------------------------------


@login_required
def unassigned_requests(request):
    """Requests from counties no export center serves. Regional staff of every region see them."""
    access.require(request.user, Action.VIEW_UNASSIGNED, AdviceRequest)
    page = paginate(request, selectors.unassigned_requests(request.user))
    return render(request, "referrals/unassigned.html", {"page": page})


# --- The request page -------------------------------------------------------------------------------


def request_or_404(user, public_id, answering=None) -> AdviceRequest:
    advice_request = selectors.request_detail(user, public_id, answering=answering)
    if advice_request is None:
        raise Http404
    return advice_request


def _forms(
    user, advice_request: AdviceRequest, bound: dict[str, Any] | None = None, refer_to=None, partners=None
) -> dict[str, Any]:
    """Every action form of the request page, unbound with the current version, except the `bound` one."""
    version = {"version": advice_request.version}
    initial = {
        "message": version,
        "note": {},
        "priority": {**version, "priority": advice_request.priority},
        "status": version,
        "assign": {**version, "organisation": advice_request.owner_organisation_id},
        "duplicate": version,
        "refer": {**version, "scope": Referral.Scope.WHOLE, "to_organisation": refer_to},
    }
    forms = {
        action: _form(action, user, advice_request, initial=initial[action], partners=partners)
        for action in ACTIONS
        if action not in (bound or {})
    }
    return {**forms, **(bound or {})}


def _form(
    action: str, user, advice_request: AdviceRequest, data=None, initial=None, partners=None, files=None
):
    """The form of one action; ids are prefixed with the action, as the page shows all of them at once.

    `partners`: `selectors.request_partners(advice_request)`, when the page has read them already.
    """
    form_class = ACTIONS[action][1]
    kwargs: dict[str, Any] = {"initial": initial, "auto_id": f"id_{action}_%s"}
    if action == "message":
        form = form_class(data, files, **kwargs)
        attach_context(form, advice_request=advice_request, by=user)
        return form
    if action == "status":
        kwargs["advice_request"] = advice_request
        kwargs["candidates"] = selectors.visible_requests(user)
    elif action == "assign":
        kwargs["organisations"] = selectors.assignable_organisations(advice_request)
        kwargs["advisors"] = selectors.assignable_advisors(advice_request)
        if partners is not None:
            kwargs["organisation_rows"] = selectors.assignable_among(advice_request, partners)
    elif action == "duplicate":
        kwargs["candidates"] = selectors.visible_requests(user)
        kwargs["advice_request"] = advice_request
    elif action == "refer":
        # From the owner, or (before anyone owns it) from the referrer's organisation: never to itself.
        sender = advice_request.owner_organisation or user.organisation
        kwargs["organisations"] = selectors.referral_receivers(
            advice_request, exclude=sender, partners=partners
        )
        kwargs["needs"] = advice_request.needs.order_by("position", "slug")
        # The needs as request_detail read them (a prefetch), in the same order.
        kwargs["need_rows"] = sorted(advice_request.needs.all(), key=lambda need: (need.position, need.slug))
    return form_class(data, **kwargs)


def _workspace_context(
    user, advice_request: AdviceRequest, bound=None, refer_to=None, reply_template=None
) -> dict[str, Any]:
    can = {
        action: access.can(user, action, advice_request)
        for action in (
            Action.CLAIM,
            Action.ASSIGN,
            Action.CHANGE_STATUS,
            Action.WRITE_TO_COMPANY,
            Action.ADD_NOTE,
        )
    }
    action_bound = {key: form for key, form in (bound or {}).items() if isinstance(key, str)}
    # Every active organisation, read once for the assign and the refer forms.
    partners = selectors.request_partners(advice_request)
    panel = referral_panel.workspace_context(
        user, advice_request, may_assign=can[Action.ASSIGN], bound=bound, partners=partners
    )
    timeline = selectors.page_timeline(user, advice_request, [row["referral"] for row in panel["referrals"]])
    attachments.on_timeline(timeline)  # every entry's files, in one query
    return {
        "advice_request": advice_request,
        "timeline": timeline,
        "conversation": selectors.conversation(advice_request, timeline),
        # The company card and the other apps' panels sit in the workspace's side column, so that an
        # action's htmx answer (the workspace) keeps them.
        "differences": selectors.submitted_differences(advice_request),
        "refer_open": refer_to is not None or "refer" in action_bound,
        "suggestions_split": routing.split(panel["suggestions"]),
        "forms": (forms := _forms(user, advice_request, action_bound, refer_to, partners)),
        "may": {
            "claim": can[Action.CLAIM] and advice_request.owner_advisor_id is None,
            "assign": can[Action.ASSIGN],
            "change_status": can[Action.CHANGE_STATUS],
            "write": can[Action.WRITE_TO_COMPANY] and not advice_request.is_closed,
            "note": can[Action.ADD_NOTE],
            "view_company": access.can(user, Action.VIEW, advice_request.company),
        },
        **panel,
        **replies.workspace_context(
            user,
            advice_request,
            forms,
            may_write=can[Action.WRITE_TO_COMPANY] and not advice_request.is_closed,
            chosen=reply_template,
        ),
        **request_page.context(user, advice_request),
    }


@login_required
def request_detail(request, public_id):
    advice_request = request_or_404(request.user, public_id, answering=request_page)
    record_read(request, advice_request)
    refer_to = None
    if slug := request.GET.get("refer_to", "")[:80]:  # "Refer" from a routing suggestion: a prefilled form
        refer_to = Organisation.objects.filter(slug=slug).values_list("pk", flat=True).first()
    return render(
        request, "referrals/request_detail.html", _detail_context(request, advice_request, refer_to=refer_to)
    )


def _detail_context(request, advice_request, bound=None, refer_to=None) -> dict[str, Any]:
    return {
        **_workspace_context(
            request.user, advice_request, bound, refer_to, reply_template=request.GET.get("reply_template")
        ),
        "status_link_sent": advice_request.contact_id is not None,
    }


def _do_message(user, advice_request, data):
    # The files are kept in the message's transaction: all of it, or nothing (files written for a
    # message that then failed are deleted again).
    with attachments.removed_on_failure():
        services.message_company(
            request=advice_request,
            by=user,
            body=data["body"],
            expected_version=data["version"],
            files=data.get("attachments") or [],
        )


def _do_note(user, advice_request, data):
    services.add_note(request=advice_request, by=user, body=data["body"], visibility=data["visibility"])


def _do_priority(user, advice_request, data):
    services.set_priority(
        request=advice_request, by=user, priority=data["priority"], expected_version=data["version"]
    )


def _do_status(user, advice_request, data):
    services.transition(
        request=advice_request,
        to_status=data["status"],
        by=user,
        expected_version=data["version"],
        outcome=data["outcome"],
        comment=data["comment"],
        duplicate_of=data["duplicate_request"],
    )


def _do_assign(user, advice_request, data):
    assigned = services.assign(
        request=advice_request,
        by=user,
        expected_version=data["version"],
        organisation=data.get("organisation"),
        advisor=data.get("advisor"),
    )
    if data.get("advisor") is None:
        return _("The request is now in the queue of %(organisation)s.") % {
            "organisation": assigned.owner_organisation.name
        }
    return None


def _do_duplicate(user, advice_request, data):
    services.mark_duplicate(
        request=advice_request, of=data["reference"], by=user, expected_version=data["version"]
    )


def _do_refer(user, advice_request, data):
    referral = services.refer_request(
        request=advice_request,
        to_organisation=data["to_organisation"],
        by=user,
        needs=data["needs"],
        note=data["note"],
        consent=services.Consent(method=data["consent_method"], details=data["consent_details"]),
        expected_version=data["version"],
    )
    return _("The request was referred to %(organisation)s. They have until %(due)s to answer.") % {
        "organisation": referral.to_organisation.name,
        "due": date_format(timezone.localtime(referral.due_at), "SHORT_DATETIME_FORMAT"),
    }


# action: (the access it needs, its form, the service call)
ACTIONS = {
    "message": (Action.WRITE_TO_COMPANY, MessageForm, _do_message),
    "note": (Action.ADD_NOTE, NoteForm, _do_note),
    "priority": (Action.CHANGE_STATUS, PriorityForm, _do_priority),
    "status": (Action.CHANGE_STATUS, StatusForm, _do_status),
    "assign": (Action.ASSIGN, AssignForm, _do_assign),
    "duplicate": (Action.CHANGE_STATUS, DuplicateForm, _do_duplicate),
    "refer": (Action.REFER, ReferForm, _do_refer),
}

# Why a referral was refused, shown next to the field it is about (else above the forms).
REFERRAL_REFUSAL_FIELDS = {
    services.ReferralRefused.SAME_ORGANISATION: "to_organisation",
    services.ReferralRefused.INACTIVE_ORGANISATION: "to_organisation",
    services.ReferralRefused.ALREADY_PENDING: "to_organisation",
    services.ReferralRefused.WHOLE_REQUEST_PENDING: "scope",
    services.ReferralRefused.UNKNOWN_NEEDS: "needs",
}


def _success_text(action: str) -> str:
    return {
        "message": _("Your message was sent to the company."),
        "note": _("The note was added."),
        "priority": _("The priority was changed."),
        "status": _("The status was changed."),
        "assign": _("The request was assigned."),
        "duplicate": _("The request was closed as a duplicate; its timeline moved to the original."),
        "claim": _("You have taken the request."),
    }[action]


# Lazy: module constants are read per request, in the request's language.
STALE_TEXT = gettext_lazy(
    "This request changed since you opened it. Nothing was saved: check the timeline, then send again if it "
    "still applies. Your text is kept."
)


RELOAD_TEXT = gettext_lazy("The page was out of date. Nothing was saved: check the request and send again.")


@login_required
@require_POST
def request_action(request, public_id, action):
    """Claim, assign, move status, set priority, add a note, write to the company, mark as duplicate."""
    if action not in {*ACTIONS, "claim"}:
        raise Http404
    advice_request = request_or_404(request.user, public_id)
    if action == "claim":
        return _claim(request, advice_request)
    permission, _form_class, do = ACTIONS[action]
    access.require(request.user, permission, advice_request)
    files = request.FILES if action == "message" else None
    form = _form(action, request.user, advice_request, data=request.POST, files=files)
    problem, status = None, 400
    if form.is_valid():
        try:
            done = do(request.user, advice_request, form.cleaned_data)
        except Stale:
            problem, status = STALE_TEXT, 409
        except services.TransitionNotAllowed as refused:
            problem, status = (
                _(
                    "The request cannot move from “%(current)s” to “%(target)s”. "
                    "Reload the page to see its status."
                )
                % {
                    "current": AdviceRequest.Status(refused.current).label,
                    "target": AdviceRequest.Status(refused.target).label,
                },
                409,
            )
        except services.InvalidAssignee:
            form.add_error("organisation", _("This organisation does not serve the request's region."))
        except (
            services.DuplicateNeedsOriginal,
            services.SelfDuplicate,
            services.OriginalIsDuplicate,
        ) as error:
            form.add_error("reference" if action == "duplicate" else "duplicate_of", _duplicate_error(error))
        except services.ReferralRefused as refused:
            if refused.code in REFERRAL_REFUSAL_FIELDS:
                form.add_error(REFERRAL_REFUSAL_FIELDS[refused.code], refused.message)
            else:
                problem, status = refused.message, 409
        else:
            return after_action(request, advice_request, done or _success_text(action))
    elif "version" in form.errors:  # a tampered or truncated form: its fields are kept, the version renewed
        problem, status = RELOAD_TEXT, 409
    # Show the form again, with the typed text, on the current request (fresh version, timeline and status).
    advice_request = request_or_404(request.user, public_id)
    if problem and "version" in form.fields:
        data = form.data.copy()
        data["version"] = advice_request.version
        form = _form(action, request.user, advice_request, data=data)
        form.is_valid()
    return show_again(request, advice_request, {action: form}, problem, status)


def _duplicate_error(error: ValueError) -> str:
    """Why the service refused to close a request as a duplicate, in words for the field."""
    if isinstance(error, services.OriginalIsDuplicate):
        return _("%(reference)s is itself a duplicate of %(original)s: choose that one.") % {
            "reference": error.original.reference,
            "original": error.original.duplicate_of.reference,
        }
    if isinstance(error, services.SelfDuplicate):
        return _("A request cannot be a duplicate of itself.")
    return DUPLICATE_NEEDS_ORIGINAL


def _lost_claim(request, fresh):
    """Someone else took the request first: say who, on the row or the request page (a 409 for htmx)."""
    text = _("Someone else took this request a moment ago: %(owner)s.") % {
        "owner": fresh.owner_advisor or fresh.owner_organisation or "–"
    }
    if request.POST.get("from") == "inbox":
        return _after_row(request, fresh, text, level=messages.WARNING)
    return show_again(request, fresh, {}, text, 409)


def _claim(request, advice_request):
    if not access.can(request.user, Action.CLAIM, advice_request):
        # Taken by someone else who committed before this check: the same answer as a race lost inside
        # the service, not "you do not have permission".
        if selectors.lost_claim_owner(request.user, advice_request) is not None:
            return _lost_claim(request, advice_request)
        raise PermissionDenied
    try:
        services.claim(request=advice_request, advisor=request.user)
    except services.AlreadyClaimed:
        fresh = request_or_404(request.user, advice_request.public_id)
        if fresh.owner_advisor_id != request.user.pk:
            return _lost_claim(request, fresh)
        advice_request = fresh  # taking what one has already is no conflict
    if request.POST.get("from") == "inbox":
        return _after_row(request, advice_request, _success_text("claim"))
    return after_action(request, advice_request, _success_text("claim"))


def after_action(request, advice_request, text):
    """Success: the changed workspace for htmx, else back to the request page (post/redirect/get)."""
    if request.htmx:
        fresh = request_or_404(request.user, advice_request.public_id)
        context = {**_workspace_context(request.user, fresh), "notice": text}
        return render(request, "referrals/partials/request_workspace.html", context)
    messages.success(request, text)
    return redirect("referrals:request_detail", public_id=advice_request.public_id)


def _after_row(request, advice_request, text, level=messages.SUCCESS):
    """A claim from an inbox row: the row again for htmx, else back to the inbox."""
    if request.htmx:
        row = one_or_none(
            selectors.for_inbox_rows(selectors.visible_requests(request.user), request.user).filter(
                pk=advice_request.pk
            )
        )
        if row is None:  # gone since (deleted, merged away): the row leaves the list
            return HttpResponse("")
        return render(
            request,
            "referrals/partials/inbox_row.html",
            {"row": inbox_rows([row], request.user)[0], "row_notice": text, "bulk_form": None},
        )
    messages.add_message(request, level, text)
    return HttpResponseRedirect(f"{reverse('referrals:inbox')}?{request.POST.get('return_query', '')[:2000]}")


def show_again(request, advice_request, bound, problem, status):
    """The request page (or, for htmx, its workspace) again, with `bound` forms and their errors."""
    if request.htmx:
        # htmx swaps 2xx answers only: the problem is shown in the swapped part, next to the form.
        context = {**_workspace_context(request.user, advice_request, bound), "problem": problem}
        return render(request, "referrals/partials/request_workspace.html", context)
    if not bound:
        if problem:
            messages.error(request, problem)
        return redirect("referrals:request_detail", public_id=advice_request.public_id)
    return render(
        request,
        "referrals/request_detail.html",
        {**_detail_context(request, advice_request, bound), "problem": problem},
        status=status,
    )
