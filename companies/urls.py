from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("companies/", views.company_list, name="list"),
    path("companies/new/", views.company_create, name="create"),
    path("companies/similar/", views.similar_names, name="similar"),
    path("companies/export.csv", views.company_export, {"file_format": "csv"}, name="export_csv"),
    path("companies/export.xlsx", views.company_export, {"file_format": "xlsx"}, name="export_xlsx"),
    path("companies/import/", views.import_upload, name="import"),
    path("companies/import/<uuid:public_id>/", views.import_preview, name="import_preview"),
    path("companies/<uuid:public_id>/", views.company_detail, name="detail"),
    path("companies/<uuid:public_id>/edit/", views.company_edit, name="edit"),
    path("companies/<uuid:public_id>/contacts/new/", views.contact_form, name="contact_create"),
    path("companies/<uuid:public_id>/contacts/<uuid:contact_id>/", views.contact_form, name="contact_edit"),
    path("companies/<uuid:public_id>/merge/", views.company_merge, name="merge"),
    path(
        "companies/<uuid:public_id>/merge/<uuid:duplicate_id>/",
        views.company_merge_confirm,
        name="merge_confirm",
    ),
]
