"""Writing what the intake decided, and reading it back, fast: plain SQL, no model instances.

An ingest stores hundreds of thousands of rows; building a Django model instance per row and
letting ``bulk_create`` prepare every value costs more than reading the XML. Rows here are
tuples in the column order of :data:`COLUMNS`, inserted with ``executemany`` inside the
caller's transaction. Values are plain Python (str, int, bool, date, None); JSON columns get
their text. Works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, models

from regie.traffic import models as m

#: The columns written per model, in tuple order (field names; a foreign key by its ``_id``).
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    m.Message: (
        "file_name", "kind", "law", "code", "sender", "receiver", "identification", "dagtekening",
        "content_hash", "raw", "size", "status", "records", "rejected_records", "received_at",
    ),
    m.Rejection: ("message_id", "record", "path", "code", "reason"),
    m.AllocationVersion: (
        "message_id", "municipality", "provider", "client", "number", "segment", "area", "product_category",
        "product_code", "begin", "end", "volume", "unit", "frequency", "budget", "change_reason",
        "allocated_on", "arrival",
    ),
    m.DeclarationLine: (
        "message_id", "line_id", "declaration_number", "reference", "previous_reference", "provider",
        "municipality", "segment", "client", "allocation_number", "product_category", "product_code",
        "period_begin", "period_end", "care_month", "volume", "unit", "tariff", "amount_cents", "arrival",
        "accepted", "retour_code", "reason",
    ),
    m.Request: (
        "message_id", "request_id", "kind", "client", "provider", "municipality", "segment", "area", "urgency",
        "registered", "arrival",
    ),
    m.Signal: (
        "kind", "key", "message_id", "provider", "municipality", "segment", "client", "record", "care_month",
        "raised_on", "detail", "status", "note",
    ),
    m.Episode: (
        "key", "client", "provider", "segment", "domain", "weight", "municipality", "area", "product_category",
        "product_code", "allocation_number", "start", "end", "end_reason", "start_arrival", "end_arrival",
        "request_date", "start_message_id", "stop_message_id",
    ),
}  # fmt: skip


def _column(model: type[models.Model], name: str) -> str:
    """The column of a field name, or of a foreign key named by its ``<field>_id`` attribute."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return connection.ops.quote_name(fields[name].column)


def _columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    return [_column(model, n) for n in names]


def insert(model: type[models.Model], rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT ``rows`` (tuples in the order of ``COLUMNS[model]``)."""
    if not rows:
        return
    columns = _columns(model, COLUMNS[model])
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def update(model: type[models.Model], names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """UPDATE by primary key: each row is the values of ``names`` followed by the pk."""
    if not rows:
        return
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{column} = %s" for column in _columns(model, names))
    sql = f"UPDATE {qn(model._meta.db_table)} SET {assignments} WHERE {qn(model._meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def as_json(value: Any) -> str:
    """A JSON column's text."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _is_date(field: models.Field[Any, Any]) -> bool:
    return isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)


class _Dates(dict[str | None, dt.date | None]):
    """Date text to ``datetime.date``, each distinct text parsed once."""

    def __missing__(self, text: str | None) -> dt.date | None:
        day = self[text] = None if text is None else dt.date.fromisoformat(text)
        return day


def select(
    model: type[models.Model], names: Sequence[str], *, where: str = "", order: Sequence[str] = ()
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``model`` as tuples of the fields ``names`` (a foreign key by its ``_id``),
    plain Python values (dates as ``datetime.date``), read in chunks: the values a queryset's
    ``values_list`` gives, without its cost per value. ``where`` is SQL over the columns.

    SQLite keeps a date as text; its driver would parse it with Django's converter (a regular
    expression per value), here it is read as text and parsed with ``date.fromisoformat``.
    """
    fields = {f.attname: f for f in model._meta.concrete_fields}
    qn = connection.ops.quote_name
    sqlite = connection.vendor == "sqlite"
    dates = [i for i, name in enumerate(names) if sqlite and _is_date(fields[name])]
    columns = [f"CAST({c} AS TEXT)" if i in dates else c for i, c in enumerate(_columns(model, names))]
    sql = f"SELECT {', '.join(columns)} FROM {qn(model._meta.db_table)}"
    if where:
        sql += f" WHERE {where}"
    if order:
        sql += f" ORDER BY {', '.join(_columns(model, order))}"
    parse = _Dates().__getitem__
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(10_000):
            if not dates:
                yield from (tuple(row) for row in rows)
                continue
            columns_of = list(zip(*rows, strict=True))
            for i in dates:
                columns_of[i] = tuple(map(parse, columns_of[i]))
            yield from zip(*columns_of, strict=True)
