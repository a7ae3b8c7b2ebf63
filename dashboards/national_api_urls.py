from django.urls import path

from . import national_api, official_statistics_api, satisfaction_api

urlpatterns = [
    path("stats/national/", national_api.national, name="api-stats-national"),
    path(
        "stats/national/region-of-the-year/",
        national_api.region_of_the_year,
        name="api-stats-national-region-of-the-year",
    ),
    path("stats/national/regions/<slug:slug>/", national_api.region, name="api-stats-national-region"),
    path("statistics/counties/", official_statistics_api.counties, name="api-statistics-counties"),
    path("stats/satisfaction/", satisfaction_api.satisfaction_stats, name="api-stats-satisfaction"),
]
