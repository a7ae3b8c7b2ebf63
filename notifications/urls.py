from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("advisor/notifications/", views.notification_list, name="list"),
    path("advisor/notifications/read/", views.mark_all_read, name="read_all"),
    path("advisor/notifications/<int:pk>/read/", views.mark_read, name="read"),
    path("advisor/notifications/preferences/", views.preferences, name="preferences"),
]
