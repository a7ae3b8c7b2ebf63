"""The indicators API (under /api/v1/): /projects/<id>/indicators/."""

from django.urls import path

from .indicators import project_indicators

urlpatterns = [
    path("projects/<uuid:public_id>/indicators/", project_indicators, name="api-project-indicators"),
]
