from django.urls import path

from . import views

app_name = "worklist"

urlpatterns = [
    path("advisor/", views.home, name="home"),
]
