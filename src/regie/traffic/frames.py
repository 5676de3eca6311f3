"""The stored traffic as the engine's frames (:mod:`regie.engine.frames`).

Every figure Regie shows is computed by the engine from these frames, so the CLI, the API
and the pages read the same data the same way. Rows are read with ``values_list`` straight
into polars (no model instances), in a fixed order so results never depend on storage order.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import QuerySet

from regie.engine import frames
from regie.engine.funding import ALLOCATIONS
from regie.traffic import models as m


def _frame(kind: str, qs: QuerySet[Any], columns: dict[str, str]) -> pl.DataFrame:
    """Read ``qs`` into a frame of ``kind``; ``columns`` maps frame column -> model field."""
    rows = list(qs.values_list(*columns.values()))
    schema = {name: frames.SCHEMAS[kind][name] for name in columns}  # typed: a column may be null for many rows
    return frames.conform(kind, pl.DataFrame(rows, schema=schema, orient="row"))


def episodes(provider: str | None = None) -> pl.DataFrame:
    qs = m.Episode.objects.order_by("key")
    if provider:
        qs = qs.filter(provider=provider)
    return _frame(
        "episodes",
        qs,
        {
            "episode_id": "key", "client": "client", "provider": "provider", "segment": "segment",
            "domain": "domain", "weight": "weight", "municipality": "municipality", "area": "area",
            "product_category": "product_category", "product_code": "product_code",
            "allocation_number": "allocation_number", "start": "start", "end": "end",
            "start_arrival": "start_arrival", "end_arrival": "end_arrival", "request_date": "request_date",
        },
    )  # fmt: skip


def declarations(provider: str | None = None) -> pl.DataFrame:
    qs = m.DeclarationLine.objects.order_by("arrival", "line_id", "pk")
    if provider:
        qs = qs.filter(provider=provider)
    return _frame(
        "declarations",
        qs,
        {
            "line_id": "line_id", "provider": "provider", "segment": "segment", "municipality": "municipality",
            "client": "client", "allocation_number": "allocation_number", "product_category": "product_category",
            "product_code": "product_code", "care_month": "care_month", "arrival": "arrival", "volume": "volume",
            "unit": "unit", "amount_cents": "amount_cents", "accepted": "accepted", "retour_code": "retour_code",
        },
    )  # fmt: skip


def requests() -> pl.DataFrame:
    return _frame(
        "requests",
        m.Request.objects.order_by("registered", "request_id", "pk"),
        {
            "request_id": "request_id", "client": "client", "segment": "segment", "municipality": "municipality",
            "area": "area", "provider": "provider", "urgency": "urgency", "registered": "registered",
            "arrival": "arrival", "outcome": "outcome", "answered": "answered",
        },
    )  # fmt: skip


def objections() -> pl.DataFrame:
    return _frame(
        "objections",
        m.Objection.objects.order_by("objection_id"),
        {
            "objection_id": "objection_id", "client": "client", "municipality": "municipality",
            "segment": "segment", "provider": "provider", "kind": "kind", "filed": "filed",
            "arrival": "arrival", "decided": "decided", "upheld": "upheld",
        },
    )  # fmt: skip


def allocations() -> pl.DataFrame:
    """Every stored allocation version, in the columns of ``regie.engine.funding.ALLOCATIONS``."""
    columns = {
        "allocation_number": "number", "product_category": "product_category", "product_code": "product_code",
        "volume": "volume", "unit": "unit", "frequency": "frequency", "begin": "begin", "end": "end",
        "arrival": "arrival",
    }  # fmt: skip
    rows = list(m.AllocationVersion.objects.order_by("arrival", "pk").values_list(*columns.values()))
    df = pl.DataFrame(rows, schema={name: ALLOCATIONS[name] for name in columns}, orient="row")
    return df.select(pl.col(name).cast(dtype) for name, dtype in ALLOCATIONS.items())
