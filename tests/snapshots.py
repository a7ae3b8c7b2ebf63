"""Rows that a fixture of transactional tests writes (the browser journeys' demo data), written once per
process and copied back for the next test, as `setUpTestData` does for a class of plain tests.

    @pytest.fixture
    def demo(transactional_db):
        return rows_made_once("demo", seed)

The first time, `build()` runs and the rows of every table (but the kept ones, tests/flush.py) are copied
out with PostgreSQL's COPY, together with the state they were built on. Later, when the database is again
in that same state (the flush that ends each transactional test empties it), the rows are copied back in
(milliseconds, where building them takes seconds) and a copy of what `build()` returned is given. In any
other state, or on SQLite, `build()` simply runs. So a test sees exactly the rows that `build()` would have
written: the same ids, timestamps and hashes as the first time in the process (a run takes minutes).
"""

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction

from tests.flush import flushed_tables, sql_flush, tables_with_rows


@dataclass(frozen=True)
class _Snapshot:
    before: tuple[tuple[str, bytes], ...]
    after: tuple[tuple[str, bytes], ...]
    value: Any


_snapshots: dict[str, _Snapshot] = {}


def _rows() -> tuple[tuple[str, bytes], ...]:
    """Every row of the flushed tables, table by table, in COPY's text format (primary-key order)."""
    rows = []
    tables = tables_with_rows(connection, flushed_tables(connection))
    with connection.cursor() as cursor:
        for table in sorted(tables):
            quoted = connection.ops.quote_name(table)
            data = io.StringIO()
            query = f"COPY (SELECT * FROM {quoted} ORDER BY 1) TO STDOUT"  # noqa: S608 - Django's tables
            cursor.cursor.copy_expert(query, data)
            rows.append((table, data.getvalue().encode()))
    return tuple(rows)


def _copy_back(rows: tuple[tuple[str, bytes], ...]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in sql_flush(no_style(), connection, reset_sequences=False):
            cursor.execute(statement)
        for table, data in rows:
            quoted = connection.ops.quote_name(table)
            cursor.cursor.copy_expert(f"COPY {quoted} FROM STDIN", io.BytesIO(data))


def rows_made_once(key: str, build: Callable[[], Any]) -> Any:
    """What `build()` returns, its rows written by `build()` or copied back from the first time."""
    if connection.vendor != "postgresql":
        return build()
    before = _rows()
    snapshot = _snapshots.get(key)
    if snapshot is not None and snapshot.before == before:
        _copy_back(snapshot.after)
        return copy.deepcopy(snapshot.value)
    value = build()
    _snapshots[key] = _Snapshot(before, _rows(), copy.deepcopy(value))
    return value
