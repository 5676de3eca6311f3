"""The stored traffic as the engine's frames (:mod:`regie.engine.frames`).

Every figure Regie shows is computed by the engine from these frames, so the CLI, the API
and the pages read the same data the same way. Rows are read with ``values_list`` straight
into polars (no model instances), in a fixed order so results never depend on storage order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db.models import QuerySet

from regie.catalog.loader import stored_catalog
from regie.catalog.models import Provider, Segment
from regie.engine import frames, participation
from regie.engine.consortia import attribute, member_map, senders
from regie.engine.funding import ALLOCATIONS
from regie.traffic import models as m


def _fields(columns: Iterable[str], renamed: dict[str, str]) -> dict[str, str]:
    """Frame column -> model field: each model field has its column's name unless ``renamed``
    names another."""
    return {name: renamed.get(name, name) for name in columns}


def _frame(kind: str, qs: QuerySet[Any], **renamed: str) -> pl.DataFrame:
    """Read ``qs`` into a frame of ``kind``: every column of the frame's schema from the model
    field of the same name, or the one ``renamed`` gives (``episode_id="key"``)."""
    columns = _fields(frames.SCHEMAS[kind], renamed)
    rows = list(qs.values_list(*columns.values()))
    schema = frames.SCHEMAS[kind]  # typed: a column may be null for many rows
    return frames.conform(kind, pl.DataFrame(rows, schema=schema, orient="row"))


def _members() -> dict[str, str]:
    """Member AGB code -> consortium AGB code (catalog ``members``)."""
    return member_map(Provider.objects.exclude(members=[]).only("agb", "members"))


def episodes(provider: str | None = None, *, as_sent: bool = False) -> pl.DataFrame:
    """Care episodes and participation trajectories read as episodes
    (:func:`regie.engine.participation.as_episodes`); a consortium member's count for its
    consortium (:mod:`regie.engine.consortia`), unless ``as_sent`` (each under the AGB code it
    was sent under)."""
    members = _members()
    qs = m.Episode.objects.order_by("key")
    if provider:
        qs = qs.filter(provider__in=senders(provider, members))
    care = _frame("episodes", qs, episode_id="key")
    weights = dict(Segment.objects.filter(domain=participation.DOMAIN).values_list("code", "weight"))
    both = pl.concat([care, participation.as_episodes(trajectories(provider, as_sent=as_sent), weights)])
    return both if as_sent else attribute(both, members)


def trajectories(provider: str | None = None, *, as_sent: bool = False) -> pl.DataFrame:
    """Participation trajectories (:data:`regie.engine.frames.TRAJECTORIES`); a consortium
    member's count for its consortium, unless ``as_sent``."""
    members = _members()
    qs = m.Trajectory.objects.order_by(*("municipality", "provider", "client", "module", "start"))
    if provider:
        qs = qs.filter(provider__in=senders(provider, members))
    df = _frame("trajectories", qs).with_columns(pl.col("end_reason").replace("", None))
    return df if as_sent else attribute(df, members)


def declarations(provider: str | None = None, *, as_sent: bool = False) -> pl.DataFrame:
    """Declaration lines, and a position per month of each participation trajectory
    (:func:`regie.engine.participation.as_declarations`: the outcome rule pays trajectories
    per module); a consortium member's count for its consortium, unless ``as_sent``."""
    members = _members()
    qs = m.DeclarationLine.objects.order_by("arrival", "line_id", "pk")
    if provider:
        qs = qs.filter(provider__in=senders(provider, members))
    lines = _frame("declarations", qs)
    funded = participation.as_declarations(trajectories(provider, as_sent=as_sent), stored_catalog())
    both = pl.concat([lines, funded])
    return both if as_sent else attribute(both, members)


def requests() -> pl.DataFrame:
    return _frame("requests", m.Request.objects.order_by("registered", "request_id", "pk"))


def objections() -> pl.DataFrame:
    return _frame("objections", m.Objection.objects.order_by("objection_id"))


def pgb_budgets() -> pl.DataFrame:
    """The PGB budgets of the municipalities' registers."""
    return _frame("pgb", m.PgbBudget.objects.order_by("municipality", "segment", "client", "start"))


def allocations() -> pl.DataFrame:
    """Every stored allocation version, in the columns of ``regie.engine.funding.ALLOCATIONS``."""
    columns = _fields(ALLOCATIONS, {"allocation_number": "number"})
    rows = list(m.AllocationVersion.objects.order_by("arrival", "pk").values_list(*columns.values()))
    df = pl.DataFrame(rows, schema={name: ALLOCATIONS[name] for name in columns}, orient="row")
    return df.select(pl.col(name).cast(dtype) for name, dtype in ALLOCATIONS.items())
