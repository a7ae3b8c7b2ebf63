from django.urls import include, path

app_name = "effects"

urlpatterns = [
    path("", include("effects.outcome_urls")),
    path("", include("effects.survey_urls")),
]
