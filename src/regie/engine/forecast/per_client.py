"""The forecast of the per-client price (Venlo; domain.md section 4, model 3).

The money of a contract is min(counted clients, N_p x (1 + band)) x P_p, the settlement
rule of :mod:`regie.engine.funding`. Counted clients = the clients counted now (an
accepted, standing declaration for a care month of the year that arrived in time) + the
pending clients (in care this year, not counted yet) that will be + the new clients of the
simulated new episodes (:func:`~regie.engine.forecast.money.client_ratios`, learnt on last
year at the same day). New clients go first to the providers with room under their
agreement (:meth:`PerClientForecast.steer`).

Realised is what the clients counted so far make due (the ledger's provisional settlement,
in the context); IBNR what the pending clients and the new clients of the rest of the
running month add; remaining what the new clients of the months not begun add
(:func:`settlement_steps`): neither is ever negative, so ``forecast >= realised``.

Uncertainty: the pending and new clients one by one (binomial, Poisson), with the rates
drawn per path around their estimate (log-standard deviation 1/sqrt(n+1) for a rate learnt
from n clients).

Next year: the clients still in care at the end of the year that count (the ``stock``
ratio) and the new clients of next year's episodes, settled under next year's contract
(else this year's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from regie.engine.catalog import Contract
from regie.engine.forecast.base import Floats, cents
from regie.engine.forecast.context import ForecastContext, cell_arrays, group_rng
from regie.engine.forecast.family import FamilyForecast, SimulatedRow, draw, uncertain_rate
from regie.engine.forecast.money import ClientRatios, contract_for
from regie.engine.forecast.warning import client_drivers
from regie.engine.funding import agreement, municipality_weights
from regie.engine.funding.per_client import Agreement, settlement_date

Cell = tuple[str, str]


def settle(clients: Floats, cap: float, price: int) -> Floats:
    """min(clients, cap) x price in whole cents, halves up (the settlement rule, per path).

    >>> settle(np.array([3.0, 9.0]), 5.0, 101).tolist()
    [303.0, 505.0]
    """
    return np.asarray(np.floor(np.minimum(clients, cap) * price + 0.5), dtype=np.float64)


def split(amount: Floats, weights: Sequence[Floats]) -> list[Floats]:
    """``amount`` (per path) split in proportion to ``weights`` (per path; equal where all are 0).

    >>> [w.tolist() for w in split(np.array([6.0]), [np.array([1.0]), np.array([2.0])])]
    [[2.0], [4.0]]
    """
    total = sum(weights, np.zeros_like(amount))
    safe = np.where(total > 0, total, 1.0)
    return [amount * np.where(total > 0, w / safe, 1.0 / len(weights)) for w in weights]


def settlement_steps(
    realised: Sequence[float],
    counted: Sequence[float],
    begun: Sequence[Floats],
    final: Sequence[Floats],
    cap: float,
    price: int,
) -> tuple[list[Floats], list[Floats]]:
    """A per-client contract's money beyond what is due now, per member (municipality) and
    path, in two steps that are never negative: (IBNR, remaining).

    F0 = what the clients counted so far make due (``realised``, the ledger's provisional
    settlement); F1 = min(clients of the months begun, cap) x price (the counted clients,
    the pending ones that will count, and the new ones of the running month); F2 = the same
    for all the year's clients. IBNR = F1 - F0, remaining = F2 - F1, each split over the
    members by the clients that step adds.

    >>> ibnr, rest = settlement_steps([300.0], [3.0], [np.array([4.0])], [np.array([7.0])], 5, 100)
    >>> float(ibnr[0][0]), float(rest[0][0])
    (100.0, 100.0)
    """
    f0 = float(sum(realised))
    f1 = np.maximum(settle(sum(begun, np.zeros_like(begun[0])), cap, price), f0)
    f2 = np.maximum(settle(sum(final, np.zeros_like(final[0])), cap, price), f1)
    added = [np.maximum(b - c, 0.0) for b, c in zip(begun, counted, strict=True)]
    later = [np.maximum(f - b, 0.0) for f, b in zip(final, begun, strict=True)]
    return split(f1 - f0, added), split(f2 - f1, later)


@dataclass
class _Clients:
    """A segment's clients per (municipality, provider): counted now, known (counted now and
    pending that will count), begun (known and the running month's new clients), all of the
    year (``clients``; before :meth:`PerClientForecast._fit_segment` adds ``begun``: the new
    clients of the months not begun), next year's, and the opening stock now and planned."""

    counted: dict[Cell, float] = field(default_factory=dict)
    known: dict[Cell, Floats] = field(default_factory=dict)
    begun: dict[Cell, Floats] = field(default_factory=dict)
    clients: dict[Cell, Floats] = field(default_factory=dict)
    next_clients: dict[Cell, Floats] = field(default_factory=dict)
    stock: dict[Cell, float] = field(default_factory=dict)
    plan_stock: dict[Cell, float] = field(default_factory=dict)


@dataclass
class _Money:
    """A segment's money per (municipality, provider), from its contracts' settlement."""

    paths: dict[Cell, Floats] = field(default_factory=dict)
    ibnr: dict[Cell, float] = field(default_factory=dict)
    next_paths: dict[Cell, Floats] = field(default_factory=dict)
    #: (price per client, agreed clients of the municipality)
    value: dict[Cell, tuple[float, float]] = field(default_factory=dict)
    budget: dict[Cell, int] = field(default_factory=dict)
    handled: set[Cell] = field(default_factory=set)


@dataclass(kw_only=True, eq=False, repr=False)
class PerClientForecast(FamilyForecast):
    """Per-client price: the settlement of the clients that will count.

    Parameters
    ----------
    n_paths, seed : of :class:`~regie.engine.forecast.family.SimulationSettings`.
    steering : the share of a segment's new clients that go to the providers with room
        under their agreement (see :meth:`steer`); 0 divides them by the providers' shares
        of new episodes only.

    Attributes (after :meth:`fit`)
    ------------------------------
    year_end_ : list of :class:`~regie.engine.forecast.family.SimulatedRow`.
    """

    funding_models = ("per_client",)
    steering: float = 1.0

    def _fit_segment(self, context: ForecastContext, segment: str, model: str, munis: list[str]) -> list[SimulatedRow]:
        found = _Clients()
        counted = context.counted.filter(pl.col("segment") == segment)
        in_care = context.in_care.filter(pl.col("segment") == segment)
        opening = context.opening_clients(segment, context.as_of)
        opening_plan = context.opening_clients(segment, context.plan_day)
        for muni in munis:
            self._draw_clients(context, segment, muni, (counted, in_care, opening, opening_plan), found)
        # the running month's new clients take the room under the agreements first, then
        # those of the months to come take what is left
        self.steer(context, segment, munis, found.begun, found.known)
        found.clients = {c: found.begun[c] + found.clients[c] for c in found.clients}
        self.steer(context, segment, munis, found.clients, found.begun)
        money = self._settle(context, segment, found)
        rows: list[SimulatedRow] = []
        for muni in munis:
            rows += self._rows(context, segment, muni, found, money)
        return rows

    def _draw_clients(
        self,
        context: ForecastContext,
        segment: str,
        muni: str,
        frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame],
        out: _Clients,
    ) -> None:
        """Draw the clients of one municipality per provider into ``out``; ``frames`` are the
        segment's counted clients, clients in care, and opening stock now and planned."""
        P = self.n_paths
        counted, in_care, opening, opening_plan = frames
        this, nxt = context.year_slices()
        running, later = context.begun_slices()
        r = context.ratios.get((muni, segment), ClientRatios())
        sim = self._simulate(context, muni, segment)
        contracts = {
            c.provider
            for c in context.catalog.contracts
            if c.segment == segment and muni in c.municipalities and c.active_in(context.year)
        }
        cells = sorted(
            set(sim.cells) | contracts | set(counted.filter(pl.col("municipality") == muni)["provider"].to_list())
        )
        starts = cell_arrays(sim, cells, "starts")
        alive = cell_arrays(sim, cells, "alive")
        rng = group_rng(self.seed, context.as_of, "clients", muni, segment)
        pending_rate = np.minimum(uncertain_rate(rng, r.pending, r.pending_n, P), 1.0)
        start_rate = uncertain_rate(rng, r.per_start, r.per_start_n, P)
        for j, p in enumerate(cells):
            cell = (pl.col("municipality") == muni) & (pl.col("provider") == p)
            mine = counted.filter(cell).select("client").unique()
            care = in_care.filter(cell).select("client").unique()
            pending = care.join(mine, on="client", how="anti")
            pend = draw(rng, np.full(P, float(pending.height)), pending_rate)
            base = float(mine.height) + pend
            new_running = draw(rng, starts[:, j, running].sum(axis=1), start_rate)
            new_later = draw(rng, starts[:, j, later].sum(axis=1), start_rate)
            out.counted[(muni, p)] = float(mine.height)
            out.known[(muni, p)] = base
            out.begun[(muni, p)] = base + new_running
            out.clients[(muni, p)] = new_later
            end_alive = alive[:, j, this.stop - 1] if this.stop > this.start else np.zeros(P)
            out.next_clients[(muni, p)] = draw(rng, end_alive, r.stock) + draw(
                rng, starts[:, j, nxt].sum(axis=1), r.per_start_year
            )
            op = opening.filter(cell).select("client")
            out.stock[(muni, p)] = float(op.join(mine, on="client", how="semi").height) + r.pending * float(
                op.join(pending, on="client", how="semi").height
            )
            out.plan_stock[(muni, p)] = float(opening_plan.filter(cell).height) * r.stock

    def _settle(self, context: ForecastContext, segment: str, found: _Clients) -> _Money:
        """The money of every running contract of the segment, per member and path."""
        P = self.n_paths
        money = _Money()
        for c in sorted({c for c in found.clients}):
            money.paths[c] = np.zeros(P)
            money.next_paths[c] = np.zeros(P)
            money.ibnr[c] = 0.0
        for contract in sorted(context.catalog.contracts, key=lambda c: c.id):
            if contract.segment != segment or not contract.active_in(context.year):
                continue
            members = [
                (m, contract.provider) for m in contract.municipalities if (m, contract.provider) in found.clients
            ]
            members = [c for c in members if c not in money.handled]
            if not members:
                continue
            money.handled.update(members)
            self._settle_year(context, contract, members, found, money)
            self._settle_next_year(context, contract, members, found, money)
        return money

    def _settle_year(
        self, context: ForecastContext, contract: Contract, members: list[Cell], found: _Clients, money: _Money
    ) -> None:
        """This year's money of one contract: realised, then the two settlement steps."""
        P = self.n_paths
        deal = _agreement(context, contract)
        cap = float(deal.agreed) * (1 + contract.band)
        realised = [context.realised_of(m, contract.segment, p) for m, p in members]
        finished = context.as_of >= settlement_date(contract, context.year)
        steps = settlement_steps(
            realised,
            [found.counted[c] for c in members],
            [found.begun[c] for c in members],
            [found.clients[c] for c in members],
            cap,
            deal.price,
        )
        weights = municipality_weights(context.catalog, contract, context.year)
        weight_total = sum(weights.values())
        for i, c in enumerate(members):
            if finished:
                money.paths[c] = np.full(P, realised[i])
            else:
                money.paths[c] = realised[i] + steps[0][i] + steps[1][i]
                money.ibnr[c] = float(steps[0][i].mean())
            share = weights.get(c[0], 0) / weight_total if weight_total > 0 else 1.0 / len(members)
            money.value[c] = (float(deal.price), float(deal.agreed) * share)
            money.budget[c] = cents(deal.budget * share)

    def _settle_next_year(
        self, context: ForecastContext, contract: Contract, members: list[Cell], found: _Clients, money: _Money
    ) -> None:
        """Next year's money of one contract's members, under next year's contract of the
        provider when the catalog has one, else under this one."""
        P = self.n_paths
        nxt_contract = next(
            (
                n
                for n in context.catalog.contracts
                if n.segment == contract.segment and n.provider == contract.provider and n.active_in(context.year + 1)
            ),
            contract,
        )
        nxt_year = context.year + 1 if nxt_contract is not contract else context.year
        nxt_deal = agreement(nxt_contract, year=nxt_year, as_of=dt.date(nxt_year, 12, 31))
        nxt_total = sum((found.next_clients[c] for c in members), np.zeros(P))
        nxt_settled = settle(nxt_total, float(nxt_deal.agreed) * (1 + nxt_contract.band), nxt_deal.price)
        for c in members:
            part = np.where(
                nxt_total > 0, found.next_clients[c] / np.where(nxt_total > 0, nxt_total, 1.0), 1.0 / len(members)
            )
            money.next_paths[c] = nxt_settled * part

    def _rows(
        self, context: ForecastContext, segment: str, muni: str, found: _Clients, money: _Money
    ) -> list[SimulatedRow]:
        """The providers of one municipality x segment, then the group itself."""
        P = self.n_paths
        r = context.ratios.get((muni, segment), ClientRatios())
        cells = sorted(p for (m, p) in found.clients if m == muni)
        budget, ceiling = context.budget(muni, segment, context.year)
        group = SimulatedRow(muni, segment, None, "per_client", budget=budget, ceiling=ceiling)
        group.next_budget, group.next_ceiling = context.budget(muni, segment, context.year + 1)
        group.paths, group.next_paths = np.zeros(P), np.zeros(P)
        group.clients, group.next_clients = np.zeros(P), np.zeros(P)
        rows: list[SimulatedRow] = []
        for p in cells:
            unit = self._provider_row(context, segment, muni, p, found, money)
            assert unit.clients is not None and unit.next_clients is not None
            group.realised += unit.realised
            group.ibnr += unit.ibnr
            group.paths = group.paths + unit.paths
            group.next_paths = group.next_paths + unit.next_paths
            group.clients = group.clients + unit.clients
            group.next_clients = group.next_clients + unit.next_clients
            rows.append(unit)
        prices = [(money.value[(muni, p)][0], money.value[(muni, p)][1]) for p in cells if (muni, p) in money.value]
        agreed_total = sum(a for _, a in prices)
        value0 = sum(pr * a for pr, a in prices) / agreed_total if agreed_total > 0 else 0.0
        group.expected_clients = agreed_total if prices else None
        if budget is not None:
            s1 = sum(found.stock[(muni, p)] for p in cells)
            group.drivers = client_drivers(
                sum(found.plan_stock[(muni, p)] for p in cells),
                r.new_clients,
                s1,
                float(group.clients.mean()) - s1,
                value0,
                float(group.paths.mean()),
                float(budget),
            )
        rows.append(group)
        return rows

    def _provider_row(
        self, context: ForecastContext, segment: str, muni: str, p: str, found: _Clients, money: _Money
    ) -> SimulatedRow:
        """One provider's row: its settled money, clients and drivers."""
        P = self.n_paths
        c = (muni, p)
        unit = SimulatedRow(muni, segment, p, "per_client")
        unit.realised = context.realised_of(muni, segment, p)
        unit.ibnr = money.ibnr[c]
        unit.paths = money.paths[c] if c in money.handled else np.full(P, unit.realised)
        unit.next_paths = money.next_paths[c]
        unit.clients = found.clients[c]
        unit.next_clients = found.next_clients[c]
        unit.budget = unit.ceiling = money.budget.get(c)
        price, agreed = money.value.get(c, (0.0, 0.0))
        unit.expected_clients = agreed if c in money.value else None
        rc = context.cell_ratios.get((muni, segment, p), ClientRatios())
        if unit.budget is not None:
            v1 = float(unit.clients.mean())
            unit.drivers = client_drivers(
                found.plan_stock[c],
                rc.new_clients,
                found.stock[c],
                v1 - found.stock[c],
                price,
                float(unit.paths.mean()),
                float(unit.budget),
            )
        return unit

    def steer(
        self,
        context: ForecastContext,
        segment: str,
        munis: Sequence[str],
        clients: dict[Cell, Floats],
        known: dict[Cell, Floats],
    ) -> None:
        """Re-divide a per-client segment's new clients (``clients - known``) in place:
        ``steering`` of them go to the providers with room under their agreement, in
        proportion to that room; the rest, and what exceeds all room, as drawn (by the
        providers' shares of new episodes).

        Under a per-client price a provider has been advanced its agreed clients' money and
        is not paid above the agreement, so providers below it take on clients and providers
        at it stop (or ask for a higher agreement): realised clients gravitate to the agreed
        numbers (domain.md section 4, model 3).
        """
        if self.steering <= 0:
            return
        for muni in munis:
            cells = [c for c in clients if c[0] == muni]
            rooms = self._rooms(context, segment, muni, cells)
            if not rooms:
                continue
            new = {c: clients[c] - known[c] for c in cells}
            total = sum((new[c] for c in cells), np.zeros(self.n_paths))
            room = {c: np.maximum(rooms.get(c, 0.0) - known[c], 0.0) for c in cells}
            room_total = sum((room[c] for c in cells), np.zeros(self.n_paths))
            filled = np.minimum(total, room_total)
            excess = total - filled
            for c in cells:
                by_room = np.where(room_total > 0, filled * room[c] / np.where(room_total > 0, room_total, 1.0), 0.0)
                by_share = np.where(total > 0, new[c] / np.where(total > 0, total, 1.0), 0.0)
                steered = by_room + excess * by_share
                clients[c] = known[c] + self.steering * steered + (1 - self.steering) * new[c]

    @staticmethod
    def _rooms(context: ForecastContext, segment: str, muni: str, cells: list[Cell]) -> dict[Cell, float]:
        """The clients each provider with an agreement may have in ``muni``: its agreement
        with the band, split over the contract's municipalities."""
        rooms: dict[Cell, float] = {}
        for c in cells:
            contract = contract_for(context.catalog, segment, muni, c[1], context.year, context.as_of)
            if contract is None or contract.agreed_clients <= 0:
                continue
            deal = _agreement(context, contract)
            weights = municipality_weights(context.catalog, contract, context.year)
            total_w = sum(weights.values())
            share = weights.get(muni, 0) / total_w if total_w > 0 else 1.0 / len(contract.municipalities)
            rooms[c] = float(deal.agreed) * (1 + contract.band) * share
        return rooms


def _agreement(context: ForecastContext, contract: Contract) -> Agreement:
    """The contract's agreed clients per month of the year, with the changes and
    reallocations known on the context's as-of date."""
    return agreement(
        contract,
        year=context.year,
        as_of=context.as_of,
        agreed_changes=context.agreed_changes,
        reallocations=context.reallocations,
    )
