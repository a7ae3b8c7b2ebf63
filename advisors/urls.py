from django.urls import path

from . import audit_views, views

app_name = "advisors"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("advisor/profile/", views.profile, name="profile"),
    path("advisor/profile/api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "advisor/profile/api-tokens/<uuid:public_id>/revoke/", views.api_token_revoke, name="api_token_revoke"
    ),
    path("advisor/audit/", audit_views.audit_log, name="audit_log"),
    path("advisor/audit/export.csv", audit_views.audit_log_export, name="audit_log_export"),
    path("advisor/lockouts/", views.lockout_list, name="lockouts"),
    path("advisor/lockouts/<int:pk>/unlock/", views.unlock, name="unlock"),
]
