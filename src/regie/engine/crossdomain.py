"""The client across domains (domain.md section 10a): youth care, Wmo and participation together.

For the municipality only, over pseudonymised clients (the ``client`` column of the episodes
frame, never a BSN). The definitions (ADR 0025):

- An **arrangement** is an episode of :data:`regie.engine.frames.EPISODES` in one of the
  :data:`DOMAINS`: a Jeugdwet or Wmo care episode, or a participation trajectory brought into
  the same frame. It is known "as of" a date exactly as the indicators know it
  (:func:`regie.engine.indicators.prepare_episodes`: only what had arrived, open while no stop
  had arrived or the stop lies after the date). Its **days** are ``start`` up to and including
  ``end`` (the care stop's end date is the last day of care), up to and including the as-of
  date while it is open: the half-open span ``[start, end + 1 day)``.
- A client **uses a domain** in a period (a half-open :class:`~regie.engine.calendar.Span`,
  cut off after the as-of date) when at least one of the client's arrangements in that domain
  shares a day with it: the same rule as the **clients** indicator, so the users of one domain
  are that domain's clients.
- The client's **combination** is the set of domains used; every client has exactly one, and
  the number of domains in it (one, two or three) gives :data:`CrossDomain.by_count`.
- Two arrangements **overlap** when they are in *different* domains and share at least one day
  inside the period. Per pair of segments: the clients with an overlap and the **days of
  overlap**, per client the days inside the period on which the client had an arrangement in
  both segments (arrangements of one segment are merged first, so a day counts once), added
  over the clients. The same per pair of domains. Two arrangements in one domain (a step-down,
  two youth segments at once) are not a cross-domain overlap.
- A client's **cost in a domain** is the sum, over the (provider, segment, municipality)
  groups of that domain the client was in during the period, of the group's **cost per
  client** as the indicators compute it (:func:`regie.engine.indicators.cost_per_client`: what
  the funding rules make due for the group's care months in the period / the group's clients).
  A group's payments are so shared equally over its clients; the client's **cost across
  domains** is the sum over its domains. Without a payments frame every cost is null.

Pure functions over polars frames; :func:`cross_domain` returns the aggregate document the
pages, the council report and the API show, :func:`clients_across_domains` the per-client rows
it is made from (pseudonyms; never for a provider or the council).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import polars as pl

from regie.engine.calendar import ONE_DAY, Span
from regie.engine.indicators import Query, cost_per_client, prepare_episodes

#: The domains in the order they are shown (domain.md section 3).
DOMAINS = ("jeugd", "wmo", "participatie")
#: The groups a client's cost is taken from (payments are per contract and municipality).
COST_GROUP = ("provider", "segment", "municipality")


def combination_key(domains: Iterable[str]) -> str:
    """The name of a set of domains, in :data:`DOMAINS` order, joined by ``+``.

    >>> combination_key(["participatie", "jeugd"])
    'jeugd+participatie'
    """
    chosen = set(domains)
    return "+".join(d for d in DOMAINS if d in chosen)


def all_combinations(domains: Sequence[str]) -> list[tuple[str, ...]]:
    """Every non-empty set of ``domains``, by size, then in :data:`DOMAINS` order.

    >>> all_combinations(["jeugd", "wmo"])
    [('jeugd',), ('wmo',), ('jeugd', 'wmo')]
    """
    ordered = [d for d in DOMAINS if d in set(domains)]
    return [c for n in range(1, len(ordered) + 1) for c in combinations(ordered, n)]


def effective(period: Span, as_of: dt.date) -> Span:
    """The part of ``period`` that is known as of ``as_of``: cut off after that day (empty
    when the period starts later)."""
    return Span(period.start, max(period.start, min(period.end, as_of + ONE_DAY)))


def arrangements(episodes: pl.DataFrame, period: Span, as_of: dt.date) -> pl.DataFrame:
    """The arrangements of :data:`DOMAINS` known on ``as_of`` that share a day with ``period``,
    with their days cut to the period: ``client, domain, segment, provider, municipality`` and
    ``s``/``e``, the half-open span in epoch days."""
    span = effective(period, as_of)
    first, end = pl.lit(span.start).cast(pl.Int32), pl.lit(span.end).cast(pl.Int32)
    known = prepare_episodes(episodes, as_of).filter(pl.col("domain").is_in(DOMAINS) & pl.col("client").is_not_null())
    last = (pl.col("end").cast(pl.Int32) + 1).fill_null(pl.lit(as_of + ONE_DAY).cast(pl.Int32))
    cut = known.select(
        "client",
        "domain",
        "segment",
        "provider",
        "municipality",
        pl.max_horizontal(pl.col("start").cast(pl.Int32), first).alias("s"),
        pl.min_horizontal(last, end).alias("e"),
    )
    return cut.filter(pl.col("s") < pl.col("e"))


def _merged(arr: pl.DataFrame, key: str) -> pl.DataFrame:
    """The days of each client in each ``key`` (segment or domain) as disjoint spans."""
    group = list(dict.fromkeys(["client", key, "domain"]))
    df = arr.select(*group, "s", "e").unique().sort([*group, "s", "e"])
    reach = pl.col("e").cum_max().shift(1).over(group)
    df = df.with_columns((pl.col("s") > reach).fill_null(True).cum_sum().over(group).alias("_run"))
    return df.group_by([*group, "_run"]).agg(pl.col("s").min(), pl.col("e").max()).drop("_run")


def _order(col: str) -> pl.Expr:
    return pl.col(col).replace_strict(list(DOMAINS), list(range(len(DOMAINS))), return_dtype=pl.Int64)


def overlap_days(arr: pl.DataFrame, key: str) -> pl.DataFrame:
    """Per client and pair of ``key`` values (``segment`` or ``domain``) in different domains:
    the days on which the client had an arrangement in both (only pairs with at least one).
    Columns ``client, domain_a, <key>_a, domain_b, <key>_b, days``; ``a`` is the earlier domain
    of :data:`DOMAINS`."""
    merged = _merged(arr, key)
    a, b = ({c: f"{c}_{x}" for c in dict.fromkeys([key, "domain", "s", "e"])} for x in "ab")
    pairs = merged.rename(a).join(merged.rename(b), on="client").filter(_order("domain_a") < _order("domain_b"))
    days = (pl.min_horizontal("e_a", "e_b") - pl.max_horizontal("s_a", "s_b")).clip(lower_bound=0)
    cols = list(dict.fromkeys(["client", "domain_a", f"{key}_a", "domain_b", f"{key}_b"]))
    out = pairs.with_columns(days.cast(pl.Int64).alias("days")).group_by(cols).agg(pl.col("days").sum())
    return out.filter(pl.col("days") > 0)


def client_costs(
    episodes: pl.DataFrame, arr: pl.DataFrame, period: Span, as_of: dt.date, payments: pl.DataFrame | None
) -> pl.DataFrame:
    """Per client and domain, ``cost_cents``: the cost per client of each (provider, segment,
    municipality) group the client was in (:func:`regie.engine.indicators.cost_per_client` over
    the same period and date), added up; null without ``payments``."""
    pairs = arr.select("client", "domain", *COST_GROUP).unique()
    if payments is None or effective(period, as_of).days == 0:
        costs = pairs.with_columns(pl.lit(None, dtype=pl.Int64).alias("cost_per_client_cents"))
    else:
        query = Query(period.start, period.end, as_of, COST_GROUP)
        cpc = cost_per_client(episodes, query, payments=payments)
        costs = pairs.join(cpc, on=list(COST_GROUP), how="left", nulls_equal=True)
    return costs.group_by("client", "domain").agg(
        pl.when(pl.col("cost_per_client_cents").null_count() > 0)
        .then(None)
        .otherwise(pl.col("cost_per_client_cents").sum())
        .first()
        .alias("cost_cents")
    )


def clients_across_domains(
    episodes: pl.DataFrame, *, period: Span, as_of: dt.date, payments: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One row per client (pseudonym) that uses a domain in ``period`` as of ``as_of``:
    ``client``, ``combination`` (:func:`combination_key`), ``domains`` (how many), per domain
    ``<domain>_cents`` (the client's cost there, null where the client does not use it or
    without ``payments``) and ``total_cents`` (the cost across domains), sorted by client.

    Client-level data: for the municipality's own computations only."""
    arr = arrangements(episodes, period, as_of)
    costs = client_costs(episodes, arr, period, as_of, payments)
    wide = costs.pivot(on="domain", index="client", values="cost_cents") if costs.height else costs.select("client")
    used = arr.group_by("client").agg(pl.col("domain").unique().sort().alias("_d"))
    out = used.join(wide, on="client", how="left").with_columns(
        pl.col("_d").map_elements(combination_key, return_dtype=pl.Utf8).alias("combination"),
        pl.col("_d").list.len().cast(pl.Int64).alias("domains"),
    )
    for d in DOMAINS:
        if d not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=pl.Int64).alias(d))
    have_cost = pl.lit(payments is not None)
    total = pl.when(have_cost).then(pl.sum_horizontal(*(pl.col(d) for d in DOMAINS))).otherwise(None)
    return out.select(
        "client",
        "combination",
        "domains",
        *(pl.col(d).cast(pl.Int64).alias(f"{d}_cents") for d in DOMAINS),
        total.cast(pl.Int64).alias("total_cents"),
    ).sort("client")


def per_client(total: int | None, n: int) -> int | None:
    """``total / n`` rounded half up to a whole cent, as cost per client rounds; None without
    clients or total.

    >>> per_client(9001, 2), per_client(None, 3), per_client(5, 0)
    (4501, None, None)
    """
    if total is None or n == 0:
        return None
    return (2 * total + n) // (2 * n)


@dataclass(frozen=True)
class CrossDomain:
    """The aggregate figures of the client across domains over one period (see the module
    docstring). No client-level data: safe for the council's aggregate report."""

    period: Span
    as_of: dt.date
    domains: tuple[str, ...]
    clients: int
    by_count: dict[int, int]
    combinations: list[dict[str, Any]]
    overlaps: list[dict[str, Any]]
    domain_overlaps: list[dict[str, Any]]
    overlap_clients: int

    def document(self) -> dict[str, Any]:
        """JSON-able: the period inclusive (``start``, ``last``), as users read it."""
        return {
            "start": self.period.start.isoformat(),
            "last": self.period.last.isoformat(),
            "as_of": self.as_of.isoformat(),
            "domains": list(self.domains),
            "clients": self.clients,
            "by_count": {str(k): v for k, v in self.by_count.items()},
            "combinations": self.combinations,
            "overlaps": self.overlaps,
            "domain_overlaps": self.domain_overlaps,
            "overlap_clients": self.overlap_clients,
        }


def _combination_rows(rows: pl.DataFrame, domains: Sequence[str], costed: bool) -> list[dict[str, Any]]:
    """Per combination of ``domains`` (every one, also those without clients): clients, their
    cost across domains (total and per client) and per domain the cost per client."""
    out = []
    for combo in all_combinations(domains):
        mine = rows.filter(pl.col("combination") == combination_key(combo))
        n = mine.height
        total = int(mine["total_cents"].sum()) if costed else None
        row: dict[str, Any] = {
            "combination": combination_key(combo),
            "domains": list(combo),
            "clients": n,
            "total_cents": total,
            "cost_per_client_cents": per_client(total, n),
        }
        for d in DOMAINS:
            row[f"{d}_per_client_cents"] = (
                per_client(int(mine[f"{d}_cents"].sum()), n) if costed and d in combo else None
            )
        out.append(row)
    return out


def _overlap_rows(per_client_days: pl.DataFrame, key: str) -> list[dict[str, Any]]:
    cols = list(dict.fromkeys(["domain_a", f"{key}_a", "domain_b", f"{key}_b"]))
    grouped = per_client_days.group_by(cols).agg(
        pl.col("client").n_unique().cast(pl.Int64).alias("clients"), pl.col("days").sum().cast(pl.Int64)
    )
    rows = grouped.with_columns(_order("domain_a").alias("_a"), _order("domain_b").alias("_b"))
    return rows.sort(["_a", "_b", *cols]).drop("_a", "_b").to_dicts()


def cross_domain(
    episodes: pl.DataFrame,
    *,
    period: Span,
    as_of: dt.date,
    payments: pl.DataFrame | None = None,
    domains: Sequence[str] | None = None,
) -> CrossDomain:
    """The client across domains over ``period`` as of ``as_of`` (see the module docstring).

    ``domains`` are the domains the combinations table lists besides those the clients use
    (e.g. the catalog's, so a domain without clients shows its zeros); ``payments`` the frame of
    :data:`regie.engine.frames.PAYMENTS` (what the funding rules make due) for the costs.
    """
    rows = clients_across_domains(episodes, period=period, as_of=as_of, payments=payments)
    used = {d for combo in rows["combination"].unique().to_list() for d in combo.split("+")}
    domains = tuple(d for d in DOMAINS if d in used | set(domains or ()))
    arr = arrangements(episodes, period, as_of)
    by_segment = overlap_days(arr, "segment")
    by_domain = overlap_days(arr, "domain")
    counts = {n: int(rows.filter(pl.col("domains") == n).height) for n in range(1, len(DOMAINS) + 1)}
    return CrossDomain(
        period=period,
        as_of=as_of,
        domains=domains,
        clients=rows.height,
        by_count=counts,
        combinations=_combination_rows(rows, domains, payments is not None),
        overlaps=_overlap_rows(by_segment, "segment"),
        domain_overlaps=_overlap_rows(by_domain, "domain"),
        overlap_clients=int(by_domain["client"].n_unique()),
    )
