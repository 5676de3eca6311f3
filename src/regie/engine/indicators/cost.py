"""Cost per client (kosten per cliënt) of domain.md section 5: paid amount / clients."""

from __future__ import annotations

import polars as pl

from regie.engine import frames
from regie.engine.indicators.context import Context, attach, null_column
from regie.engine.indicators.counts import add_clients


def payments_in_periods(ctx: Context, payments: pl.DataFrame | None) -> pl.DataFrame | None:
    """The ``payments`` (:data:`regie.engine.frames.PAYMENTS`) of the query's periods, by the
    care ``month``; None without them or when they cannot be grouped or filtered as asked
    (payments are not split by area)."""
    if payments is None or not ctx.applicable(payments):
        return None
    return ctx.in_periods(frames.conform("payments", payments), "month")


def add_cost_per_client(ctx: Context, rows: pl.DataFrame, paid: pl.DataFrame | None) -> pl.DataFrame:
    """**cost per client** (kosten per cliënt): paid amount / clients, in whole euro cents.

    The paid amount is the sum of ``amount_cents`` of ``paid`` (what the funding rules make
    due, :mod:`regie.engine.funding`, computed as of the same date;
    :func:`payments_in_periods`) over the group's rows whose ``month`` lies in the period;
    clients as in :func:`~regie.engine.indicators.counts.add_clients`. Rounded half up to a
    cent. Null when the group has no clients, or without ``paid`` (no payments frame, or the
    grouping or the ``where`` filter cannot be applied to payments: ``area``). Column
    ``cost_per_client_cents``.
    """
    if paid is None:
        return null_column(rows, "cost_per_client_cents")
    if "clients" not in rows.columns:
        rows = add_clients(ctx, rows)
    rows = attach(rows, ctx.join_rows(paid, rows).group_by("_k").agg(pl.col("amount_cents").sum().alias("_paid")))
    n = pl.col("clients")
    total = pl.col("_paid").fill_null(0)
    return rows.with_columns(
        pl.when(n > 0).then((2 * total + n) // (2 * n)).otherwise(None).alias("cost_per_client_cents")
    )
