"""Participation (Participatiewet): trajectories read as care episodes (domain.md section 10a).

A participation trajectory is one module for a client at a provider, from the municipality's
register (CSV kind ``trajectories``, docs/csv-formats.md). It is an episode of the domain
``participatie``: keyed by client, provider, module and start (as a task-based episode), its
start and end those of the trajectory, its product code the module. So every indicator of
domain.md section 5 (clients, inflow, outflow, duration, sustainable outflow within the
domain: no new trajectory within 182 days, cost per client) counts trajectories as it counts
care, and the client across domains sees them beside youth care and Wmo.

Pure core: polars frames in and out, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

from regie.engine import frames

DOMAIN = "participatie"

#: Why a trajectory ended; ``work`` and ``education`` are the outflow the Participatiewet aims at.
END_REASONS = ("work", "education", "care", "other")
TOWARDS_WORK = ("work", "education")

#: A module's code: the catalog's ``products`` of a ``participatie`` segment, the CSV's ``module``.
MODULE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,19}$")


def trajectory_key(trajectories: pl.DataFrame) -> pl.Expr:
    """The episode id of a trajectory: ``client|provider|module|start`` (a task-based episode's shape)."""
    return pl.concat_str(
        [pl.col("client"), pl.col("provider"), pl.col("module"), pl.col("start").cast(pl.Utf8)], separator="|"
    )


def as_episodes(trajectories: pl.DataFrame, weights: Mapping[str, int]) -> pl.DataFrame:
    """The trajectories as rows of :data:`regie.engine.frames.EPISODES`.

    ``weights`` maps a segment code to its weight (segments not in it weigh 1). The module is
    the product code; a trajectory has no product category, allocation, area or request.

    >>> import datetime as dt
    >>> t = frames.frame("trajectories", [{"client": "c", "provider": "12345678", "segment": "P",
    ...     "municipality": "0983", "module": "WERKFIT", "start": dt.date(2025, 2, 3),
    ...     "start_arrival": dt.date(2025, 2, 10)}])
    >>> as_episodes(t, {"P": 1}).select("episode_id", "domain", "product_code").row(0)
    ('c|12345678|WERKFIT|2025-02-03', 'participatie', 'WERKFIT')
    """
    weight = pl.col("segment").replace_strict(dict(weights), default=1, return_dtype=pl.Int64)
    episodes = trajectories.select(
        trajectory_key(trajectories).alias("episode_id"),
        "client",
        "provider",
        "segment",
        pl.lit(DOMAIN).alias("domain"),
        weight.alias("weight"),
        "municipality",
        pl.col("module").alias("product_code"),
        "start",
        "end",
        "start_arrival",
        "end_arrival",
    )
    return frames.conform("episodes", episodes).sort("episode_id")


__all__ = ["DOMAIN", "END_REASONS", "MODULE", "TOWARDS_WORK", "as_episodes", "trajectory_key"]
