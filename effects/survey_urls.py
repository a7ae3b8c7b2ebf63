from django.urls import path

from .views import surveys

urlpatterns = [
    path("survey/satisfaction/<str:token>/", surveys.satisfaction, name="satisfaction_survey"),
    path("survey/follow-up/<str:token>/", surveys.follow_up, name="follow_up_survey"),
]
