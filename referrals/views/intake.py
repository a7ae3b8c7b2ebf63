"""The SME's side (the "help me export" form, its confirmation, the private status page, privacy) and
the need categories behind the form, which regional staff maintain."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from advisors import access
from advisors.selectors import current_region, partners_of, region_for_county

from .. import abuse, selectors, services, status_links
from ..forms import HelpMeExportForm, NeedCategoryForm, ReplyForm
from ..forms.attachments import attach_context
from ..models import AdviceRequest, Attachment, NeedCategory, RequestEvent
from ..services import attachments


def _private(view):
    """For pages opened by the private token: never cached, never indexed, the token never sent on.

    `same-origin` rather than `no-referrer`: under `no-referrer` browsers send `Origin: null` with a form
    POST, which Django's CSRF check refuses, so the reply form and the language switcher would break.
    `same-origin` still sends nothing, so no token, to any other site.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        return response

    return never_cache(wrapped)


def _operator_of(region):
    return region.operator if region is not None else None


def _link_not_found(request):
    """One answer for unknown, tampered and expired tokens, so that nobody learns whether a request exists."""
    operator = _operator_of(current_region(request.user))
    return render(
        request,
        "referrals/link_not_found.html",
        {"operator": operator, "days": settings.STATUS_LINK_DAYS_AFTER_CLOSE},
        status=404,
    )


def _form_context(request) -> dict:
    """The export center the form speaks for and its operator (the contact): only for a page that is
    rendered, so that a submission that is saved and redirected asks for neither."""
    region = current_region(request.user)
    return {"region": region, "operator": _operator_of(region)}


@never_cache  # each visitor's page carries its own submission id: a shared cache must never hand it on
@require_http_methods(["GET", "POST"])
def request_help(request):
    if request.method != "POST":
        return render(
            request, "referrals/request_help.html", {**_form_context(request), "form": HelpMeExportForm()}
        )

    if abuse.honeypot_filled(request.POST):
        # Looks like success, creates nothing: a bot learns nothing from the answer.
        return render(request, "referrals/request_received.html", _form_context(request))
    form = HelpMeExportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "referrals/request_help.html", {**_form_context(request), "form": form})

    # A resent form (double click, reload) goes to the confirmation it already has, without using quota:
    # the service asks the rate limit only for a request that is really new.
    try:
        advice_request = services.submit_request(
            submission=form.submission(), admit=lambda: not abuse.rate_limited(request)
        )
    except services.RateLimited:
        context = _form_context(request)
        serving = region_for_county(form.cleaned_data["municipality"].county_id) or context["region"]
        context = {
            **context,
            "form": form,
            "rate_limited": True,
            "wait": abuse.wait_text(),
            "contact": _operator_of(serving) or context["operator"],
        }
        return render(request, "referrals/request_help.html", context, status=429)
    return redirect("referrals:request_sent", token=status_links.token_for(advice_request))


@_private
@require_http_methods(["GET"])
def request_sent(request, token):
    advice_request = status_links.request_for_token(token)
    if advice_request is None:
        return _link_not_found(request)
    return render(
        request,
        "referrals/request_sent.html",
        {
            "advice_request": advice_request,
            # The address this site is reached at; the email (sent without a request) uses SITE_URL.
            "status_url": request.build_absolute_uri(status_links.status_url(advice_request, absolute=False)),
            "operator": _operator_of(advice_request.region),
        },
    )


# What each status means, in the SME's words.
STATUS_TEXTS = {
    AdviceRequest.Status.NEW: gettext_lazy("We have received your request and are reading it."),
    AdviceRequest.Status.TRIAGED: gettext_lazy(
        "Your request has been read and passed on to the partner that can help you best."
    ),
    AdviceRequest.Status.IN_PROGRESS: gettext_lazy("An advisor is working on your request."),
    AdviceRequest.Status.WAITING_FOR_COMPANY: gettext_lazy(
        "We are waiting for your answer. Read the latest message below and reply to it."
    ),
    AdviceRequest.Status.CLOSED: gettext_lazy("Your request is closed."),
}


def _conversation(advice_request) -> tuple[list[RequestEvent], list[Attachment]]:
    """The messages between the company and the advisors, oldest first (never notes or other internal
    events), and the files the company sent with its request (on the timeline's "created" entry). One query
    for the entries, and one for their files only when an entry has some (`attachments.on_timeline`)."""
    shown = [
        RequestEvent.Kind.CREATED,
        RequestEvent.Kind.MESSAGE_TO_COMPANY,
        RequestEvent.Kind.MESSAGE_FROM_COMPANY,
    ]
    events = attachments.on_timeline(
        list(
            advice_request.events.filter(kind__in=shown)
            .select_related("actor__organisation")
            .order_by("created_at", "pk")
        )
    )
    created = [event for event in events if event.kind == RequestEvent.Kind.CREATED]
    conversation = [event for event in events if event.kind != RequestEvent.Kind.CREATED]
    return conversation, [file for event in created for file in event.attachments.all()]


@_private
@require_http_methods(["GET", "POST"])
def status(request, token):
    advice_request = status_links.request_for_token(token, selectors.status_page_requests())
    if advice_request is None:
        return _link_not_found(request)

    form = ReplyForm()
    if request.method == "POST":
        if advice_request.is_closed:
            messages.error(
                request, _("This request is closed, so you cannot reply here. Send us a new request instead.")
            )
            return redirect("referrals:status", token=token)
        form = ReplyForm(request.POST, request.FILES)
        attach_context(form, advice_request=advice_request)
        if form.is_valid():
            services.reply_from_company(
                request=advice_request, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"]
            )
            messages.success(request, _("Thank you. Your message has been sent."))
            return redirect("referrals:status", token=token)

    conversation, sent_files = _conversation(advice_request)
    return render(
        request,
        "referrals/status.html",
        {
            "advice_request": advice_request,
            "status_text": STATUS_TEXTS[advice_request.status],
            "needs": advice_request.needs.all(),
            "conversation": conversation,
            "sent_files": sent_files,
            "token": token,
            "form": form,
            "operator": _operator_of(advice_request.region),
            "center_name": advice_request.region.name if advice_request.region else "",
            # The layout names the request's export center (no query: it came with the request).
            **({"current_region": advice_request.region} if advice_request.region else {}),
            "handed_over": advice_request.handed_over,
            "co_handlers": selectors.co_handlers(advice_request),
        },
    )


def privacy(request):
    region = current_region(request.user)
    return render(
        request,
        "referrals/privacy.html",
        {
            "region": region,
            "operator": _operator_of(region),
            "partners": partners_of(region),
            "status_link_days": settings.STATUS_LINK_DAYS_AFTER_CLOSE,
            "retention_months": settings.RETENTION_MONTHS,
        },
    )


# --- Need categories (regional staff) ----------------------------------------------------------------


@login_required
def need_categories(request):
    access.require(request.user, access.Action.CHANGE, NeedCategory)
    categories = access.visible(request.user, NeedCategory.objects.all())
    return render(request, "referrals/need_categories.html", {"categories": categories})


@login_required
@require_http_methods(["GET", "POST"])
def need_category_form(request, slug=None):
    category = get_object_or_404(NeedCategory, slug=slug) if slug else None
    access.require(
        request.user, access.Action.CHANGE if category else access.Action.CREATE, category or NeedCategory
    )
    form = NeedCategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in services.NEED_CATEGORY_FIELDS}
        try:
            services.save_need_category(category=category, data=data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The need category was saved."))
            return redirect("referrals:need_categories")
    return render(request, "referrals/need_category_form.html", {"form": form, "category": category})
