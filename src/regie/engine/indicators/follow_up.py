"""Step-down (afschaling) and sustainable outflow (duurzame uitstroom) of domain.md section 5.

Both follow an ended episode: what did the same client start next in the same domain, and
when? :func:`follow_ended` answers it once for every episode ended in the span; the two
indicators count from its answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from regie.engine.indicators.context import Context, attach_flat

#: A start at most this many days after the end can be a step-down.
STEP_DOWN_DAYS = 30
#: A start within this many days after the end makes an outflow not sustainable; an outflow
#: counts only with this many days of follow-up before the reference date.
FOLLOW_UP_DAYS = 182

# Stand-in for a missing segment weight of a later episode: it is never the lighter one.
_NO_WEIGHT_LATER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class FollowUp:
    """Per subject episode ended in the span: its ``k``, whether it stepped down, whether the
    client came back within 182 days, and whether it has full follow-up."""

    k: npt.NDArray[np.int64]
    step: npt.NDArray[np.bool_]
    back: npt.NDArray[np.bool_]
    full: npt.NDArray[np.bool_]


def follow_ended(ctx: Context) -> FollowUp:
    """Step-down and re-entry of the subject episodes that ended in the span.

    ``step``: a start of the same client in the same domain, in a segment of lower weight,
    0..30 days after the end. ``back``: another start of the same client in the same domain
    0..182 days after the end. ``full``: the end lies at least 182 days before ``as_of``.
    Both look at every known episode (``ctx.follow``): its starts are sorted by (client and
    domain, start day), and each ended episode finds the starts in its windows by binary
    search (with the ended episodes in key order, so the searches run forward).
    """
    k, ended = ctx.keyed(ctx.e, ctx.ended)
    k, e, s, cd, weight = k[ended], ctx.e[ended], ctx.s[ended], ctx.cd[ended], ctx.weight[ended]
    n = len(e)
    back = np.zeros(n, dtype=np.bool_)
    step = np.zeros(n, dtype=np.bool_)
    follow = ctx.follow.filter(pl.col("_cd").is_not_null())
    if follow.height and n:
        f_start = follow["_s"].to_numpy()
        f_weight = follow["weight"].fill_null(_NO_WEIGHT_LATER).to_numpy()
        base = int(f_start.min())
        width = int(max(f_start.max(), e.max())) - base + FOLLOW_UP_DAYS + 2
        # Client numbers are below 2**32 and there are a few domains; with ``width`` below 2**22
        # (days of some millennia) the keys stay far below 2**63.
        starts = follow["_cd"].to_numpy() * width + (f_start - base)
        order = pl.Series(starts).arg_sort().to_numpy()
        starts, f_weight = starts[order], f_weight[order]
        low = cd * width + (e - base)
        q = pl.Series(low).arg_sort().to_numpy()
        low_q = low[q]
        first = np.searchsorted(starts, low_q, side="left")
        back_n = np.searchsorted(starts, low_q + FOLLOW_UP_DAYS, side="right") - first - (s == e)[q]
        back[q] = back_n > 0
        # The few starts within 30 days: is one of them lighter?
        n30 = np.searchsorted(starts, low_q + STEP_DOWN_DAYS, side="right") - first
        pair = np.repeat(np.arange(n, dtype=np.int64), n30)
        at = first[pair] + np.arange(len(pair), dtype=np.int64) - np.repeat(np.cumsum(n30) - n30, n30)
        lighter = f_weight[at] < weight[q][pair]
        step[q] = np.bincount(pair[lighter], minlength=n) > 0
        known = cd >= 0
        back &= known
        step &= known
    full = e <= ctx.as_of - FOLLOW_UP_DAYS
    return FollowUp(k, step, back, full)


def add_step_down(ctx: Context, rows: pl.DataFrame, follow: FollowUp) -> pl.DataFrame:
    """**step-down** (afschaling): episodes ended in the period that were followed, at most 30
    days after their end, by a start of the same client in a segment of lower weight in the
    same domain (e.g. beschermd wonen -> individuele begeleiding; segment C -> B -> A).

    Counted in the group of the ended episode. "At most 30 days after": the next start lies
    0..30 days after the end date (the same day counts; 31 days does not). The next episode may
    be at any provider and is looked for among all episodes known by ``as_of``, also outside
    the filter ``where``. Column ``step_down``; ``follow`` is :func:`follow_ended` of ``ctx``.
    """
    return attach_flat(rows, "step_down", ctx.count(follow.k[follow.step]))


def add_sustainable_outflow(ctx: Context, rows: pl.DataFrame, follow: FollowUp) -> pl.DataFrame:
    """**sustainable outflow** (duurzame uitstroom): the share of the episodes ended in the
    period after which the same client starts no episode in the same domain within 182 days.

    Only episodes with full follow-up count: ended at least 182 days before the reference date
    ``as_of``. "Within 182 days": another episode of the client in the domain starts 0..182
    days after the end (at any provider, also a step-down). Null when no ended episode has full
    follow-up. Column ``sustainable_outflow_rate``, a fraction between 0 and 1; ``follow`` is
    :func:`follow_ended` of ``ctx``.
    """
    eligible = ctx.count(follow.k[follow.full])
    sustained = ctx.count(follow.k[follow.full & ~follow.back])
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = sustained / eligible
    return attach_flat(rows, "sustainable_outflow_rate", rate, eligible > 0)
