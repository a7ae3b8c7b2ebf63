"""The projects API (included by exportcenter.api_urls): projects, participations, aid, indicators."""

from django.urls import include, path

urlpatterns = [
    path("", include("projects.api.project_urls")),
    path("", include("projects.api.aid_urls")),
    path("", include("projects.api.indicator_urls")),
]
