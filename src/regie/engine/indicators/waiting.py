"""Waiting time (wachttijd) of domain.md section 5: from the request to the start of care."""

from __future__ import annotations

import numpy as np
import polars as pl

from regie.engine import frames
from regie.engine.catalog.model import WAITING_NORM_DAYS
from regie.engine.indicators.context import Context, attach


def add_waiting_time(ctx: Context, rows: pl.DataFrame, requests: pl.DataFrame | None, norm_days: int) -> pl.DataFrame:
    """**waiting time** (wachttijd): days from the request to the start of care, for the
    episodes starting in the period: the median and the share within the norm (default 42 days).

    The request is the episode's ``request_date`` (the registration on the shared waiting list,
    or the arrival of the provider's request for allocation, 315); when that is empty, the
    latest request in ``requests`` (:data:`regie.engine.frames.REQUESTS`) of the same client
    and segment registered on or before the start (and arrived by ``as_of``) that was not
    refused by then (a 319 refusing it had not arrived by ``as_of``): a refused request does not
    wait. Episodes without
    a request have no waiting time, nor do those whose request lies after the start; a group
    without any has nulls. Columns ``waiting_median_days`` (the median; the mean of the two
    middle values for an even count) and ``waiting_within_norm_share`` (waits of at most
    ``norm_days`` days / all waits).
    """
    k, inside = ctx.keyed(ctx.s, np.ones(len(ctx.s), dtype=np.bool_))
    starts = (
        ctx.subject.select("client", "segment", "start", "request_date")
        .with_columns(pl.Series("_k", k))
        .with_row_index("_r")
        .filter(pl.Series(inside))
    )
    if requests is not None:
        req = frames.as_of(frames.conform("requests", requests), "requests", ctx.query.as_of)
        refused = (pl.col("outcome") == "refused") & (pl.col("answered") <= ctx.query.as_of)
        req = req.filter(
            pl.col("registered").is_not_null() & pl.col("client").is_not_null() & ~refused.fill_null(False)
        )
        req = req.select("client", "segment", pl.col("registered").alias("_reg")).unique().sort("_reg")
        need = starts.filter(pl.col("request_date").is_null()).sort("start")
        found = need.join_asof(
            req, left_on="start", right_on="_reg", by=["client", "segment"], strategy="backward", check_sortedness=False
        )
        starts = starts.join(found.select("_r", "_reg"), on="_r", how="left").with_columns(
            pl.coalesce("request_date", "_reg").alias("request_date")
        )
    wait = (pl.col("start") - pl.col("request_date")).dt.total_days()
    waits = starts.select("_k", wait.alias("_w")).filter(pl.col("_w").is_not_null() & (pl.col("_w") >= 0))
    return attach(
        rows,
        waits.group_by("_k").agg(
            pl.col("_w").median().alias("waiting_median_days"),
            (pl.col("_w") <= norm_days).mean().alias("waiting_within_norm_share"),
        ),
    )


__all__ = ["WAITING_NORM_DAYS", "add_waiting_time"]
