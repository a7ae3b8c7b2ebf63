"""The mailbox pages: the list, a mailbox (its state, "Test connection", "Poll now", the messages taken),
its form, deactivating it, a message taken, and the request page's "did you mean". Thin: forms validate,
services change, selectors read, advisors.access decides."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from advisors import access
from advisors.access import Action
from exportcenter.bad_input import whole_number
from exportcenter.errors import Stale, save_form
from exportcenter.pagination import paginate

from . import selectors, services
from .forms import MailboxForm
from .models import Mailbox
from .sanitising import sanitise_html

STALE_MAILBOX = gettext_lazy(
    "This mailbox changed since you opened it. Reload the page and make your changes again."
)


def _mailbox_or_404(user, public_id, action=Action.VIEW) -> Mailbox:
    mailbox = selectors.mailbox_or_none(user, public_id)
    if mailbox is None:
        raise Http404
    access.require(user, action, mailbox)
    return mailbox


def _form(request, mailbox=None) -> MailboxForm:
    initial = (
        MailboxForm.initial_for(mailbox)
        if mailbox
        else {
            **services.NEW_MAILBOX_DEFAULTS,
            "organisation": None if request.user.is_regional_staff else request.user.organisation_id,
        }
    )
    return MailboxForm(
        request.POST or None,
        initial=initial,
        regions=selectors.region_choices(request.user),
        organisations=selectors.organisation_choices(request.user),
        has_password=bool(mailbox and mailbox.has_password),
    )


def _form_page(request, form, mailbox):
    return render(
        request,
        "mailboxes/form.html",
        {"form": form, "mailbox": mailbox, "local_folder": bool(settings.MAIL_LOCAL_FOLDER)},
        status=400 if form.errors else 200,
    )


@login_required
def mailbox_list(request):
    page = paginate(request, selectors.mailbox_list(request.user))
    return render(
        request,
        "mailboxes/list.html",
        {"page": page, "can_create": access.can(request.user, Action.CREATE, Mailbox)},
    )


@sensitive_post_parameters("password")  # never in an error report
@login_required
@require_http_methods(["GET", "POST"])
def mailbox_create(request):
    access.require(request.user, Action.CREATE, Mailbox)
    form = _form(request)
    mailbox = None
    if request.method == "POST":
        mailbox = save_form(
            form,
            lambda: services.create_mailbox(
                by=request.user, data=form.mailbox_data(), password=form.new_password()
            ),
            STALE_MAILBOX,
        )
    if mailbox is not None:
        messages.success(request, _("The mailbox was connected. Test the connection to see that it works."))
        return redirect("mailboxes:mailbox_detail", public_id=mailbox.public_id)
    return _form_page(request, form, None)


@login_required
def mailbox_detail(request, public_id):
    mailbox = _mailbox_or_404(request.user, public_id)
    page = paginate(request, selectors.messages_of(request.user, mailbox))
    return render(
        request,
        "mailboxes/detail.html",
        {
            "mailbox": mailbox,
            "page": page,
            "can_change": access.can(request.user, Action.CHANGE, mailbox),
        },
    )


@sensitive_post_parameters("password")  # never in an error report
@login_required
@require_http_methods(["GET", "POST"])
def mailbox_edit(request, public_id):
    mailbox = _mailbox_or_404(request.user, public_id, Action.CHANGE)
    form = _form(request, mailbox)
    saved = None
    if request.method == "POST":
        saved = save_form(
            form,
            lambda: services.update_mailbox(
                mailbox=mailbox,
                by=request.user,
                data=form.mailbox_data(),
                password=form.new_password(),
                expected_version=form.cleaned_data.get("version") or 0,
            ),
            STALE_MAILBOX,
        )
    if saved is not None:
        messages.success(request, _("The changes were saved."))
        return redirect("mailboxes:mailbox_detail", public_id=saved.public_id)
    return _form_page(request, form, mailbox)


def _posted_version(request) -> int:
    version = request.POST.get("version", "")
    return int(version) if whole_number(version) and len(version) < 10 else 0


@login_required
@require_POST
def mailbox_active(request, public_id):
    """Deactivate a mailbox (it is no longer read), or activate it again."""
    mailbox = _mailbox_or_404(request.user, public_id, Action.CHANGE)
    active = request.POST.get("active") == "on"
    try:
        services.set_active(
            mailbox=mailbox, by=request.user, active=active, expected_version=_posted_version(request)
        )
    except Stale:
        messages.error(request, str(STALE_MAILBOX))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The mailbox is read again.")
            if active
            else _("The mailbox was deactivated: it is no longer read."),
        )
    return redirect("mailboxes:mailbox_detail", public_id=mailbox.public_id)


def check_connection(mailbox: Mailbox):
    """The connection test: the IMAP server (mailboxes.imap), or the local folder."""
    from . import imap

    if mailbox.kind == Mailbox.Kind.LOCAL:
        folder = settings.MAIL_LOCAL_FOLDER
        if folder and Path(folder).is_dir():
            return imap.Check(True, "", _("The local folder is there and is read."))
        return imap.Check(False, "folder", _("The local folder (MAIL_LOCAL_FOLDER) is not there."))
    return imap.test_connection(mailbox)


@login_required
@require_POST
def mailbox_test(request, public_id):
    """'Test connection': the result in words (htmx swaps it into an aria-live region; without JavaScript
    the mailbox page shows it)."""
    mailbox = _mailbox_or_404(request.user, public_id, Action.CHANGE)
    check = check_connection(mailbox)
    if request.htmx:
        return render(request, "mailboxes/partials/check.html", {"check": check})
    page = paginate(request, selectors.messages_of(request.user, mailbox))
    return render(
        request,
        "mailboxes/detail.html",
        {"mailbox": mailbox, "page": page, "can_change": True, "check": check},
    )


@login_required
@require_POST
def mailbox_poll(request, public_id):
    mailbox = _mailbox_or_404(request.user, public_id, Action.CHANGE)
    if not mailbox.is_active:
        messages.error(request, _("The mailbox is not active: activate it to read it."))
    else:
        services.poll_now(mailbox=mailbox)
        messages.success(
            request, _("The mailbox will be read in a moment. Reload the page to see what came.")
        )
    return redirect("mailboxes:mailbox_detail", public_id=mailbox.public_id)


@login_required
def message_detail(request, public_id):
    message = selectors.message_or_none(request.user, public_id)
    if message is None:
        raise Http404
    access.require(request.user, Action.VIEW, message)
    show_html = request.GET.get("html") == "1" and bool(message.body_html)
    return render(
        request,
        "mailboxes/message.html",
        {
            "message": message,
            "show_html": show_html,
            # Sanitised when the message was taken, and again here: whatever wrote the column, the page shows
            # only what nh3 lets through.
            "clean_html": mark_safe(sanitise_html(message.body_html)) if show_html else "",  # noqa: S308  # nosec B308 B703: nh3's output
            "can_see_request": message.request is not None
            and access.can(request.user, Action.VIEW, message.request),
            "can_see_mailbox": access.can(request.user, Action.VIEW, message.mailbox),
            "attachments": selectors.attachments_of(request.user, message),
        },
    )


@login_required
@require_POST
def use_company(request, public_id):
    """'Did you mean': move a request made from an email to the company the advisor chose."""
    from companies.models import Company
    from referrals.models import AdviceRequest

    advice_request = (
        access.visible(request.user, AdviceRequest.objects.all()).filter(public_id=public_id).first()
    )
    if advice_request is None:
        raise Http404
    access.require(request.user, Action.ASSIGN, advice_request)
    company_id = request.POST.get("company", "")
    company = None
    try:
        company = access.visible(request.user, Company.objects.all()).filter(public_id=company_id).first()
    except ValidationError:  # not a UUID
        company = None
    if company is None:
        messages.error(request, _("Choose a company you can see."))
    else:
        try:
            services.use_company(request=advice_request, company=company, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The request is now %(company)s's.") % {"company": company.name})
    return redirect("referrals:request_detail", public_id=advice_request.public_id)
