"""At sign-in the session learns which two-factor step is still due (twofactor.middleware reads it)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .selectors import STEP_SESSION_KEY, step_for


@receiver(user_logged_in, dispatch_uid="twofactor.step_at_sign_in")
def remember_step(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[STEP_SESSION_KEY] = step_for(user).value
