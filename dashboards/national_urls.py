from django.urls import path

from . import national_views

app_name = "national"

urlpatterns = [
    path("national/", national_views.dashboard, name="dashboard"),
    path("national/<slug:table>.<str:file_format>", national_views.download, name="download"),
]
