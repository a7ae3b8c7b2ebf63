"""The mailbox pages (issue 20), namespace "mailboxes"."""

from django.urls import path

from . import views

app_name = "mailboxes"

urlpatterns = [
    path("advisor/mailboxes/", views.mailbox_list, name="mailbox_list"),
    path("advisor/mailboxes/new/", views.mailbox_create, name="mailbox_create"),
    path("advisor/mailboxes/messages/<uuid:public_id>/", views.message_detail, name="message_detail"),
    path("advisor/mailboxes/<uuid:public_id>/", views.mailbox_detail, name="mailbox_detail"),
    path("advisor/mailboxes/<uuid:public_id>/edit/", views.mailbox_edit, name="mailbox_edit"),
    path("advisor/mailboxes/<uuid:public_id>/active/", views.mailbox_active, name="mailbox_active"),
    path("advisor/mailboxes/<uuid:public_id>/test/", views.mailbox_test, name="mailbox_test"),
    path("advisor/mailboxes/<uuid:public_id>/poll/", views.mailbox_poll, name="mailbox_poll"),
    path("advisor/mailboxes/requests/<uuid:public_id>/company/", views.use_company, name="use_company"),
]
