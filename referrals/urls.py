from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("help-me-export/", views.request_help, name="request_help"),
]
