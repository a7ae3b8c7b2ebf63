"""Rows written with COPY from an in-memory buffer, and ids reserved from a table's sequence."""

import io
import json
import random
import uuid
from datetime import date, datetime

from django.db import connection

CHUNK = 20_000


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if hasattr(value, "adapted"):  # a JSON field's default as PostgreSQL's adapter wraps it (psycopg2 Json)
        value = value.adapted
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (datetime, date)):
        return value.isoformat()
    else:
        value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Copier:
    """Rows for one table, flushed with COPY when the buffer grows."""

    def __init__(self, table: str, columns: list[str], suffix: str = ""):
        self.table, self.columns, self.suffix = table, columns, suffix
        self.buffer, self.rows, self.total = io.StringIO(), 0, 0

    def add(self, *values) -> None:
        self.buffer.write("\t".join(_value(value) for value in values))
        self.buffer.write(self.suffix)
        self.buffer.write("\n")
        self.rows += 1
        if self.rows >= 50_000:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        self.buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f'COPY "{self.table}" ({", ".join(self.columns)}) FROM STDIN', self.buffer
            )
        self.total += self.rows
        self.buffer, self.rows = io.StringIO(), 0


def _copier(model, columns: list[str]) -> Copier:
    """A Copier for the given columns, plus every other concrete column at its model default, so a field
    added later gets the value an ORM insert would give it."""
    given = {column.strip('"') for column in columns}
    rest = [
        f
        for f in model._meta.concrete_fields
        if f.column not in given and not (f.primary_key and f.column == "id")
    ]
    suffix = "".join("\t" + _value(f.get_db_prep_save(f.get_default(), connection)) for f in rest)
    return Copier(model._meta.db_table, [*columns, *(f'"{f.column}"' for f in rest)], suffix)


def _reserve_ids(model, count: int) -> int:
    """The first of `count` consecutive ids, taken from the table's sequence."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute(
            f'SELECT GREATEST(nextval(%s), (SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"))',  # noqa: S608  # nosec B608: a model's table
            [sequence],
        )
        first = cursor.fetchone()[0]
        if count:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first
