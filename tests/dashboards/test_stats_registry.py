"""Each dashboard figure is written once, in dashboards/stats.py: the registry makes the API's views and
URLs and the page's summary."""

from django.urls import reverse

from dashboards import stats
from dashboards.api import VIEWS
from dashboards.api_urls import urlpatterns


def test_every_figure_has_one_api_view_and_url():
    names = [stat.name for stat in stats.STATS]
    assert len(names) == len(set(names))
    assert set(VIEWS) == set(names)
    routed = {pattern.name for pattern in urlpatterns}
    assert routed == {"api-stats-summary", *(f"api-stats-{stat.path}" for stat in stats.STATS)}
    for stat in stats.STATS:
        assert reverse(f"api-stats-{stat.path}") == f"/api/v1/stats/{stat.path}/"
        assert str(stat.how)  # the description the API documents


def test_the_summary_has_every_figure_of_the_registry(monkeypatch):
    computed = []
    fakes = [
        stats.Stat(
            stat.name,
            lambda s, p, f, name=stat.name: computed.append(name) or {"actual": 0},
            stat.serializer,
            stat.how,
        )
        for stat in stats.STATS
    ]
    monkeypatch.setattr(stats, "STATS", fakes)
    monkeypatch.setattr(stats.selectors, "goals_overview", lambda *args, **kwargs: ["goals"])
    period = type("Period", (), {"end": type("End", (), {"year": 2026})()})()
    scope = type("Scope", (), {"region": None})()
    summary = stats.summary(scope, period, {})
    assert computed == [stat.name for stat in fakes]
    assert set(summary) == {*computed, "goals"} and summary["goals"] == ["goals"]
