"""The outflow of participation trajectories to work or education (domain.md section 10a)."""

from __future__ import annotations

import numpy as np
import polars as pl

from regie.engine.indicators.context import Context, attach_flat
from regie.engine.participation import DOMAIN, TOWARDS_WORK


def add_work_or_education_share(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """**outflow to work or education** (uitstroom naar werk of opleiding): of the participation
    trajectories (episodes of the domain ``participatie``) that ended in the period, the share
    whose end reason is ``work`` or ``education``.

    Ended as for outflow: the end lies in the period and its row had arrived by ``as_of``. Null
    for a group and period in which no trajectory ended (care of the other domains has no such
    end reasons). Column ``work_or_education_share``, a fraction between 0 and 1.
    """
    sub = ctx.subject
    participation = (sub["domain"] == DOMAIN).fill_null(False).to_numpy()
    towards = sub["end_reason"].is_in(list(TOWARDS_WORK)).fill_null(False).to_numpy()
    k, inside = ctx.keyed(ctx.e, ctx.ended & participation)
    ended = ctx.count(k[inside])
    done = ctx.count(k[inside & towards])
    with np.errstate(invalid="ignore", divide="ignore"):
        share = done / ended
    return attach_flat(rows, "work_or_education_share", share, ended > 0)
