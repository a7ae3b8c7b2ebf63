from django.urls import path

from . import api

urlpatterns = [
    path("stats/summary/", api.summary, name="api-stats-summary"),
    path("stats/requests-received/", api.requests_received, name="api-stats-requests-received"),
    path("stats/companies-reached/", api.companies_reached, name="api-stats-companies-reached"),
    path(
        "stats/new-international-companies/",
        api.new_international_companies,
        name="api-stats-new-international-companies",
    ),
    path("stats/requests-by-month/", api.requests_by_month, name="api-stats-requests-by-month"),
    path("stats/requests-by/", api.requests_by, name="api-stats-requests-by"),
    path("stats/speed/", api.speed, name="api-stats-speed"),
    path("stats/workload/", api.workload, name="api-stats-workload"),
    path("stats/referral-matrix/", api.referral_matrix, name="api-stats-referral-matrix"),
    path("stats/outreach-funnel/", api.outreach_funnel, name="api-stats-outreach-funnel"),
    path("stats/goal-tracker/", api.goal_tracker, name="api-stats-goal-tracker"),
]
