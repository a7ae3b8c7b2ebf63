"""The pages of export outcomes (namespace "effects"): the advisor's, and the company's signed link."""

from django.urls import path

from .views import outcomes as views

urlpatterns = [
    path("advisor/companies/<uuid:company_id>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("advisor/outcomes/<uuid:public_id>/", views.outcome_detail, name="outcome_detail"),
    path("advisor/outcomes/<uuid:public_id>/edit/", views.outcome_edit, name="outcome_edit"),
    path("advisor/outcomes/<uuid:public_id>/ask/", views.outcome_ask, name="outcome_ask"),
    # The company's side: no account, the token is the key (effects.links).
    path("outcome/<str:token>/", views.outcome_confirm, name="outcome_confirm"),
    path("outcome/<str:token>/decline/", views.outcome_decline, name="outcome_decline"),
    path("outcome/<str:token>/thanks/", views.outcome_thanks, name="outcome_thanks"),
]
