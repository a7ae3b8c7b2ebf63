"""Outreach pages: campaigns and their target lists, logging activities, follow-ups and "My follow-ups".

Thin: forms validate, services change, selectors read, `advisors.access` decides. Every action is a plain
form post that redirects; with htmx, the row that changed is swapped instead.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from advisors import access
from advisors.access import Action
from advisors.models import Region, User
from companies import selectors as company_selectors
from companies.models import Company
from exportcenter.bad_input import whole_number
from exportcenter.errors import Stale, add_form_errors
from exportcenter.pagination import paginate
from referrals import selectors as request_selectors

from . import selectors, services
from .forms import (
    ActivityForm,
    AddCompanyForm,
    CampaignForm,
    CompanySearchForm,
    FollowUpForm,
    FollowUpStatusForm,
    MemberStatusForm,
)
from .models import Activity, Campaign, CampaignMember, FollowUp

PREVIEW_ROWS = 20


def _next_url(request, default: str) -> str:
    """Where to go after a form: a `next` on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- Campaigns ----------------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    page = paginate(request, selectors.visible_campaigns(request.user))
    return render(
        request,
        "outreach/campaigns.html",
        {"page": page, "can_create": access.can(request.user, Action.CREATE, Campaign)},
    )


def _filter_record(filterset) -> dict:
    """The cleaned filter as plain data, kept on the campaign for the record."""
    record = {}
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        if isinstance(value, Model):
            value = str(value.pk)
        elif isinstance(value, list | tuple):
            value = [str(item) for item in value]
        record[name] = str(value) if not isinstance(value, list) else value
    return record


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    access.require(request.user, Action.CREATE, Campaign)
    regions = access.visible(request.user, Region.objects.filter(is_active=True)).order_by("name")
    if not regions:
        raise Http404
    organisations = selectors.campaign_organisations(request.user, regions[0])
    if request.user.is_regional_staff and len(regions) > 1:
        organisations = (
            organisations.model.objects.active().filter(regions__in=regions).distinct().order_by("name")
        )
    today = timezone.localdate()
    form = CampaignForm(
        request.POST or None,
        regions=regions,
        organisations=organisations,
        initial={
            "region": regions[0].pk,
            "organisation": request.user.organisation_id,
            "starts_on": today,
            "ends_on": today + timedelta(days=90),
        },
    )
    filterset = selectors.target_filter(request.user, request.POST or None)
    context = {"form": form, "filter": filterset}
    if request.method == "POST" and filterset.is_valid():
        matches = filterset.qs.select_related("municipality", "sni_code")
        count = matches[: services.MAX_TARGETS + 1].count()
        context.update(preview=list(matches.order_by("name", "pk")[:PREVIEW_ROWS]), match_count=count)
        if "create" in request.POST and form.is_valid():
            data = form.cleaned_data
            draft = Campaign(region=data["region"], organisation=data["organisation"])
            access.require(request.user, Action.CREATE, draft)
            try:
                campaign = services.create_campaign(
                    by=request.user,
                    region=data["region"],
                    organisation=data["organisation"],
                    name=data["name"],
                    goal=data["goal"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    companies=filterset.qs,
                    target_filter=_filter_record(filterset),
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The campaign was created with %(count)s companies on its target list.")
                    % {"count": count},
                )
                return redirect("outreach:campaign_detail", public_id=campaign.public_id)
    status = 400 if request.method == "POST" and (form.errors or filterset.errors) else 200
    return render(request, "outreach/campaign_form.html", context, status=status)


def _campaign_or_404(user, public_id) -> Campaign:
    campaign = selectors.campaign_detail(user, public_id)
    if campaign is None:
        raise Http404
    return campaign


@login_required
def campaign_detail(request, public_id):
    campaign = _campaign_or_404(request.user, public_id)
    status = request.GET.get("status", "")
    page = paginate(request, selectors.campaign_members(campaign, status=status), per_page=50)
    return render(
        request,
        "outreach/campaign_detail.html",
        {
            "campaign": campaign,
            "page": page,
            "status": status if status in CampaignMember.Status.values else "",
            "query": f"status={status}" if status in CampaignMember.Status.values else "",
            "status_counts": selectors.status_counts(campaign),
            "statuses": CampaignMember.Status.choices,
            "can_change": access.can(request.user, Action.CHANGE, campaign),
        },
    )


def _member_or_404(user, campaign, member_id) -> CampaignMember:
    member = selectors.member_for(user, campaign, member_id)
    if member is None or member.is_removed:
        raise Http404
    return member


@login_required
@require_POST
def member_status(request, public_id, member_id):
    campaign = _campaign_or_404(request.user, public_id)
    member = _member_or_404(request.user, campaign, member_id)
    access.require(request.user, Action.CHANGE_STATUS, member)
    form = MemberStatusForm(request.POST)
    notice = None
    if form.is_valid():
        services.set_member_status(member=member, status=form.cleaned_data["status"], by=request.user)
        notice = _("Saved: %(status)s.") % {"status": member.get_status_display()}
    else:
        notice = _("Choose a valid status.")
    if request.htmx:
        row = selectors.campaign_members(campaign).get(pk=member.pk)
        return render(
            request,
            "outreach/partials/member_row.html",
            {
                "campaign": campaign,
                "member": row,
                "statuses": CampaignMember.Status.choices,
                "can_change": access.can(request.user, Action.CHANGE, campaign),
                "row_notice": notice,
            },
        )
    (messages.success if form.is_valid() else messages.error)(request, notice)
    return redirect(_next_url(request, reverse("outreach:campaign_detail", kwargs={"public_id": public_id})))


@login_required
@require_POST
def member_remove(request, public_id, member_id):
    campaign = _campaign_or_404(request.user, public_id)
    member = _member_or_404(request.user, campaign, member_id)
    access.require(request.user, Action.DELETE, member)
    services.remove_member(member=member, by=request.user)
    messages.success(
        request, _("%(company)s was taken off the target list.") % {"company": member.company.name}
    )
    return redirect("outreach:campaign_detail", public_id=public_id)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, public_id):
    """Find companies by name or number (the search is posted: a personal number never lands in a URL)
    and add them to the target list."""
    campaign = _campaign_or_404(request.user, public_id)
    access.require(request.user, Action.CHANGE, campaign)
    visible = company_selectors.visible_companies(request.user)
    if request.method == "POST" and "company" in request.POST:
        form = AddCompanyForm(request.POST)
        if form.is_valid():
            companies = visible.filter(public_id=form.cleaned_data["company"])
            if not companies.exists():
                raise Http404
            services.add_members(campaign=campaign, companies=companies, by=request.user)
            messages.success(
                request, _("%(company)s was added to the target list.") % {"company": companies.get().name}
            )
        return redirect("outreach:member_add", public_id=public_id)
    search = CompanySearchForm(request.POST or None)
    results = []
    if request.method == "POST" and search.is_valid():
        members = set(campaign.members.filter(removed_at__isnull=True).values_list("company_id", flat=True))
        found = company_selectors.search(visible, search.cleaned_data["q"]).select_related("municipality")[
            :20
        ]
        results = [(company, company.pk in members) for company in found]
    return render(
        request,
        "outreach/member_add.html",
        {"campaign": campaign, "search": search, "results": results, "searched": request.method == "POST"},
    )


# --- Activities ---------------------------------------------------------------------------------------


def _company_from(user, public_id, action=Action.VIEW) -> Company:
    try:
        company = company_selectors.company_detail(user, public_id)
    except ValidationError:
        company = None
    if company is None:
        raise Http404
    access.require(user, action, company)
    return company


def _request_from(user, public_id):
    if not public_id:
        return None
    try:
        advice_request = request_selectors.visible_requests(user).filter(public_id=public_id).first()
    except ValidationError:
        advice_request = None
    if advice_request is None:
        raise Http404
    return advice_request


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    params = request.POST if request.method == "POST" else request.GET
    company = _company_from(request.user, params.get("company"), Action.CHANGE)
    access.require(request.user, Action.CREATE, Activity(company=company))
    memberships = selectors.memberships_for_company(request.user, company)
    requests = (
        request_selectors.visible_requests(request.user).filter(company=company).order_by("-created_at")
    )
    initial = {}
    if whole_number(params.get("member", "")):
        initial["campaign_member"] = int(params["member"])
    if advice_request := _request_from(request.user, params.get("for_request")):
        initial["request"] = advice_request.pk
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        participants=selectors.participant_choices(request.user),
        contacts=company.contacts.all(),
        memberships=memberships,
        requests=requests,
    )
    default = reverse("companies:detail", kwargs={"public_id": company.public_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.log_activity(
                by=request.user,
                company=company,
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                participants=data["participants"],
                contacts=data.get("contacts") or [],
                notes=data["notes"],
                outcome=data["outcome"],
                campaign_member=data.get("campaign_member"),
                request=data.get("request"),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The activity was logged."))
            return redirect(_next_url(request, default))
    return render(
        request,
        "outreach/activity_form.html",
        {"form": form, "company": company, "next": _next_url(request, default)},
        status=400 if form.errors else 200,
    )


# --- Follow-ups ---------------------------------------------------------------------------------------


@login_required
def follow_ups(request):
    mine = selectors.my_follow_ups(request.user)
    sections = [
        ("overdue", _("Overdue"), mine.overdue),
        ("today", _("Today"), mine.due_today),
        ("week", _("Later this week"), mine.this_week),
    ]
    return render(
        request,
        "outreach/follow_ups.html",
        {"mine": mine, "sections": sections, "next": request.get_full_path()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request):
    params = request.POST if request.method == "POST" else request.GET
    company = _company_from(request.user, params.get("company"))
    advice_request = _request_from(request.user, params.get("for_request"))
    activity = member = None
    if params.get("activity"):
        activity = selectors.visible_activities(request.user).filter(public_id=params["activity"]).first()
        if activity is None:
            raise Http404
    if whole_number(params.get("member", "")):
        member = selectors.memberships_for_company(request.user, company).filter(pk=params["member"]).first()
        if member is None:
            raise Http404
    owners = selectors.assignable_owners(request.user)
    form = FollowUpForm(
        request.POST or None,
        owners=owners,
        initial={"owner": request.user.pk, "due_on": timezone.localdate() + timedelta(days=1)},
    )
    default = reverse("companies:detail", kwargs={"public_id": company.public_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        access.require(request.user, Action.CREATE, FollowUp(owner=data["owner"], company=company))
        try:
            services.create_follow_up(
                by=request.user,
                owner=data["owner"],
                description=data["description"],
                due_on=data["due_on"],
                due_time=data["due_time"],
                company=company,
                request=advice_request,
                activity=activity,
                campaign_member=member,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The follow-up was added."))
            return redirect(_next_url(request, default))
    return render(
        request,
        "outreach/follow_up_form.html",
        {
            "form": form,
            "company": company,
            "attached": _attached_label(activity, advice_request, member),
            "next": _next_url(request, default),
            "hidden": {
                "company": company.public_id,
                "for_request": advice_request.public_id if advice_request else "",
                "activity": activity.public_id if activity else "",
                "member": member.pk if member else "",
            },
        },
        status=400 if form.errors else 200,
    )


def _attached_label(activity, advice_request, member) -> str:
    if activity is not None:
        return f"{activity.get_kind_display()}, {date_format(activity.occurred_on, 'SHORT_DATE_FORMAT')}"
    if advice_request is not None:
        return advice_request.reference
    return member.campaign.name if member is not None else ""


def _follow_up_or_404(user, public_id) -> FollowUp:
    follow_up = selectors.follow_up_detail(user, public_id)
    if follow_up is None:
        raise Http404
    return follow_up


STALE_TEXT = gettext_lazy(
    "This follow-up changed since you opened it. Nothing was saved: check it and try again."
)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request, public_id):
    follow_up = _follow_up_or_404(request.user, public_id)
    access.require(request.user, Action.CHANGE, follow_up)
    may_assign = access.can(request.user, Action.ASSIGN, follow_up)
    owners = User.objects.filter(pk=follow_up.owner_id)  # the owner stays a choice, whoever it is
    if may_assign:
        owners = owners | selectors.assignable_owners(request.user)
    form = FollowUpForm(
        request.POST or None,
        owners=owners.order_by("full_name"),
        initial={
            "description": follow_up.description,
            "due_on": follow_up.due_on,
            "due_time": follow_up.due_time,
            "owner": follow_up.owner_id,
            "version": follow_up.version,
        },
    )
    default = reverse("outreach:follow_ups")
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in ("description", "due_on", "due_time")}
        if data["owner"].pk != follow_up.owner_id:
            access.require(request.user, Action.ASSIGN, follow_up)
            changes["owner"] = data["owner"]
        try:
            services.update_follow_up(
                follow_up=follow_up, by=request.user, expected_version=data["version"], **changes
            )
        except Stale:
            form.add_error(None, STALE_TEXT)
            status = 409
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The follow-up was saved."))
            return redirect(_next_url(request, default))
    return render(
        request,
        "outreach/follow_up_edit.html",
        {"form": form, "follow_up": follow_up, "next": _next_url(request, default)},
        status=400 if status == 200 and form.errors else status,
    )


@login_required
@require_POST
def follow_up_status(request, public_id):
    """Mark done (or cancel, or reopen) from a list; htmx swaps the row."""
    follow_up = _follow_up_or_404(request.user, public_id)
    access.require(request.user, Action.CHANGE, follow_up)
    form = FollowUpStatusForm(request.POST)
    problem = None
    if form.is_valid():
        try:
            follow_up = services.set_follow_up_status(
                follow_up=follow_up,
                by=request.user,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
        except Stale:
            problem = STALE_TEXT
    else:
        problem = _("The page was out of date. Nothing was saved: reload it and try again.")
    notice = (
        problem
        or {
            FollowUp.Status.DONE: _("Marked as done."),
            FollowUp.Status.CANCELLED: _("Cancelled."),
            FollowUp.Status.OPEN: _("Opened again."),
        }[follow_up.status]
    )
    if request.htmx:
        fresh = _follow_up_or_404(request.user, public_id)
        return render(
            request,
            "outreach/partials/follow_up_row.html",
            {
                "follow_up": fresh,
                "row_notice": notice,
                "problem": bool(problem),
                "next": _next_url(request, ""),
            },
        )
    (messages.error if problem else messages.success)(request, notice)
    return redirect(_next_url(request, reverse("outreach:follow_ups")))
