"""The projects pages (issue 19): one URL module per part, each owned by its part."""

from django.urls import include, path

app_name = "projects"

urlpatterns = [
    path("", include("projects.views.project_urls")),
    path("", include("projects.views.aid_urls")),
    path("", include("projects.views.indicator_urls")),
]
