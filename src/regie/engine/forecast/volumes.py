"""The volumes behind the drivers of the price x volume and outcome forecast.

For the drivers (:func:`~regie.engine.forecast.warning.volume_drivers`) the declared family
needs, per provider of a municipality x segment, the year's volumes in the plan and now:
client-months of the opening stock, new episodes, and their client-months
(:func:`volumes_now`, :func:`volumes_plan`), the share paid in time now and last year at
the same day (:func:`paid_shares`), and a provider's share of the budget
(:func:`provider_budget`). Plain functions over the
:class:`~regie.engine.forecast.context.ForecastContext`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import polars as pl

from regie.engine.forecast.base import cents, same_day_year_before
from regie.engine.forecast.context import ForecastContext, cell_arrays
from regie.engine.forecast.exposure import client_months
from regie.engine.forecast.money import contract_for, paid_share
from regie.engine.forecast.warning import Volumes, volume_drivers
from regie.engine.funding import effective_ceiling, municipality_weights

#: (client-months of the opening stock, new episodes, client-months of the new episodes)
Volume = tuple[float, float, float]


def actual_volumes(context: ForecastContext, municipality: str, segment: str) -> pl.DataFrame:
    """Per provider: client-months this year to date of the opening stock and of new
    episodes, and the new episodes to date."""
    eps = context.stockflow.episodes_.filter((pl.col("municipality") == municipality) & (pl.col("segment") == segment))
    y_first = dt.date(context.year, 1, 1)
    last = min(context.as_of, dt.date(context.year, 12, 31))
    if last < y_first:
        return pl.DataFrame(schema={"provider": pl.Utf8, "old": pl.Float64, "new": pl.Float64, "starts": pl.Float64})
    old = client_months(eps.filter(pl.col("start") < y_first), first=y_first, as_of=last, by=("provider",))
    new = client_months(eps.filter(pl.col("start") >= y_first), first=y_first, as_of=last, by=("provider",))
    starts = (
        eps.filter((pl.col("start") >= y_first) & ~pl.col("transfer"))
        .group_by("provider")
        .agg(pl.len().cast(pl.Float64).alias("starts"))
    )
    a = old.group_by("provider").agg(pl.col("client_months").sum().alias("old"))
    b = new.group_by("provider").agg(pl.col("client_months").sum().alias("new"))
    providers = pl.concat([a.select("provider"), b.select("provider"), starts.select("provider")]).unique()
    return (
        providers.join(a, on="provider", how="left")
        .join(b, on="provider", how="left")
        .join(starts, on="provider", how="left")
        .fill_null(0.0)
    )


def volumes_now(context: ForecastContext, municipality: str, segment: str, cells: Sequence[str]) -> dict[str, Volume]:
    """Per provider: (stock client-months, new episodes, their client-months) in the year:
    to date as known, the rest expected."""
    this, _ = context.year_slices()
    sf = context.stockflow
    horizon = context.horizon
    y_first = dt.date(context.year, 1, 1)
    out: dict[str, Volume] = {}
    actual = {r[0]: r[1:] for r in actual_volumes(context, municipality, segment).iter_rows()}
    expected_all = sf.expected(municipality, segment, horizon)
    expected_old = sf.expected(
        municipality,
        segment,
        horizon,
        inflow=np.zeros(horizon),
        stock=pl.col("start") < y_first,
        nowcast=False,
    )
    all_cm = cell_arrays(expected_all, cells, "client_months")[0, :, this].sum(axis=1)
    all_starts = cell_arrays(expected_all, cells, "starts")[0, :, this].sum(axis=1)
    old_cm = cell_arrays(expected_old, cells, "stock_client_months")[0, :, this].sum(axis=1)
    missing = cell_arrays(expected_all, cells, "missing")[0, :, 0] if horizon > 0 else np.zeros(len(cells))
    for i, p in enumerate(cells):
        a_old, a_new, a_starts = actual.get(p, (0.0, 0.0, 0.0))
        out[p] = (
            float(a_old + old_cm[i]),
            float(a_starts + all_starts[i] + missing[i]),
            float(a_new + all_cm[i] - old_cm[i]),
        )
    return out


def volumes_plan(context: ForecastContext, municipality: str, segment: str, cells: Sequence[str]) -> dict[str, Volume]:
    """Per provider, the plan: the year from the opening stock at last year's rates."""
    sf0 = context.plan_stockflow
    start = max(0, context.first_month - sf0.first_)
    e = sf0.expected(municipality, segment, start + 12)
    span = slice(start, start + 12)
    cm = cell_arrays(e, cells, "client_months")[0, :, span].sum(axis=1)
    stock = cell_arrays(e, cells, "stock_client_months")[0, :, span].sum(axis=1)
    starts = cell_arrays(e, cells, "starts")[0, :, span].sum(axis=1)
    missing = cell_arrays(e, cells, "missing")[0, :, 0]
    return {p: (float(stock[i]), float(starts[i] + missing[i]), float(cm[i] - stock[i])) for i, p in enumerate(cells)}


def paid_shares(
    context: ForecastContext, segment: str, muni: str, *, this_year: bool
) -> dict[str, tuple[float, float]]:
    """Per provider: (declared, due) for care months past their deadline, this year as of
    the as-of date or last year as of the same day then."""
    pay = context.payable.filter((pl.col("segment") == segment) & (pl.col("municipality") == muni))
    if this_year:
        day, first = context.as_of, context.first_month
    else:
        day, first = same_day_year_before(context.as_of), context.first_month - 12
    table = paid_share(pay, care_first=first, care_last=first + 11, as_of=day, by=("provider",))
    return {str(p): (float(d), float(u)) for p, d, u in table.iter_rows()}


def ratio_sum(pairs: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    """The pairs summed element-wise; None without any.

    >>> ratio_sum([(1.0, 2.0), (3.0, 4.0)]), ratio_sum([])
    ((4.0, 6.0), None)
    """
    items = list(pairs)
    if not items:
        return None
    return (sum(a for a, _ in items), sum(b for _, b in items))


def drivers_of(
    plan: Volume,
    now: Volume,
    prior: tuple[float, float, float],
    q_plan: tuple[float, float] | None,
    q_now: tuple[float, float] | None,
    forecast: float,
    budget: int | None,
) -> dict[str, float]:
    """The drivers of a row (:func:`~regie.engine.forecast.warning.volume_drivers`).

    ``prior`` = (last year's money at this year's prices, its client-months, the current
    money per client-month: the plan's rate when last year has no client-months);
    ``q_plan``, ``q_now`` = (declared, due) from :func:`paid_shares`.
    """
    if budget is None:
        return {}
    prior_money, prior_months, current_rate = prior
    q0 = q_plan[1] / q_plan[0] if q_plan and q_plan[0] > 0 else 1.0
    q1 = q_now[1] / q_now[0] if q_now and q_now[0] > 0 else q0
    q0 = q0 if q0 > 0 else 1.0
    q1 = q1 if q1 > 0 else q0
    rate0 = prior_money / prior_months if prior_months > 0 else current_rate
    p = Volumes(plan[0], plan[1], plan[2], rate0 / q0, q0)
    n = Volumes(now[0], now[1], now[2], 0.0, q1)
    return volume_drivers(p, n, forecast, float(budget))


def provider_budget(
    context: ForecastContext,
    segment: str,
    muni: str,
    provider: str,
    budget: int | None,
    prior_money: dict[tuple[str, str], float],
    total_prior: float,
) -> int | None:
    """A provider's share of the budget: its contract's ceiling when it has one, else the
    group budget in proportion to its spending last year."""
    contract = contract_for(context.catalog, segment, muni, provider, context.year, context.as_of)
    if contract is not None and contract.ceiling > 0:
        ceiling = effective_ceiling(contract, context.reallocations, context.as_of)
        weights = municipality_weights(context.catalog, contract, context.year)
        total = sum(weights.values())
        share = weights.get(muni, 0) / total if total > 0 else 1.0 / len(contract.municipalities)
        return cents(ceiling * share)
    if budget is None or total_prior <= 0:
        return None
    return cents(budget * prior_money.get((muni, provider), 0.0) / total_prior)
