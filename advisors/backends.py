from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AdvisorBackend(ModelBackend):
    """Email sign-in that also refuses users whose organisation is inactive.

    ModelBackend.get_user() asks the same question, so deactivating an organisation also ends the
    sessions of its people on their next request.
    """

    def user_can_authenticate(self, user):
        return getattr(user, "can_sign_in", False)

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
