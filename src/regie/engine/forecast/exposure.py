"""Exposure: the client-months and person-months the stock-and-flow model and the money
are counted in, and the months that have settled.

- **Client-months** of a month: the days each episode overlaps the month, divided by the
  days of the month, summed over episodes (:func:`client_months`). A client in care the
  whole month counts 1, from the 16th of a 30-day month 0.5.
- **Person-months** (:func:`person_months`): one row per episode and month in care, with its
  duration bin and whether it ended in that month; the exit hazard per duration bin is a
  life table on them (:func:`life_table`).
- **The last settled month** (:func:`last_settled_month`): the last month that ended at
  least a month before the as-of date.

See :mod:`~regie.engine.forecast.stockflow` for how they are used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import polars as pl

from regie.engine.forecast.base import CELL, Floats, month_index, month_index_expr
from regie.engine.indicators import prepare_episodes


def episodes_as_of(episodes: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The episodes as they stood on ``as_of``, with month indices and the transfer flag.

    Adds ``start_m`` and ``end_m`` (month indices, ``end_m`` null while open) and
    ``transfer`` (the episode starts in the first month of its municipality's data).
    """
    df = prepare_episodes(episodes, as_of)
    df = df.with_columns(month_index_expr("start"), month_index_expr("end"))
    first = pl.col("start_m").min().over("municipality")
    return df.with_columns((pl.col("start_m") == first).alias("transfer"))


def client_months(episodes: pl.DataFrame, *, first: dt.date, as_of: dt.date, by: Sequence[str] = CELL) -> pl.DataFrame:
    """Client-months and distinct clients per group ``by`` and month, from ``first`` to ``as_of``.

    ``episodes`` as returned by :func:`episodes_as_of`. A month is cut off at ``as_of``
    (the days after it are not counted). Columns: ``by``, ``month`` (index),
    ``client_months`` (float), ``clients``.

    >>> from regie.engine import frames
    >>> eps = frames.frame("episodes", [
    ...     {"episode_id": "e", "client": "c", "provider": "p", "segment": "S", "municipality": "m",
    ...      "start": dt.date(2025, 1, 16), "start_arrival": dt.date(2025, 1, 16)}])
    >>> t = client_months(episodes_as_of(eps, dt.date(2025, 2, 28)), first=dt.date(2025, 1, 1),
    ...                   as_of=dt.date(2025, 2, 28))
    >>> [round(x, 3) for x in t["client_months"]]
    [0.516, 1.0]
    """
    keys = list(by)
    df = episodes.select(*dict.fromkeys([*keys, "client", "start", "end"])).with_columns(
        pl.max_horizontal(pl.col("start"), pl.lit(first)).alias("_s"),
        pl.min_horizontal(pl.col("end").fill_null(as_of), pl.lit(as_of)).alias("_e"),
    )
    df = df.filter(pl.col("_s") <= pl.col("_e"))
    schema = {**{k: pl.Utf8 for k in keys}, "month": pl.Int64, "client_months": pl.Float64, "clients": pl.Int64}
    if df.height == 0:
        return pl.DataFrame(schema=schema)
    df = df.with_columns(
        pl.date_ranges(pl.col("_s").dt.truncate("1mo"), pl.col("_e").dt.truncate("1mo"), "1mo").alias("_month")
    ).explode("_month")
    lo = pl.max_horizontal(pl.col("_s"), pl.col("_month"))
    hi = pl.min_horizontal(pl.col("_e"), pl.col("_month").dt.month_end())
    df = df.with_columns(
        ((hi - lo).dt.total_days() + 1).cast(pl.Float64).alias("_days"),
        pl.col("_month").dt.month_end().dt.day().cast(pl.Float64).alias("_dim"),
        month_index_expr("_month").alias("month"),
    )
    out = df.group_by([*keys, "month"]).agg(
        (pl.col("_days") / pl.col("_dim")).sum().alias("client_months"),
        pl.col("client").n_unique().cast(pl.Int64).alias("clients"),
    )
    return out.sort([*keys, "month"]).select(list(schema))


def last_settled_month(as_of: dt.date) -> int:
    """The last month (index) that ended at least a month before ``as_of``: its stops (and
    declarations) have had as long to arrive on every day as the month before the as-of
    month has at a month end. The exit hazards are learnt up to it.

    >>> from regie.engine.forecast.base import month_of
    >>> [month_of(last_settled_month(dt.date(2025, 6, d))) for d in (30, 1, 5)]
    [datetime.date(2025, 5, 1), datetime.date(2025, 4, 1), datetime.date(2025, 4, 1)]
    """
    return month_index(as_of + dt.timedelta(days=1)) - 2


def person_months(episodes: pl.DataFrame, *, first: int, last: int, max_duration: int) -> pl.DataFrame:
    """One row per episode and month of ``first..last`` (month indices) in which it was in care.

    Columns: segment, provider, municipality, ``t`` (month index), ``d`` (duration bin: the
    months since the start, at most ``max_duration``; transfers always ``max_duration``),
    ``exit`` (the episode ended in month ``t``). ``episodes`` from :func:`episodes_as_of`;
    an open episode is in care up to ``last``.
    """
    df = episodes.select("segment", "provider", "municipality", "start_m", "end_m", "transfer").with_columns(
        pl.max_horizontal(pl.col("start_m"), pl.lit(first)).alias("_lo"),
        pl.min_horizontal(pl.col("end_m").fill_null(last), pl.lit(last)).alias("_hi"),
    )
    df = df.filter(pl.col("_lo") <= pl.col("_hi"))
    df = df.with_columns(pl.int_ranges(pl.col("_lo"), pl.col("_hi") + 1).alias("t")).explode("t")
    d = (
        pl.when(pl.col("transfer"))
        .then(max_duration)
        .otherwise(pl.min_horizontal(pl.col("t") - pl.col("start_m"), max_duration))
    )
    return df.select(
        "segment",
        "provider",
        "municipality",
        pl.col("t").cast(pl.Int64),
        d.cast(pl.Int64).alias("d"),
        (pl.col("end_m") == pl.col("t")).fill_null(False).alias("exit"),
    )


def life_table(at_risk: Floats, exits: Floats, min_at_risk: float) -> Floats:
    """Exit hazard per duration bin: exits / at risk, pooling thin bins with the next ones.

    Bins are pooled from the start: a bin with fewer than ``min_at_risk`` person-months is
    joined with the following bins until the pool has enough; the pool's rate applies to
    every bin in it. A last pool that stays too thin joins the pool before it.

    >>> life_table(np.array([100.0, 5.0, 5.0, 40.0]), np.array([10.0, 1.0, 0.0, 4.0]), 10)
    array([0.1, 0.1, 0.1, 0.1])
    >>> life_table(np.array([100.0, 50.0]), np.array([20.0, 5.0]), 10)
    array([0.2, 0.1])
    """
    n = at_risk.size
    pools: list[list[int]] = []
    current: list[int] = []
    mass = 0.0
    for i in range(n):
        current.append(i)
        mass += float(at_risk[i])
        if mass >= min_at_risk:
            pools.append(current)
            current, mass = [], 0.0
    if current:
        if pools:
            pools[-1].extend(current)
        else:
            pools.append(current)
    out = np.zeros(n)
    for pool in pools:
        risk = float(at_risk[pool].sum())
        out[pool] = float(exits[pool].sum()) / risk if risk > 0 else 0.0
    return np.clip(out, 0.0, 1.0)
