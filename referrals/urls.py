from django.urls import path

from .views import attachments, catalogue, inbox, intake, referrals, replies

app_name = "referrals"

urlpatterns = [
    # The SME's side
    path("help-me-export/", intake.request_help, name="request_help"),
    path("help-me-export/sent/<str:token>/", intake.request_sent, name="request_sent"),
    path("status/<str:token>/", intake.status, name="status"),
    path(
        "status/<str:token>/attachments/<uuid:attachment_id>/",
        attachments.company_download,
        name="company_attachment",
    ),
    path("privacy/", intake.privacy, name="privacy"),
    # The advisors' shared inbox
    path("advisor/requests/", inbox.inbox, name="inbox"),
    path("advisor/requests/bulk/", inbox.bulk, name="bulk"),
    path("advisor/requests/views/", inbox.save_view, name="save_view"),
    path("advisor/requests/views/<int:pk>/delete/", inbox.delete_view, name="delete_view"),
    path("advisor/requests/unassigned/", inbox.unassigned_requests, name="unassigned"),
    path("advisor/requests/<uuid:public_id>/", inbox.request_detail, name="request_detail"),
    path("advisor/requests/<uuid:public_id>/<slug:action>/", inbox.request_action, name="request_action"),
    path(
        "advisor/requests/<uuid:public_id>/attachments/<uuid:attachment_id>/",
        attachments.advisor_download,
        name="attachment",
    ),
    # Referrals between partners
    path("advisor/referrals/", referrals.referral_list, name="referrals"),
    path(
        "advisor/referrals/<uuid:public_id>/<slug:action>/", referrals.referral_action, name="referral_action"
    ),
    # Need categories (regional staff)
    path("advisor/needs/", intake.need_categories, name="need_categories"),
    path("advisor/needs/new/", intake.need_category_form, name="need_category_create"),
    path("advisor/needs/<slug:slug>/", intake.need_category_form, name="need_category_edit"),
    # Canned replies for writing to companies (an organisation's and a region's)
    path("advisor/replies/", replies.reply_list, name="canned_replies"),
    path("advisor/replies/new/", replies.reply_create, name="canned_reply_create"),
    path("advisor/replies/<int:pk>/edit/", replies.reply_edit, name="canned_reply_edit"),
    path("advisor/replies/<int:pk>/delete/", replies.reply_delete, name="canned_reply_delete"),
    # The partners' service catalogue
    path("advisor/organisations/<slug:slug>/services/", catalogue.service_list, name="services"),
    path("advisor/organisations/<slug:slug>/services/new/", catalogue.service_create, name="service_create"),
    path(
        "advisor/organisations/<slug:slug>/services/<int:pk>/edit/",
        catalogue.service_edit,
        name="service_edit",
    ),
]
