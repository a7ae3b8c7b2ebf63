from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("help-me-export/", views.request_help, name="request_help"),
    path("help-me-export/sent/<str:token>/", views.request_sent, name="request_sent"),
    path("status/<str:token>/", views.status, name="status"),
    path("privacy/", views.privacy, name="privacy"),
    path("advisor/requests/unassigned/", views.unassigned_requests, name="unassigned"),
    path("advisor/needs/", views.need_categories, name="need_categories"),
    path("advisor/needs/new/", views.need_category_form, name="need_category_create"),
    path("advisor/needs/<slug:slug>/", views.need_category_form, name="need_category_edit"),
]
