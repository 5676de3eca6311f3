"""Participation (Participatiewet): trajectories read as care episodes (domain.md section 10a).

A participation trajectory is one module for a client at a provider, from the municipality's
register (CSV kind ``trajectories``, docs/csv-formats.md). It is an episode of the domain
``participatie``: keyed by client, provider, module and start (as a task-based episode), its
start and end those of the trajectory, its product code the module. So every indicator of
domain.md section 5 (clients, inflow, outflow, duration, sustainable outflow within the
domain: no new trajectory within 182 days, cost per client) counts trajectories as it counts
care, and the client across domains sees them beside youth care and Wmo.

A trajectory is funded per module under the outcome rules of domain.md section 4 (the
segment's ``funding_model = "outcome"``, the contract's tariff per module, its
``instalments``): the trajectory is the arrangement, and :func:`as_declarations` gives it the
declared positions an arrangement has, one per calendar month it runs, worth that month's
instalment, so the one outcome rule (:func:`regie.engine.funding.outcome_lines` in the ledger;
the forecast's IBNR and cost per client-month) pays it. Its validity is start .. end; while it
runs on, its first :data:`PLANNED_MONTHS` calendar months: monthly instalments of the tariff /
12, and when it ends the rest of the tariff in the month it ends (:func:`completed`; never more
than the tariff in all). ``instalments = "at_once"`` pays the tariff in the month it starts.

Pure core: polars frames in and out, no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import polars as pl

from regie.engine import frames
from regie.engine.calendar import ONE_DAY, add_months, month_start, next_month
from regie.engine.catalog import Catalog, Contract
from regie.engine.catalog.model import MODULE
from regie.engine.consortia import consortium_of, member_map
from regie.engine.funding.base import spread
from regie.engine.funding.declared import arrangement_months

DOMAIN = "participatie"

#: Why a trajectory ended; ``work`` and ``education`` are the outflow the Participatiewet aims at.
END_REASONS = ("work", "education", "care", "other")
TOWARDS_WORK = ("work", "education")


#: The months a running trajectory's tariff is spread over until its end is known.
PLANNED_MONTHS = 12


def trajectory_key(trajectories: pl.DataFrame) -> pl.Expr:
    """The episode id of a trajectory: ``client|provider|module|start`` (a task-based episode's shape)."""
    return pl.concat_str(
        [pl.col("client"), pl.col("provider"), pl.col("module"), pl.col("start").cast(pl.Utf8)], separator="|"
    )


def as_episodes(trajectories: pl.DataFrame, weights: Mapping[str, int]) -> pl.DataFrame:
    """The trajectories as rows of :data:`regie.engine.frames.EPISODES`.

    ``weights`` maps a segment code to its weight (segments not in it weigh 1). The module is
    the product code; a trajectory has no product category, allocation, area or request.

    >>> import datetime as dt
    >>> t = frames.frame("trajectories", [{"client": "c", "provider": "12345678", "segment": "P",
    ...     "municipality": "0983", "module": "WERKFIT", "start": dt.date(2025, 2, 3),
    ...     "start_arrival": dt.date(2025, 2, 10)}])
    >>> as_episodes(t, {"P": 1}).select("episode_id", "domain", "product_code").row(0)
    ('c|12345678|WERKFIT|2025-02-03', 'participatie', 'WERKFIT')
    """
    weight = pl.col("segment").replace_strict(dict(weights), default=1, return_dtype=pl.Int64)
    episodes = trajectories.select(
        trajectory_key(trajectories).alias("episode_id"),
        "client",
        "provider",
        "segment",
        pl.lit(DOMAIN).alias("domain"),
        weight.alias("weight"),
        "municipality",
        pl.col("module").alias("product_code"),
        "start",
        "end",
        "start_arrival",
        "end_arrival",
        "end_reason",
    )
    return frames.conform("episodes", episodes).sort("episode_id")


def planned_end(start: dt.date) -> dt.date:
    """The last day of a running trajectory's planned validity: the end of its
    :data:`PLANNED_MONTHS`-th calendar month.

    >>> planned_end(dt.date(2025, 3, 10))
    datetime.date(2026, 2, 28)
    """
    return add_months(month_start(start), PLANNED_MONTHS) - ONE_DAY


def tariff_contract(
    catalog: Catalog, trajectory: Mapping[str, Any], members: Mapping[str, str] | None = None
) -> Contract | None:
    """The contract that prices a trajectory: of its provider and segment, for its
    municipality, running on its start day (None when there is none). A trajectory a
    consortium's member reported under its own AGB code is priced by the consortium's
    contract (:mod:`regie.engine.consortia`; ``members``: member -> consortium, by default
    from the catalog's providers).

    >>> from regie.engine.catalog import Provider
    >>> c = Contract("C", "11111111", "P", ("0983",), dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    >>> cat = Catalog("r", (), (), (Provider("11111111", "Samen", ("22222222",)),), (c,), ())
    >>> t = {"provider": "22222222", "segment": "P", "municipality": "0983", "start": dt.date(2025, 3, 1)}
    >>> tariff_contract(cat, t).id
    'C'
    """
    if members is None:
        members = member_map(catalog.providers)
    provider = consortium_of(trajectory["provider"], members)
    for c in sorted(catalog.contracts, key=lambda c: c.id):
        if (
            c.provider == provider
            and c.segment == trajectory["segment"]
            and trajectory["municipality"] in c.municipalities
            and c.start <= trajectory["start"] <= c.end
        ):
            return c
    return None


def instalments(tariff: int, start: dt.date, last: dt.date, at_once: bool) -> dict[dt.date, int]:
    """The tariff per care month over the validity ``start`` .. ``last``: spread in whole cents
    over its calendar months, or all in the first month ``at_once``.

    >>> instalments(100000, dt.date(2025, 1, 20), dt.date(2025, 3, 2), at_once=False)
    {datetime.date(2025, 1, 1): 33333, datetime.date(2025, 2, 1): 33334, datetime.date(2025, 3, 1): 33333}
    """
    months = arrangement_months(start, last)
    if at_once:
        return {months[0]: tariff}
    return dict(zip(months, spread([Fraction(tariff, len(months))] * len(months)), strict=True))


def completed(schedule: Mapping[dt.date, int], end: dt.date, tariff: int) -> dict[dt.date, int]:
    """The instalments of an ended trajectory: those of its planned ``schedule`` before the
    month it ended in, and the rest of the tariff in that month (nothing after it).

    >>> plan = instalments(120000, dt.date(2025, 3, 10), dt.date(2026, 2, 28), at_once=False)
    >>> completed(plan, dt.date(2025, 5, 20), 120000)  # doctest: +NORMALIZE_WHITESPACE
    {datetime.date(2025, 3, 1): 10000, datetime.date(2025, 4, 1): 10000,
     datetime.date(2025, 5, 1): 100000}
    """
    last = month_start(end)
    out = {m: a for m, a in schedule.items() if m < last}
    out[last] = tariff - sum(out.values())
    return out


def _rows(t: Mapping[str, Any], contract: Contract | None) -> list[dict[str, Any]]:
    """The declared rows of one trajectory (see :func:`as_declarations`)."""
    tariff = (contract.tariffs.get(t["module"]) if contract else None) or 0
    at_once = contract is not None and contract.instalments == "at_once"
    end, ended_on = t["end"], t["end_arrival"]
    schedule = instalments(tariff, t["start"], planned_end(t["start"]), at_once)
    planned = {}
    if end is None or ended_on > t["start_arrival"]:  # the planned months over before the end arrived
        planned = {
            m: a for m, a in schedule.items() if end is None or max(t["start_arrival"], next_month(m)) < ended_on
        }
    actual = {} if end is None else completed(schedule, end, tariff)
    key = "|".join((t["client"], t["provider"], t["module"], t["start"].isoformat()))
    base = {k: t[k] for k in ("provider", "segment", "municipality", "client")}
    base |= {"allocation_number": key, "product_code": t["module"], "volume": 1, "accepted": True}
    rows = []
    for month in sorted(planned.keys() | actual.keys()):
        line = {**base, "line_id": f"{key}|{month:%Y-%m}", "care_month": month, "retour_code": "0200"}
        if month in planned:
            rows.append({**line, "arrival": max(t["start_arrival"], next_month(month)), "amount_cents": planned[month]})
        change = actual.get(month, 0) - planned.get(month, 0)
        if end is not None and change:
            rows.append({**line, "arrival": max(ended_on, next_month(month)), "amount_cents": change})
    return rows


def as_declarations(trajectories: pl.DataFrame, catalog: Catalog) -> pl.DataFrame:
    """The declared rows (frame ``declarations``) that fund the trajectories per module.

    Each calendar month a trajectory runs is one position (line id ``<trajectory>|<YYYY-MM>``,
    the trajectory its arrangement) worth that month's instalment of the module's tariff
    (:func:`tariff_contract`, :func:`instalments`): a row arriving when the month is over (on
    the first of the next, as a monthly declaration; not before the trajectory was reported)
    with the planned instalment, over the first
    :data:`PLANNED_MONTHS` months while the trajectory runs on; once its end arrives, a row
    of the same line arriving then with the change to :func:`completed` (the rest of the tariff
    in the month it ended, the planned instalments of months after it taken back). So as of any
    date the positions (:func:`regie.engine.funding.positions`) are what the outcome rule makes
    due as then known, and the ledger, the cost per client and the forecast read them like
    declarations. A row keeps the AGB code the trajectory was reported under (a consortium's
    member keeps its own, priced by the consortium's contract). Without a contract or a
    tariff the amounts are 0.

    >>> from regie.engine.catalog import Contract
    >>> c = Contract("C", "12345678", "P", ("0983",), dt.date(2025, 1, 1), dt.date(2025, 12, 31),
    ...              tariffs={"WERKFIT": 120000})
    >>> cat = Catalog("r", (), (), (), (c,), ())
    >>> t = frames.frame("trajectories", [{"client": "c", "provider": "12345678", "segment": "P",
    ...     "municipality": "0983", "module": "WERKFIT", "start": dt.date(2025, 3, 10), "end": dt.date(2025, 4, 2),
    ...     "start_arrival": dt.date(2025, 3, 12), "end_arrival": dt.date(2025, 5, 6)}])
    >>> d = as_declarations(t, cat).sort("arrival", "care_month")
    >>> [(r["care_month"].month, r["arrival"].isoformat(), r["amount_cents"])
    ...  for r in d.iter_rows(named=True)]
    [(3, '2025-04-01', 10000), (4, '2025-05-01', 10000), (4, '2025-05-06', 100000)]
    """
    members = member_map(catalog.providers)
    rows = [r for t in trajectories.iter_rows(named=True) for r in _rows(t, tariff_contract(catalog, t, members))]
    return frames.frame("declarations", rows).sort(["arrival", "line_id", "amount_cents"])


__all__ = [
    "DOMAIN",
    "END_REASONS",
    "MODULE",
    "PLANNED_MONTHS",
    "TOWARDS_WORK",
    "instalments",
    "planned_end",
    "tariff_contract",
    "as_declarations",
    "as_episodes",
    "completed",
    "trajectory_key",
]
