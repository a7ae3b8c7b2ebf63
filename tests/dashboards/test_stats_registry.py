"""Each dashboard figure is written once, in dashboards/stats.py: the registry makes the API's views and
URLs and the page's summary."""

from datetime import date

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
    monkeypatch.setattr(stats.goals, "goals_overview", lambda *args, **kwargs: ["goals"])
    period = stats.Period(date(2026, 1, 1), date(2026, 12, 31))
    scope = stats.Scope(region=None)
    summary = stats.summary(scope, period, {})
    assert computed == [stat.name for stat in fakes]
    assert set(summary) == {*computed, "goals"} and summary["goals"] == ["goals"]


def test_the_pages_tables_and_their_how_texts_are_the_registrys():
    """The page, its charts and downloads (dashboards/tables.py) define no figure of their own."""
    from dashboards import tables

    keys = [table.key for table in stats.tables()]
    assert len(keys) == len(set(keys))
    assert keys[0] == "key_figures"
    assert [table.key for stat in stats.STATS for table in stat.tables] == keys[1:]
    for table in stats.tables():
        assert str(table.title) and str(table.how) and table.columns
    counted = [stat for stat in stats.STATS if stat.counted]
    summary = {stat.name: index for index, stat in enumerate(counted)}
    assert stats.KEY_FIGURES.rows(summary) == [[str(stat.label), index] for index, stat in enumerate(counted)]
    assert not hasattr(tables, "DIMENSION_HOW") and not hasattr(tables, "_")
