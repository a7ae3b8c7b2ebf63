from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import access, lockout, tokens
from .access import Action
from .forms import ApiTokenForm, PasswordResetForm, ProfileForm, SignInForm
from .models import ApiToken, User


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "advisors/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Land in the language of the sign-in page when its address names one (/en/login/), else in the
        # language the advisor prefers; an explicit ?next= wins.
        with translation.override(_language_of(self.request) or self.request.user.preferred_language):
            # National coordinators see aggregates only: they land on the national figures (issue 18).
            return reverse("national:dashboard" if self.request.user.is_national else "worklist:home")


def _language_of(request) -> str | None:
    """The language the address names (/en/...), or None on the unprefixed default-language pages."""
    return translation.get_language_from_path(request.path_info)


class SignOutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "advisors/password_reset_form.html"
    email_template_name = "advisors/email/password_reset.txt"
    subject_template_name = "advisors/email/password_reset_subject.txt"
    success_url = reverse_lazy("advisors:password_reset_done")

    def form_valid(self, form):
        # Asked for on /en/: the email and its link are in English whatever the advisor's preference.
        self.extra_email_context = {"language": _language_of(self.request)}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "advisors/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "advisors/password_reset_confirm.html"
    success_url = reverse_lazy("advisors:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "advisors/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "advisors/password_change_form.html"
    success_url = reverse_lazy("advisors:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "advisors/password_change_done.html"


@login_required
def profile(request):
    user = request.user
    access.require(user, access.Action.CHANGE, user)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        with translation.override(user.preferred_language):
            return redirect(reverse("advisors:profile"))
    return render(
        request,
        "advisors/profile.html",
        {"form": form, "may_use_api_tokens": access.can(user, Action.CREATE, ApiToken)},
    )


# --- Sign-in lockouts -----------------------------------------------------------------------------


@login_required
def lockout_list(request):
    """The lockouts in force that the user may lift (regional staff: the people of their regions)."""
    from axes.models import AccessAttempt

    access.require(request.user, Action.VIEW, AccessAttempt)
    return render(request, "advisors/lockouts.html", {"lockouts": lockout.current_lockouts(request.user)})


@login_required
@require_POST
def unlock(request, pk):
    person = get_object_or_404(User.objects.select_related("organisation"), pk=pk)
    access.require(request.user, Action.UNLOCK, person)
    lockout.unlock(person=person, by=request.user, request=request)
    messages.success(request, _("%(name)s can sign in again.") % {"name": person})
    return redirect("advisors:lockouts")


# --- Personal API tokens --------------------------------------------------------------------------


def _no_store(response):
    # A page that may show a token's secret is never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """Create, list and revoke one's own API tokens. The secret is shown once, in the answer to the post."""
    user = request.user
    access.require(user, Action.CREATE, ApiToken)
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        first_post = cache.add(f"api-token-form:{user.pk}:{form.cleaned_data['form_id']}", 1, 60 * 60)
        if not first_post:
            messages.info(request, _("This form was already sent: the token is in the list below."))
            return redirect("advisors:api_tokens")
        try:
            issued = tokens.create_api_token(
                user=user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm()
    response = render(
        request,
        "advisors/api_tokens.html",
        {"form": form, "issued": issued, "tokens": tokens.api_tokens_of(user)},
        status=422 if request.method == "POST" and issued is None and form.errors else 200,
    )
    return _no_store(response)


@login_required
@require_POST
def api_token_revoke(request, public_id):
    token = get_object_or_404(tokens.api_tokens_of(request.user), public_id=public_id)
    access.require(request.user, Action.DELETE, token)
    tokens.revoke_api_token(token=token, by=request.user, request=request)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("advisors:api_tokens")
