"""Duration (doorlooptijd) of domain.md section 5: a Kaplan-Meier median per group and period."""

from __future__ import annotations

import numpy as np
import polars as pl

from regie.engine.indicators.context import Context, attach_flat
from regie.engine.indicators.kaplan_meier import km_medians


def add_median_duration(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """**duration** (doorlooptijd): Kaplan-Meier median of end - start in days.

    Over the episodes that overlap the period; an open episode (no stop arrived by the
    reference date ``as_of``) is censored at ``as_of``, i.e. counted as lasting at least
    ``as_of - start`` days. The median is the smallest duration at which the survival estimate
    is at or below 0.5 (:func:`regie.engine.indicators.kaplan_meier.km_median_table`); null
    when it never gets there (too many episodes still open) or when no episode overlaps the
    period. Column ``median_duration_days``.

    Two episodes ended after 30 and 60 days, two are still open after 200 days: S(30) = 3/4,
    S(60) = 3/4 x 2/3 = 1/2, so the median is 60. The closed episodes alone would give 45.

    How: every episode is listed once per period it overlaps (:attr:`Context.exploded`), and
    :func:`~regie.engine.indicators.kaplan_meier.km_medians` takes all groups and periods in
    one pass.
    """
    k, row = ctx.exploded
    # Duration: to the end, or censored at the reference date while open.
    duration = np.where(ctx.ended, ctx.e, ctx.as_of) - ctx.s
    groups, medians, reached = km_medians(k, duration[row], ctx.ended[row])
    out = np.zeros(ctx.size, dtype=np.int64)
    ok = np.zeros(ctx.size, dtype=np.bool_)
    out[groups] = medians
    ok[groups] = reached
    return attach_flat(rows, "median_duration_days", out, ok)
