from django.urls import path

from . import official_statistics_views, satisfaction_views, views

app_name = "dashboards"

urlpatterns = [
    path("advisor/dashboard/", views.dashboard, name="dashboard"),
    path("advisor/dashboard/report/", views.report, name="report"),
    path("advisor/dashboard/<slug:figure>.<str:file_format>", views.download, name="download"),
    path("advisor/goals/", views.goals, name="goals"),
    path("advisor/satisfaction/", satisfaction_views.satisfaction_page, name="satisfaction"),
    path("advisor/statistics/", official_statistics_views.panel_page, name="official_statistics"),
    path("advisor/statistics/import/", official_statistics_views.import_page, name="statistics_import"),
    path("advisor/goals/new/", views.goal_form, name="goal_create"),
    path("advisor/goals/<int:pk>/", views.goal_form, name="goal_edit"),
]
