"""The pages of projects and programmes (namespace "projects")."""

from django.urls import path

from . import projects as views

urlpatterns = [
    path("advisor/projects/", views.project_list, name="project_list"),
    path("advisor/projects/new/", views.project_create, name="project_create"),
    path("advisor/projects/<uuid:public_id>/", views.project_detail, name="project_detail"),
    path("advisor/projects/<uuid:public_id>/edit/", views.project_edit, name="project_edit"),
    path("advisor/projects/<uuid:public_id>/partners/new/", views.partner_add, name="partner_add"),
    path(
        "advisor/projects/<uuid:public_id>/partners/<int:partner_id>/remove/",
        views.partner_remove,
        name="partner_remove",
    ),
    path(
        "advisor/projects/<uuid:public_id>/partners/<int:partner_id>/lead/",
        views.partner_make_lead,
        name="partner_make_lead",
    ),
    path("advisor/projects/<uuid:public_id>/activities/new/", views.activity_add, name="activity_add"),
    path("advisor/programmes/", views.programme_list, name="programme_list"),
    path("advisor/programmes/new/", views.programme_form, name="programme_create"),
    path("advisor/programmes/<slug:code>/edit/", views.programme_form, name="programme_edit"),
]
