from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from exportcenter.unique import one_or_none


class AdvisorBackend(ModelBackend):
    """Email sign-in that also refuses users whose organisation is inactive.

    ModelBackend.get_user() asks the same question, so deactivating an organisation also ends the
    sessions of its people on their next request.
    """

    def user_can_authenticate(self, user):
        return getattr(user, "can_sign_in", False)

    def get_user(self, user_id):
        # Every signed-in request asks: by the key, without first()'s sort (exportcenter.unique).
        user = one_or_none(
            get_user_model()._default_manager.select_related("organisation").filter(pk=user_id)
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS: a locked-out pair of username and
    client address is refused before any password is checked.

    Axes refuses an authenticate() without a request. Every HTTP sign-in passes one (Django's LoginView and
    the admin's, DRF's authentication classes); a call without one comes from code on the server (a shell,
    the test client's login()), which no visitor can repeat, so it is let through to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
