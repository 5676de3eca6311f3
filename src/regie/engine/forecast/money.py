"""From care to money: what the funding rules make of forecast volumes (definitions).

The forecast counts care in client-months (models paid on declarations) or in clients
(models paid per client, and the real care cost of a lump sum). These functions turn the
data into the quantities the funding rules pay on, using the rules of
:mod:`regie.engine.funding` rather than restating them:

- :func:`counted_clients`: the clients a per-client contract pays for, as of a date;
- :func:`client_ratios`: how the clients known on a day turn into the clients counted at
  year end, learnt on an earlier year at the same point of that year;
- :func:`price_index`: how contract prices moved between two years;
- :func:`paid_share`: the share of declared care that arrived in time;
- :func:`client_cost_spread`: how much the cost per client-month differs between clients.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from regie.engine.catalog import Catalog, Contract, declaration_deadline
from regie.engine.forecast.base import GROUP, month_end, month_index, month_of, same_day_year_before
from regie.engine.forecast.exposure import client_months, episodes_as_of
from regie.engine.forecast.ibnr import match_contracts
from regie.engine.funding.positions import positions


def counted_clients(
    catalog: Catalog, declarations: pl.DataFrame, *, year: int, as_of: dt.date, table: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The clients that count for the per-client settlement, as known on ``as_of``.

    domain.md section 4, model 3: "realised unique clients are the distinct clients with at
    least one accepted declaration line for a care month of the year that arrived in time".
    A declared position counts when it stands (not credited away) and its claim arrived by
    its contract's deadline (:mod:`regie.engine.funding.positions`). Columns:
    municipality, segment, provider, contract, client (distinct). ``table`` may pass
    ``positions(declarations, as_of=as_of)`` when it is at hand.
    """
    if table is None:
        table = positions(declarations, as_of=as_of)
    table = table.filter(
        (pl.col("care_month") >= dt.date(year, 1, 1))
        & (pl.col("care_month") <= dt.date(year, 12, 1))
        & (pl.col("debits") > pl.col("credits"))
    )
    table = match_contracts(catalog, table)
    late = pl.col("deadline").is_not_null() & (pl.col("amount_cents") >= 0) & (pl.col("arrival") > pl.col("deadline"))
    return (
        table.filter(pl.col("contract").is_not_null() & ~late)
        .select("municipality", "segment", "provider", "contract", "client")
        .unique()
        .sort("municipality", "segment", "provider", "contract", "client")
    )


def episode_clients(episodes: pl.DataFrame, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Distinct (municipality, segment, provider, client) with an episode overlapping ``first..last``.

    ``episodes`` from :func:`~regie.engine.forecast.stockflow.episodes_as_of`.
    """
    return (
        episodes.filter((pl.col("start") <= last) & (pl.col("end").is_null() | (pl.col("end") >= first)))
        .select("municipality", "segment", "provider", "client")
        .unique()
    )


@dataclass(frozen=True)
class ClientRatios:
    """How known clients become counted clients, for one municipality x segment.

    Learnt on a reference year R at the same day of that year as the as-of date (so with
    the same delays in the data):

    - ``pending``: of the clients in care in R up to that day but not yet counted, the
      share that was counted at the end;
    - ``per_start``: counted clients that were neither counted nor in care by that day,
      per episode that started after it (new clients, per new episode);
    - ``stock``: of the clients in care on 1 January of R, the share that was counted;
    - ``per_start_year``: counted clients not in care on 1 January, per episode started in R;
    - ``new_clients``: those counted clients of R not in care on 1 January (the plan's new
      clients);
    - ``episode_new_per_start``: clients in care after that day who were not in care
      before it, per episode started after it (for the real care cost of a lump sum);
    - ``episode_new_clients``: clients in care in R who were not in care on 1 January;
    - ``pending_n``, ``per_start_n``: the counts the first two ratios rest on (their
      pending clients; the new counted clients), for the ratios' uncertainty.
    """

    pending: float = 1.0
    per_start: float = 1.0
    stock: float = 1.0
    per_start_year: float = 1.0
    new_clients: float = 0.0
    episode_new_per_start: float = 1.0
    episode_new_clients: float = 0.0
    pending_n: float = 0.0
    per_start_n: float = 0.0


def reference_year(year: int, as_of: dt.date) -> int:
    """The latest year before ``year`` whose in-time declarations had all arrived by ``as_of``.

    >>> reference_year(2025, dt.date(2025, 3, 31)), reference_year(2025, dt.date(2025, 1, 31))
    (2024, 2023)
    """
    r = year - 1
    while r > year - 5:
        deadline = declaration_deadline(dt.date(r, 12, 1))
        if deadline is not None and deadline <= as_of:
            return r
        r -= 1
    return r


def shift_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved back ``years`` years (28 February for a 29 February)."""
    for _ in range(years):
        day = same_day_year_before(day)
    return day


def client_ratios(
    catalog: Catalog,
    episodes: pl.DataFrame,
    declarations: pl.DataFrame,
    *,
    year: int,
    as_of: dt.date,
    levels: Sequence[Sequence[str]] = (GROUP,),
    table: pl.DataFrame | None = None,
) -> list[dict[tuple[str, ...], ClientRatios]]:
    """The :class:`ClientRatios` per group, for each level of grouping in ``levels``
    (e.g. municipality x segment, and with the provider), learnt on the reference year.

    ``episodes`` and ``declarations`` are the raw frames (with arrivals); everything is
    seen as of ``as_of`` and, for the reference year, as of the same day of that year.
    ``table`` may pass ``positions(declarations, as_of=as_of)`` when it is at hand.

    Longer than 80 lines on purpose: the ratios of every level are counted from the same
    client sets of the reference year (counted, in care, pending, new), built once here.
    """
    r = reference_year(year, as_of)
    back = shift_years(as_of, year - r)
    if back > dt.date(r, 12, 31):
        back = dt.date(r, 12, 31)
    cell = ["municipality", "segment", "provider", "client"]
    eps_now = episodes_as_of(episodes, as_of)
    eps_then = episodes_as_of(episodes, back)
    final = counted_clients(catalog, declarations, year=r, as_of=as_of, table=table).select(cell).unique()
    known = counted_clients(catalog, declarations, year=r, as_of=back).select(cell).unique()
    in_care_then = episode_clients(eps_then, dt.date(r, 1, 1), back)
    in_care_year = episode_clients(eps_now, dt.date(r, 1, 1), dt.date(r, 12, 31))
    opening = (
        eps_now.filter(
            (pl.col("start") < dt.date(r, 1, 1)) & (pl.col("end").is_null() | (pl.col("end") >= dt.date(r, 1, 1)))
        )
        .select(cell)
        .unique()
    )
    new_starts = eps_now.filter(
        ~pl.col("transfer") & (pl.col("start") > back) & (pl.col("start") <= dt.date(r, 12, 31))
    )
    year_starts = eps_now.filter(
        ~pl.col("transfer") & (pl.col("start") >= dt.date(r, 1, 1)) & (pl.col("start") <= dt.date(r, 12, 31))
    )
    after = episode_clients(new_starts, back, dt.date(r, 12, 31))
    out: list[dict[tuple[str, ...], ClientRatios]] = []
    for level in levels:
        keys = list(level)
        on = [*keys, "client"]

        def count(df: pl.DataFrame, keys: list[str] = keys) -> dict[tuple[str, ...], int]:
            rows = df.group_by(keys).agg(pl.len()).iter_rows()
            return {tuple(str(v) for v in row[:-1]): int(row[-1]) for row in rows}

        def level_of(df: pl.DataFrame, on: list[str] = on) -> pl.DataFrame:
            return df.select(on).unique()

        f, k, then = level_of(final), level_of(known), level_of(in_care_then)
        op, yr, af = level_of(opening), level_of(in_care_year), level_of(after)
        pending = then.join(k, on=on, how="anti")
        n_pending = count(pending)
        n_pending_counted = count(pending.join(f, on=on, how="semi"))
        seen = pl.concat([k, then]).unique()
        n_others = count(f.join(seen, on=on, how="anti"))
        n_starts = count(new_starts.select(keys))
        n_year_starts = count(year_starts.select(keys))
        n_opening = count(op)
        n_opening_counted = count(op.join(f, on=on, how="semi"))
        n_new_counted = count(f.join(op, on=on, how="anti"))
        n_after_new = count(af.join(then, on=on, how="anti"))
        n_episode_new = count(yr.join(op, on=on, how="anti"))

        def ratio(num: dict[tuple[str, ...], int], den: dict[tuple[str, ...], int], g: tuple[str, ...]) -> float:
            d = den.get(g, 0)
            return num.get(g, 0) / d if d > 0 else 1.0

        groups = set(n_pending) | set(n_starts) | set(n_opening) | set(n_new_counted) | set(n_episode_new)
        out.append(
            {
                g: ClientRatios(
                    pending=ratio(n_pending_counted, n_pending, g),
                    per_start=ratio(n_others, n_starts, g),
                    stock=ratio(n_opening_counted, n_opening, g),
                    per_start_year=ratio(n_new_counted, n_year_starts, g),
                    new_clients=float(n_new_counted.get(g, 0)),
                    episode_new_per_start=ratio(n_after_new, n_starts, g),
                    episode_new_clients=float(n_episode_new.get(g, 0)),
                    pending_n=float(n_pending.get(g, 0)),
                    per_start_n=float(n_others.get(g, 0)),
                )
                for g in sorted(groups)
            }
        )
    return out


def price_index(catalog: Catalog, segment: str, from_year: int, to_year: int) -> float:
    """How the tariffs of ``segment`` moved from ``from_year`` to ``to_year``.

    The geometric mean, over the providers with a contract in both years and the products
    both contracts price, of tariff(to) / tariff(from); 1 when there is nothing to compare.

    >>> from regie.engine.catalog import Segment
    >>> a = Contract("a", "12345678", "S", ("0983",), dt.date(2024, 1, 1), dt.date(2024, 12, 31), tariffs={"45A01": 100})
    >>> b = Contract("b", "12345678", "S", ("0983",), dt.date(2025, 1, 1), dt.date(2025, 12, 31), tariffs={"45A01": 103})
    >>> cat = Catalog("r", (), (Segment("S", "s", "jeugd", "pxq", 1, 0, ("45",)),), (), (a, b), ())
    >>> round(price_index(cat, "S", 2024, 2025), 4)
    1.03
    """
    if from_year == to_year:
        return 1.0
    ratios: list[float] = []
    mine = [c for c in catalog.contracts if c.segment == segment]
    for old in (c for c in mine if c.active_in(from_year)):
        for new in (c for c in mine if c.active_in(to_year) and c.provider == old.provider):
            for product, tariff in sorted(old.tariffs.items()):
                if product in new.tariffs and tariff > 0:
                    ratios.append(new.tariffs[product] / tariff)
            if old.price_per_client > 0 and new.price_per_client > 0:
                ratios.append(new.price_per_client / old.price_per_client)
    if not ratios:
        return 1.0
    return float(np.exp(np.mean(np.log(ratios))))


def paid_share(
    rows: pl.DataFrame, *, care_first: int, care_last: int, as_of: dt.date, by: Sequence[str]
) -> pl.DataFrame:
    """Share of declared care paid (due / declared) for care months whose deadline has passed.

    ``rows`` from :func:`~regie.engine.forecast.ibnr.payable_rows`; only rows arrived by
    ``as_of`` and care months (indices) ``care_first..care_last`` whose deadline lies on or
    before ``as_of`` count, so two years compared on the same day of the year are compared
    at the same maturity. Columns: ``by``, ``declared``, ``due``.
    """
    part = rows.filter(
        (pl.col("care_m") >= care_first)
        & (pl.col("care_m") <= care_last)
        & (pl.col("arrival") <= as_of)
        & (pl.col("deadline").is_null() | (pl.col("deadline") <= as_of))
    )
    return part.group_by(list(by)).agg(
        pl.col("amount_cents").sum().cast(pl.Float64).alias("declared"),
        pl.col("due_cents").sum().cast(pl.Float64).alias("due"),
    )


def client_cost_spread(rows: pl.DataFrame, episodes: pl.DataFrame, *, first: int, last: int, as_of: dt.date) -> float:
    """How much the cost per client-month differs between clients: the coefficient of
    variation, weighted by client-months, of each client's money due / client-months over the
    care months ``first..last`` (month indices). Clients with less than a month of care are
    left out (their partial months say little). 0 without data.

    ``rows`` from :func:`~regie.engine.forecast.ibnr.payable_rows`, ``episodes`` from
    :func:`~regie.engine.forecast.stockflow.episodes_as_of`, both of one segment.
    """
    from_day = month_of(first)
    months = client_months(episodes, first=from_day, as_of=min(as_of, month_end(last)), by=("client",))
    care = months.filter(pl.col("month") <= last).group_by("client").agg(pl.col("client_months").sum().alias("cm"))
    due = (
        rows.filter((pl.col("care_m") >= first) & (pl.col("care_m") <= last))
        .group_by("client")
        .agg(pl.col("due_cents").sum().cast(pl.Float64).alias("due"))
    )
    both = care.join(due, on="client", how="inner").filter(pl.col("cm") >= 1.0)
    if both.height < 2:
        return 0.0
    cm = both["cm"].to_numpy()
    rate = both["due"].to_numpy() / cm
    mean = float(np.average(rate, weights=cm))
    if mean <= 0:
        return 0.0
    return float(np.sqrt(np.average((rate - mean) ** 2, weights=cm)) / mean)


def contract_for(
    catalog: Catalog, segment: str, municipality: str, provider: str, year: int, as_of: dt.date
) -> Contract | None:
    """The provider's contract for a segment and municipality in ``year``.

    When several run in the year, the one running in the as-of month (or the last one).
    """
    found = sorted(
        (
            c
            for c in catalog.contracts
            if c.segment == segment
            and c.provider == provider
            and municipality in c.municipalities
            and c.active_in(year)
        ),
        key=lambda c: (c.start, c.id),
    )
    if not found:
        return None
    month = month_index(as_of)
    running = [c for c in found if month_index(c.start) <= month <= month_index(c.end)]
    return (running or found)[-1]
