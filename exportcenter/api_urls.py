"""The REST API, version 1. Not language-prefixed: clients send Accept-Language."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from advisors import api as advisors_api

urlpatterns = [
    path("me/", advisors_api.me, name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
