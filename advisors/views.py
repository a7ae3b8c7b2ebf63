from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _

from . import access
from .forms import PasswordResetForm, ProfileForm, SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "advisors/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Land in the language the advisor prefers; an explicit ?next= wins.
        with translation.override(self.request.user.preferred_language):
            return reverse("advisors:home")


class SignOutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "advisors/password_reset_form.html"
    email_template_name = "advisors/email/password_reset.txt"
    subject_template_name = "advisors/email/password_reset_subject.txt"
    success_url = reverse_lazy("advisors:password_reset_done")


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
def home(request):
    return render(request, "advisors/home.html", {"organisation": request.user.organisation})


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
    return render(request, "advisors/profile.html", {"form": form})
