"""The forecast of the lump-sum and population contracts (domain.md section 3a): the money is
fixed in advance, the care is not.

The money is the year's instalments (the ledger as of the year's last day), so realised +
IBNR + remaining = the instalments and ``low == high == forecast``. Beside it the row shows
the real care cost (clients x the contract's tariff per client, the lump sum's basis,
without the savings target) and the clients with their range: the clients known in care
this year plus the new clients of the simulated new episodes
(:attr:`~regie.engine.forecast.money.ClientRatios.episode_new_per_start`). The year-end model
warns when the top of the clients' range passes the clients the lump sum was based on
(``expected_clients``, split over municipalities by their budgets; else lump sum / tariff).

Next year: next year's instalments when next year's contracts are in the catalog, else this
year's; the clients still in care at the end of the year plus next year's new ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from regie.engine import frames
from regie.engine.catalog import Catalog, Contract
from regie.engine.forecast.base import FIXED_MODELS, Floats, cents
from regie.engine.forecast.context import ForecastContext, Lines, cell_arrays, group_rng, providers_in, sum_lines
from regie.engine.forecast.family import FamilyForecast, SimulatedRow, draw
from regie.engine.forecast.money import ClientRatios, contract_for
from regie.engine.forecast.warning import client_drivers
from regie.engine.funding import annual_lump_sum, ledger, municipality_weights


def instalments(context: ForecastContext, year: int) -> Lines:
    """The instalments of the lump-sum and population contracts for ``year``: the ledger as
    of its last day (this year's with the reallocations), without segment ceiling cuts."""
    fixed_segments = {s.code for s in context.catalog.segments if s.funding_model in FIXED_MODELS}
    reallocations = context.reallocations if year == context.year else ()
    lines = ledger(
        context.catalog,
        frames.frame("declarations"),
        year=year,
        as_of=dt.date(year, 12, 31),
        reallocations=reallocations,
    )
    return sum_lines(line for line in lines if line.segment in fixed_segments)


@dataclass(frozen=True, eq=False)
class _Segment:
    """One segment's clients: in care this year, and in care on 1 January as known now and
    as known on the plan day."""

    code: str
    model: str
    in_care: pl.DataFrame
    opening: pl.DataFrame
    opening_plan: pl.DataFrame


class FixedForecast(FamilyForecast):
    """Lump sum and population: the instalments, the real care cost and the clients.

    Parameters
    ----------
    n_paths, seed : of :class:`~regie.engine.forecast.family.SimulationSettings`.

    Attributes (after :meth:`fit`)
    ------------------------------
    year_end_ : list of :class:`~regie.engine.forecast.family.SimulatedRow`.
    instalments_ : this year's instalments, cents per (contract, provider, segment,
        municipality).
    next_instalments_ : next year's, or None when no fixed contract runs next year.
    """

    funding_models = FIXED_MODELS

    def fit(self, context: ForecastContext) -> FixedForecast:
        """Forecast every lump-sum and population segment of ``context``."""
        year = context.year
        fixed_segments = {s.code for s in context.catalog.segments if s.funding_model in FIXED_MODELS}
        self.instalments_ = instalments(context, year)
        has_next = any(c.active_in(year + 1) for c in context.catalog.contracts if c.segment in fixed_segments)
        self.next_instalments_ = instalments(context, year + 1) if has_next else None
        super().fit(context)
        return self

    def _fit_segment(self, context: ForecastContext, segment: str, model: str, munis: list[str]) -> list[SimulatedRow]:
        seg = _Segment(
            segment,
            model,
            context.in_care.filter(pl.col("segment") == segment),
            context.opening_clients(segment, context.as_of),
            context.opening_clients(segment, context.plan_day),
        )
        rows: list[SimulatedRow] = []
        for muni in munis:
            rows += self._municipality(context, seg, muni)
        return rows

    def _municipality(self, context: ForecastContext, seg: _Segment, muni: str) -> list[SimulatedRow]:
        """The providers of one municipality x segment, then the group itself."""
        P = self.n_paths
        segment = seg.code
        r = context.ratios.get((muni, segment), ClientRatios())
        sim = self._simulate(context, muni, segment)
        cells = sorted(set(sim.cells) | providers_in(self.instalments_, muni, segment))
        starts = cell_arrays(sim, cells, "starts")
        alive = cell_arrays(sim, cells, "alive")
        rng = group_rng(self.seed, context.as_of, "clients", muni, segment)
        budget, ceiling = context.budget(muni, segment, context.year)
        group = SimulatedRow(muni, segment, None, seg.model, budget=budget, ceiling=ceiling)
        group.next_budget, group.next_ceiling = context.budget(muni, segment, context.year + 1)
        group.paths, group.next_paths = np.zeros(P), np.zeros(P)
        group.clients, group.next_clients = np.zeros(P), np.zeros(P)
        group.care_cost, group.next_care_cost = np.zeros(P), np.zeros(P)
        expected_total = 0.0
        has_expected = False
        plan_stock_g = 0.0
        stock_g = 0.0
        rows: list[SimulatedRow] = []
        for j, p in enumerate(cells):
            unit, stock, stock_plan = self._provider(context, seg, muni, p, starts[:, j, :], alive[:, j, :], rng)
            assert unit.clients is not None and unit.next_clients is not None
            if unit.expected_clients is not None:
                expected_total += unit.expected_clients
                has_expected = True
            plan_stock_g += stock_plan
            stock_g += stock
            group.realised += unit.realised
            group.paths = group.paths + unit.paths
            group.next_paths = group.next_paths + unit.next_paths
            group.clients = group.clients + unit.clients
            group.next_clients = group.next_clients + unit.next_clients
            group.care_cost = group.care_cost + (unit.care_cost if unit.care_cost is not None else 0.0)
            group.next_care_cost = group.next_care_cost + (
                unit.next_care_cost if unit.next_care_cost is not None else 0.0
            )
            rows.append(unit)
        group.expected_clients = expected_total if has_expected else r.episode_new_clients + plan_stock_g
        _group_drivers(group, r, plan_stock_g, stock_g)
        if float(group.care_cost.sum()) == 0:
            group.care_cost = None
            group.next_care_cost = None
        rows.append(group)
        return rows

    def _provider(
        self,
        context: ForecastContext,
        seg: _Segment,
        muni: str,
        p: str,
        starts: Floats,
        alive: Floats,
        rng: np.random.Generator,
    ) -> tuple[SimulatedRow, float, float]:
        """One provider's row, with its opening stock as known now and on the plan day.

        ``starts`` and ``alive`` are the provider's simulated arrays (path x month).
        """
        P = self.n_paths
        segment = seg.code
        this, nxt = context.year_slices()
        r = context.ratios.get((muni, segment), ClientRatios())
        unit = SimulatedRow(muni, segment, p, seg.model)
        full = float(sum(v for (c, pp, s, m), v in self.instalments_.items() if (pp, s, m) == (p, segment, muni)))
        nxt_full = (
            float(sum(v for (c, pp, s, m), v in self.next_instalments_.items() if (pp, s, m) == (p, segment, muni)))
            if self.next_instalments_ is not None
            else full
        )
        unit.realised = context.realised_of(muni, segment, p)
        unit.paths = np.full(P, full)
        unit.next_paths = np.full(P, nxt_full)
        unit.budget = unit.ceiling = cents(full) if full > 0 else None
        mine = (pl.col("municipality") == muni) & (pl.col("provider") == p)
        known = float(seg.in_care.filter(mine).height)
        unit.clients = known + draw(rng, starts[:, this].sum(axis=1), r.episode_new_per_start)
        end_alive = alive[:, this.stop - 1] if this.stop > this.start else np.zeros(P)
        unit.next_clients = end_alive + draw(rng, starts[:, nxt].sum(axis=1), r.episode_new_per_start)
        contract = contract_for(context.catalog, segment, muni, p, context.year, context.as_of)
        tariff, expected = tariff_and_expected(context.catalog, contract, muni, context.year)
        if tariff > 0:
            unit.care_cost = unit.clients * tariff
            unit.next_care_cost = unit.next_clients * tariff
        unit.expected_clients = expected
        stock = float(seg.opening.filter(mine).height)
        stock_plan = float(seg.opening_plan.filter(mine).height)
        rc = context.cell_ratios.get((muni, segment, p), ClientRatios())
        v1 = float(unit.clients.mean())
        worth = unit.care_cost if unit.care_cost is not None else unit.paths
        value0 = tariff if tariff > 0 else (float(worth.mean()) / v1 if v1 > 0 else 0.0)
        if unit.budget is not None:
            unit.drivers = client_drivers(
                stock_plan,
                rc.episode_new_clients,
                stock,
                v1 - stock,
                value0,
                float(worth.mean()),
                float(unit.budget),
            )
        return unit, stock, stock_plan


def _group_drivers(group: SimulatedRow, r: ClientRatios, plan_stock: float, stock: float) -> None:
    """The drivers of a municipality x segment: clients against the plan, valued at the care
    cost per client (or the instalments per client when no tariff is known)."""
    assert group.clients is not None and group.care_cost is not None
    v1 = float(group.clients.mean())
    has_cost = float(group.care_cost.sum()) > 0
    worth_g = group.care_cost if has_cost else group.paths
    if group.budget is not None and v1 > 0:
        group.drivers = client_drivers(
            plan_stock,
            r.episode_new_clients,
            stock,
            v1 - stock,
            float(worth_g.mean()) / v1,
            float(worth_g.mean()),
            float(group.budget),
        )


def tariff_and_expected(
    catalog: Catalog, contract: Contract | None, municipality: str, year: int
) -> tuple[float, float | None]:
    """A lump-sum contract's tariff per client and the clients it was based on, for one
    municipality (the contract's split over municipalities: by their budgets)."""
    if contract is None:
        return 0.0, None
    tariff = float(np.mean(list(contract.tariffs.values()))) if contract.tariffs else 0.0
    weights = municipality_weights(catalog, contract, year)
    total = sum(weights.values())
    share = weights.get(municipality, 0) / total if total > 0 else 1.0 / len(contract.municipalities)
    if contract.expected_clients > 0:
        return tariff, contract.expected_clients * share
    if tariff > 0:
        return tariff, annual_lump_sum(contract) / tariff * share
    return tariff, None
