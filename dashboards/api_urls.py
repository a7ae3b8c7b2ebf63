from django.urls import path

from . import api
from .stats import STATS

urlpatterns = [
    path("stats/summary/", api.summary, name="api-stats-summary"),
    *[path(f"stats/{stat.path}/", api.VIEWS[stat.name], name=f"api-stats-{stat.path}") for stat in STATS],
]
