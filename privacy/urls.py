from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("advisor/privacy/", views.people, name="people"),
    path("advisor/privacy/retention/", views.retention, name="retention"),
    path("advisor/privacy/hold/<slug:target>/<uuid:public_id>/", views.legal_hold, name="legal_hold"),
    path("advisor/privacy/<slug:kind>/<uuid:public_id>/", views.person, name="person"),
    path("advisor/privacy/<slug:kind>/<uuid:public_id>/export/", views.export, name="export"),
    path("advisor/privacy/<slug:kind>/<uuid:public_id>/erase/", views.erase, name="erase"),
]
