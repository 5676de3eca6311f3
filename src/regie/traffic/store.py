"""Writing what the intake decided, and reading it back, fast: plain SQL, no model instances.

An ingest stores hundreds of thousands of rows; building a Django model instance per row and
letting ``bulk_create`` prepare every value costs more than reading the XML. Rows here are
tuples in the column order of :data:`COLUMNS`, built by field name with :data:`ROW` (the
order is written down once, here), inserted with ``executemany`` or COPY inside the caller's
transaction. Values are plain Python (str, int, bool, date, None); JSON columns get
their text. Works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import namedtuple
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
        "registered", "arrival", "outcome", "refusal_reason", "answered", "referrer",
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

#: A stored row of each model, built by keyword (``ROW[m.Rejection](message_id=..., ...)``): a
#: tuple in the order of :data:`COLUMNS`, which refuses a missing or unknown field.
ROW: dict[type[models.Model], Any] = {
    model: namedtuple(f"{model.__name__}Row", names) for model, names in COLUMNS.items()
}


def _column(model: type[models.Model], name: str) -> str:
    """The column of a field name, or of a foreign key named by its ``<field>_id`` attribute."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return connection.ops.quote_name(fields[name].column)


def _columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    return [_column(model, n) for n in names]


def insert(model: type[models.Model], rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT ``rows`` (tuples in the order of ``COLUMNS[model]``): on PostgreSQL with COPY (the
    values are adapted in C and sent as one stream), on SQLite with ``executemany``."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_columns(model, COLUMNS[model]))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(rows[0]))})", rows)


def ids(model: type[models.Model], key: str, keys: Sequence[str]) -> dict[str, int]:
    """The primary keys of the rows whose (unique) field ``key`` is one of ``keys``, by key: in
    one query whatever the number of keys (an array on PostgreSQL, a JSON list on SQLite)."""
    if not keys:
        return {}
    qn = connection.ops.quote_name
    column, pk = _column(model, key), qn(model._meta.pk.column)
    if connection.vendor == "postgresql":
        where, param = f"{column} = ANY(%s)", list(keys)
    else:
        where, param = f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(list(keys))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}, {pk} FROM {qn(model._meta.db_table)} WHERE {where}", [param])
        return dict(cursor.fetchall())


def update(model: type[models.Model], names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """UPDATE by primary key: each row is the values of ``names`` followed by the pk. On
    PostgreSQL the rows are copied into a temporary table and applied in one UPDATE."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table, pk, columns = qn(model._meta.db_table), qn(model._meta.pk.column), _columns(model, names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            changes = qn(f"{model._meta.db_table}_changes")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {changes} ON COMMIT DROP AS "
                f"SELECT {', '.join(columns)}, {pk} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {changes} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{c} = {changes}.{c}" for c in columns)
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {changes} WHERE {table}.{pk} = {changes}.{pk}")
            cursor.execute(f"DROP TABLE {changes}")
            return
        assignments = ", ".join(f"{column} = %s" for column in columns)
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", rows)


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
