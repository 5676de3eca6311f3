"""The monthly profile a scenario changes: per provider in a budget group, from the first
month that has not begun to the end of the outlook.

A :class:`Cell` holds what the stock-and-flow model expects for one provider of a
municipality x segment: the episodes in care at the start of the first open month
(``stock``), the new episodes per month (``starts``) and the share of those in care that
leave in each month (``hazard``), and the money per unit of care (``rate``: cents per
client-month, per newly counted client or per month, by :attr:`Cell.basis`).

:func:`run` plays a :class:`Plan` (what the changes do to each cell, month by month) through
these cells with one deterministic recursion per month::

    B = in care at the start of the month (after the moves of this month)
    A = (B + N) x (1 - h)                     in care at its end, B of the next month
    client-months = (B + N / 2) x (1 - h / 2)  (new episodes start in the middle of the month)

and the money of a month is ``rate x units x money factor``, where the units are by basis:

- ``client_months`` (price x volume, outcome): the client-months;
- ``clients`` (per-client price): the clients counted for the first time in the year in that
  month: the new episodes, the clients moved in from another provider (they count there as
  well: the settlement counts a client at every provider that had them in care), and in
  January of the outlook's years the clients in care;
- ``fixed`` (lump sum, population): one per month (the instalments).

The rates are calibrated so that the plan without changes gives exactly the forecast's
``remaining`` of the year and next year's forecast (:mod:`regie.engine.scenarios.build`):
the recursion is an approximation of the simulation, and only its differences count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

BASES = ("client_months", "clients", "fixed")


@dataclass(frozen=True)
class Cell:
    """One provider within a municipality x segment (provider ``""`` for a group without any).

    Arrays run over the months ``first .. first + len(starts) - 1``; ``rate`` is the money
    per unit in the forecast's year, ``rates`` per later year (index 0: the year after).
    """

    municipality: str
    segment: str
    provider: str
    basis: str
    first: int
    stock: float
    starts: Floats
    hazard: Floats
    rate: float = 0.0
    rates: tuple[float, ...] = ()

    @property
    def horizon(self) -> int:
        return int(self.starts.size)

    def rate_in(self, year: int, base_year: int) -> float:
        """The money per unit in ``year`` (the forecast's year or a later one)."""
        if year <= base_year or not self.rates:
            return self.rate
        return self.rates[min(year - base_year, len(self.rates)) - 1]


@dataclass
class Move:
    """Clients moving at the start of month ``month`` (index into the horizon) from cell
    ``source`` to ``targets`` (cell -> share, summing to 1); ``clients`` None: all of them."""

    month: int
    source: int
    targets: dict[int, float]
    clients: float | None = None


@dataclass
class Plan:
    """What a scenario does to a group's cells, per cell and month of the horizon:
    factors on the new episodes, on the money and on the mean stay, starts redirected to
    other cells, and moves of clients in care."""

    start_factor: Floats
    money_factor: Floats
    stay_factor: Floats
    redirect: list[tuple[int, int, dict[int, float]]] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)

    @classmethod
    def neutral(cls, cells: int, horizon: int) -> Plan:
        """The plan without changes."""
        ones = np.ones((cells, horizon))
        return cls(ones.copy(), ones.copy(), ones.copy())

    def copy(self) -> Plan:
        return Plan(
            self.start_factor.copy(),
            self.money_factor.copy(),
            self.stay_factor.copy(),
            list(self.redirect),
            list(self.moves),
        )


@dataclass(frozen=True)
class Run:
    """The outcome of :func:`run`: per cell and month the units of money, the episodes in
    care at the end of the month, and the money (units x rate x money factor, in cents)."""

    units: Floats
    alive: Floats
    money: Floats


def stay_hazard(hazard: Floats, factor: Floats) -> Floats:
    """The monthly exit probability when the mean stay is ``factor`` times as long: the
    exit rate -log(1 - h) divided by ``factor`` (exact for a constant rate).

    >>> float(stay_hazard(np.array([0.5]), np.array([1.0]))[0])
    0.5
    >>> round(float(stay_hazard(np.array([0.75]), np.array([2.0]))[0]), 6)
    0.5
    """
    h = np.clip(hazard, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        return np.asarray(np.where(h >= 1.0, 1.0, 1.0 - (1.0 - h) ** (1.0 / factor)), dtype=np.float64)


def _starts(cells: list[Cell], plan: Plan) -> Floats:
    """New episodes per cell and month under the plan (factors, then redirects)."""
    n = np.stack([c.starts for c in cells]) * plan.start_factor if cells else np.zeros((0, 0))
    for month, source, targets in plan.redirect:
        moved = n[source, month:].copy()
        n[source, month:] = 0.0
        for target, share in targets.items():
            n[target, month:] += moved * share
    return np.asarray(n, dtype=np.float64)


def run(cells: list[Cell], plan: Plan, base_year: int) -> Run:
    """Play ``plan`` through a group's ``cells`` month by month (see the module docstring)."""
    if not cells:
        return Run(np.zeros((0, 0)), np.zeros((0, 0)), np.zeros((0, 0)))
    C, H = len(cells), cells[0].horizon
    first = cells[0].first
    n = _starts(cells, plan)
    h = stay_hazard(np.stack([c.hazard for c in cells]), plan.stay_factor)
    units, alive = np.zeros((C, H)), np.zeros((C, H))
    b = np.array([c.stock for c in cells], dtype=np.float64)
    moves = sorted(plan.moves, key=lambda m: m.month)
    for m in range(H):
        moved_in = np.zeros(C)
        for move in (mv for mv in moves if mv.month == m):
            out = b[move.source] if move.clients is None else min(move.clients, b[move.source])
            b[move.source] -= out
            for target, share in move.targets.items():
                b[target] += out * share
                moved_in[target] += out * share
        a = (b + n[:, m]) * (1.0 - h[:, m])
        january = (first + m) % 12 == 0 and (first + m) // 12 > base_year  # an outlook year begins
        for i, cell in enumerate(cells):
            if cell.basis == "client_months":
                units[i, m] = (b[i] + n[i, m] / 2.0) * (1.0 - h[i, m] / 2.0)
            elif cell.basis == "clients":
                units[i, m] = n[i, m] + moved_in[i] + (b[i] - moved_in[i] if january else 0.0)
            else:
                units[i, m] = 1.0
        alive[:, m] = a
        b = a
    years = (first + np.arange(H)) // 12
    rates = np.array([[c.rate_in(int(y), base_year) for y in years] for c in cells])
    return Run(units, alive, units * rates * plan.money_factor)


def calibrate(units: Floats, target: float) -> float:
    """The rate that makes ``units`` cost ``target`` (0 when there are no units)."""
    total = float(np.sum(units))
    return target / total if total > 0 else 0.0


def hazards_of(stock: float, starts: Floats, alive: Floats) -> Floats:
    """The monthly exit probabilities that turn ``stock`` with ``starts`` into ``alive`` at
    the end of each month (what the stock-and-flow model expects), 0 where nobody is in care.

    >>> hazards_of(10.0, np.array([0.0, 5.0]), np.array([8.0, 6.5])).round(12).tolist()
    [0.2, 0.5]
    """
    before = np.concatenate([[stock], alive[:-1]]) + starts
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(before > 0, 1.0 - alive / before, 0.0)
    return np.asarray(np.clip(h, 0.0, 1.0), dtype=np.float64)
