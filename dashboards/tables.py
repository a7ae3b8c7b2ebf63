"""The dashboard's figures as tables: one source for the page's data tables, the charts and the downloads,
so the numbers in a chart, its table and its CSV are the same numbers. What each table holds and how it is
computed is written in the figures' registry, dashboards/stats.py."""

from dataclasses import dataclass, field

from . import stats


@dataclass
class Figure:
    key: str
    title: str
    how: str
    columns: list[str]
    rows: list[list]
    chart: str = "bar"  # "bar", "line" or "" (table only)
    series: list[int] = field(default_factory=lambda: [1])  # the value columns the chart draws

    @property
    def json_id(self) -> str:
        return f"chart-data-{self.key}"

    @property
    def table_id(self) -> str:
        return f"table-{self.key}"

    def chart_data(self) -> dict:
        return {
            "type": self.chart,
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {"label": str(self.columns[i]), "data": [row[i] for row in self.rows]} for i in self.series
            ],
        }

    def download_rows(self) -> list[list]:
        return [[str(c) for c in self.columns], *self.rows]


def figures(summary: dict) -> list[Figure]:
    """The figures of one dashboard scope, in the order of the page: the registry's tables
    (dashboards/stats.py) filled from the summary."""
    return [
        Figure(
            table.key,
            str(table.title),
            table.how_text(summary),
            list(table.columns),
            table.rows(summary),
            chart=table.chart,
            series=list(table.series),
        )
        for table in stats.tables()
    ]
