"""Objections and appeals (bezwaren en beroepen) of domain.md section 5: how many, and the share upheld."""

from __future__ import annotations

import polars as pl

from regie.engine import frames
from regie.engine.indicators.context import Context, attach, null_column


def objections_in_periods(ctx: Context, objections: pl.DataFrame | None) -> pl.DataFrame | None:
    """The ``objections`` (:data:`regie.engine.frames.OBJECTIONS`) known by ``as_of`` and filed
    in the query's periods; None without them or when they cannot be grouped or filtered as
    asked (objections have no area)."""
    if objections is None or not ctx.applicable(objections):
        return None
    known = frames.as_of(frames.conform("objections", objections), "objections", ctx.query.as_of)
    return ctx.in_periods(known, "filed")


def add_objections(ctx: Context, rows: pl.DataFrame, filed: pl.DataFrame | None) -> pl.DataFrame:
    """**objections** (bezwaren en beroepen): the number of objections and appeals filed in the
    period, and the share upheld (gegrond) among those of them decided by ``as_of``.

    Counted in the group of the objection's own municipality, segment and provider (an
    objection without a provider forms the null-provider group). Columns ``objections`` (null
    without ``filed``: no objections frame, or grouped or filtered by area, as objections have
    no area; :func:`objections_in_periods`) and ``objections_upheld_share`` (null when none is
    decided).
    """
    if filed is None:
        return null_column(null_column(rows, "objections"), "objections_upheld_share")
    decided = pl.col("decided").is_not_null() & (pl.col("decided") <= ctx.query.as_of) & pl.col("upheld").is_not_null()
    counted = (
        ctx.join_rows(filed, rows)
        .group_by("_k")
        .agg(pl.len().alias("objections"), pl.col("upheld").filter(decided).mean().alias("objections_upheld_share"))
    )
    return attach(rows, counted).with_columns(pl.col("objections").fill_null(0))
