"""The pages of participations, support, de minimis aid and undertaking links (namespace "projects")."""

from django.urls import path

from . import aid as views

urlpatterns = [
    path(
        "advisor/projects/<uuid:project_id>/participations/new/",
        views.participation_create,
        name="participation_create",
    ),
    path("advisor/participations/<uuid:public_id>/", views.participation_detail, name="participation_detail"),
    path(
        "advisor/participations/<uuid:public_id>/edit/", views.participation_edit, name="participation_edit"
    ),
    path("advisor/participations/<uuid:public_id>/support/new/", views.support_create, name="support_create"),
    path(
        "advisor/participations/<uuid:public_id>/aid/new/",
        views.participation_aid_create,
        name="participation_aid_create",
    ),
    path("advisor/companies/<uuid:company_id>/aid/new/", views.aid_create, name="aid_create"),
    path("advisor/companies/<uuid:company_id>/undertaking/new/", views.link_create, name="link_create"),
    path(
        "advisor/companies/<uuid:company_id>/undertaking/<uuid:linked_id>/remove/",
        views.link_remove,
        name="link_remove",
    ),
]
