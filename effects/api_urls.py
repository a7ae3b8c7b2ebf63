"""The effects API (included by exportcenter.api_urls): outcomes, and surveys."""

from django.urls import include, path

urlpatterns = [
    path("", include("effects.api.outcome_urls")),
    path("", include("effects.api.survey_urls")),
]
