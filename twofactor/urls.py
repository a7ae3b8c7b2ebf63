from django.urls import path

from . import views

app_name = "twofactor"

urlpatterns = [
    path("login/verify/", views.verify, name="verify"),
    path("login/verify/recovery-code/", views.verify_recovery, name="verify_recovery"),
    path("advisor/security/", views.security, name="security"),
    path("advisor/security/authenticator/", views.setup_authenticator, name="setup_authenticator"),
    path("advisor/security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "advisor/security/<slug:kind>/<int:pk>/remove/",
        views.remove_device,
        name="remove_device",
    ),
    path("advisor/people/two-factor/", views.people, name="people"),
    path("advisor/people/<int:pk>/two-factor/", views.person, name="person"),
]
