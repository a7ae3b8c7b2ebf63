"""The indicators pages (namespace "projects")."""

from django.urls import path

from .indicators import indicators, indicators_download, indicators_print

urlpatterns = [
    path("advisor/projects/<uuid:public_id>/indicators/", indicators, name="indicators"),
    path("advisor/projects/<uuid:public_id>/indicators/print/", indicators_print, name="indicators_print"),
    path(
        "advisor/projects/<uuid:public_id>/indicators/<slug:table>.<slug:file_format>",
        indicators_download,
        name="indicators_download",
    ),
]
