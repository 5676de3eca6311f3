"""Early warning and its drivers: why the forecast differs from the budget.

Warning
-------
:func:`warning`: a row warns when its forecast, or the top of its 80 % range, passes its
budget ceiling. The ceiling is the budget minus its reserve: the reserve is held back for
reallocation during the year (domain.md section 6), so a forecast that would eat into it
warns already (with no reserve the ceiling is the budget). A lump-sum or population row
cannot overspend (its spending is fixed); it warns when its clients, or the top of their
range, pass the clients the lump sum was based on (domain.md section 3a).

Drivers
-------
The difference between forecast and budget is split into named parts that add up to it
exactly (:func:`volume_drivers`, :func:`client_drivers`). The reference is the
*plan*: what the same stock-and-flow model gives for the year with last year's rates (last
year's inflow, exit hazards, cost per client-month and share of declarations paid in time),
starting from the stock the year began with. Going from plan to forecast, one factor at a
time (sequential substitution, in this order):

===================  =====================================================================
``plan``             plan - budget: how the budget itself compares to last year's rates
``inflow``           more (or fewer) new episodes than last year's rate
``outflow``          the clients already in care on 1 January leave more slowly (or faster)
``duration``         this year's new episodes stay longer (or shorter) within the year
``cost_per_client``  a higher (or lower) cost per client-month (per client for the models
                     paid per client)
``late_declarations`` a larger (or smaller) share of the declared care arrives after the
                     deadline and is not paid
===================  =====================================================================

With client-months CM = CM_S (of the stock on 1 January) + N x m (N new episodes staying m
client-months each within the year), cost c per client-month of declared care and share q
of declared care that is paid, spending is CM x c x q; the forecast's c is whatever makes
that product equal the forecast, so everything it holds beyond the volume (prices, mix,
ceilings) is cost. For the models paid per client (and the real care cost of a lump sum)
the volume is the clients counted in the year, V = V_S (from the opening stock) + V_N (the
others), times the value per client u; duration plays no part there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from regie.engine.registry import FORECAST_DRIVERS, driver_label

#: The driver names in the order of substitution (what a user reads of each:
#: :data:`regie.engine.registry.FORECAST_DRIVERS`).
DRIVERS = tuple(d.key for d in FORECAST_DRIVERS)
#: The drivers that name a cause in the care itself (``plan`` is about the budget).
CAUSES = tuple(d.key for d in FORECAST_DRIVERS if d.cause)
#: Volumes below this count as none (a division by them would say nothing).
_TINY = 1e-9


def warning(forecast: float, high: float, ceiling: float | None) -> bool:
    """True when the forecast or the top of its range passes the ceiling (budget - reserve).

    >>> warning(90, 110, 100), warning(90, 100, 100), warning(90, 110, None)
    (True, False, False)
    """
    if ceiling is None:
        return False
    return forecast > ceiling or high > ceiling


@dataclass(frozen=True)
class Volumes:
    """The volume side of a plan or a forecast measured in client-months.

    ``stock_months``: client-months in the year of the clients in care on 1 January;
    ``starts``: new episodes in the year; ``start_months``: their client-months in the year;
    ``cost``: cost per client-month of declared care (cents); ``paid_share``: share of
    declared care paid.
    """

    stock_months: float
    starts: float
    start_months: float
    cost: float
    paid_share: float

    @property
    def months(self) -> float:
        return self.stock_months + self.start_months

    @property
    def months_per_start(self) -> float:
        return self.start_months / self.starts if self.starts > _TINY else 0.0

    @property
    def spending(self) -> float:
        return self.months * self.cost * self.paid_share


def volume_drivers(plan: Volumes, now: Volumes, forecast: float, budget: float) -> dict[str, float]:
    """Split forecast - budget into the drivers, in client-months (see the module docstring).

    ``now.cost`` is ignored: the forecast's cost per client-month is what makes
    ``now.months x cost x now.paid_share`` equal ``forecast``. The parts sum to
    ``forecast - budget``.

    >>> plan = Volumes(stock_months=100, starts=10, start_months=50, cost=10, paid_share=1.0)
    >>> now = Volumes(stock_months=100, starts=12, start_months=60, cost=0, paid_share=1.0)
    >>> d = volume_drivers(plan, now, forecast=1600, budget=1500)
    >>> d["plan"], d["inflow"], d["duration"], d["cost_per_client"]
    (0.0, 100.0, 0.0, 0.0)
    >>> round(sum(d.values()), 6)
    100.0
    """
    m0 = plan.months_per_start if plan.starts > _TINY else now.months_per_start
    c0, q0 = plan.cost, plan.paid_share
    q1 = now.paid_share
    months1 = now.months
    c1 = forecast / (months1 * q1) if months1 * q1 > _TINY else c0
    p0 = (plan.stock_months + plan.starts * m0) * c0 * q0
    parts = {
        "plan": p0 - budget,
        "inflow": (now.starts - plan.starts) * m0 * c0 * q0,
        "outflow": (now.stock_months - plan.stock_months) * c0 * q0,
        "duration": (now.start_months - now.starts * m0) * c0 * q0,
        "cost_per_client": months1 * (c1 - c0) * q0,
        "late_declarations": months1 * c1 * (q1 - q0),
    }
    return _close(parts, forecast - budget)


def client_drivers(
    plan_stock: float, plan_new: float, stock: float, new: float, value0: float, forecast: float, budget: float
) -> dict[str, float]:
    """Split forecast - budget for a volume of clients (per-client price, lump-sum care cost).

    Plan: ``plan_stock + plan_new`` clients at ``value0`` cents each; forecast:
    ``stock + new`` clients worth ``forecast`` together. Inflow is the difference in new
    clients, outflow in clients carried in from the opening stock, cost per client the rest.

    >>> d = client_drivers(80, 20, 80, 30, 1000, forecast=110_000, budget=100_000)
    >>> d["inflow"], d["cost_per_client"], round(sum(d.values()), 6)
    (10000.0, 0.0, 10000.0)
    """
    v1 = stock + new
    u1 = forecast / v1 if v1 > _TINY else value0
    parts = {
        "plan": float((plan_stock + plan_new) * value0 - budget),
        "inflow": float((new - plan_new) * value0),
        "outflow": float((stock - plan_stock) * value0),
        "duration": 0.0,
        "cost_per_client": v1 * (u1 - value0),
        "late_declarations": 0.0,
    }
    return _close(parts, forecast - budget)


def _close(parts: dict[str, float], total: float) -> dict[str, float]:
    """Put a rounding remainder (or what a degenerate case leaves) into ``cost_per_client``."""
    parts = {k: (v if math.isfinite(v) else 0.0) for k, v in parts.items()}
    parts["cost_per_client"] += total - sum(parts.values())
    return parts


def change_drivers(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    """Why a forecast moved from one month to the next: the change of each driver.

    The parts sum to the change of (forecast - budget), which is the change of the forecast
    when the budget stayed the same.

    >>> change_drivers({"inflow": 5.0, "plan": 1.0}, {"inflow": 8.0, "plan": 1.0})["inflow"]
    3.0
    """
    return {name: after.get(name, 0.0) - before.get(name, 0.0) for name in DRIVERS}


def main_driver(parts: Mapping[str, float]) -> str | None:
    """The cause that pushes the forecast up most (None when no cause pushes it up).

    >>> main_driver({"plan": 50.0, "inflow": 30.0, "outflow": 10.0, "cost_per_client": -5.0})
    'inflow'
    """
    best = max(CAUSES, key=lambda name: parts.get(name, 0.0))
    return best if parts.get(best, 0.0) > 0 else None


def driver_list(parts: Mapping[str, float], rounding: Sequence[str] = DRIVERS) -> list[dict[str, object]]:
    """The drivers as JSON rows ``{"driver", "label", "cents"}``, largest effect first.

    Cents are rounded so that they still sum to the rounded total (the rounding remainder
    goes to the largest part).

    >>> driver_list({"plan": 1.4, "inflow": 1.4, "outflow": 0.0, "duration": 0.0,
    ...              "cost_per_client": 0.0, "late_declarations": 0.0})[:2]
    [{'driver': 'plan', 'label': 'begroting tegenover vorig jaar', 'cents': 2}, {'driver': 'inflow', 'label': 'instroom', 'cents': 1}]
    """
    names = [n for n in rounding if n in parts]
    rounded = {n: int(round(parts[n])) for n in names}
    target = int(round(sum(parts[n] for n in names)))
    if names:
        biggest = max(names, key=lambda n: (abs(parts[n]), -names.index(n)))
        rounded[biggest] += target - sum(rounded.values())
    order = sorted(names, key=lambda n: (-abs(rounded[n]), names.index(n)))
    return [{"driver": n, "label": driver_label(n), "cents": rounded[n]} for n in order]
