"""The :class:`~regie.engine.scenarios.apply.Profile` of a fitted year-end forecast.

Per municipality x segment of :class:`~regie.engine.forecast.YearEndForecast` the cells are
the providers of the stock-and-flow model's expected run (:meth:`StockFlow.expected`: the
mean of the simulation, without randomness) and the providers with a forecast row there.
From the first month not begun to the end of the outlook each cell takes the run's new
episodes and the exit probabilities that turn its stock into the run's episodes in care
(:func:`~regie.engine.scenarios.profile.hazards_of`), so the plan without changes ends the
forecast's year with the stock the forecast ends it with, and the outlook goes on from there.

The rates (money per unit) are calibrated on the forecast: per provider its row's
``remaining`` over its units in the months not begun, scaled so the group's cells give the
group's ``remaining`` exactly; for the years after, next year's forecast over next year's
units (at next year's contract prices when the catalog has them). Population projections
scale the new episodes of the outlook's years after this calibration.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from regie.engine import calendar
from regie.engine.forecast.base import DECLARED_MODELS, FIXED_MODELS
from regie.engine.forecast.model import YearEndForecast
from regie.engine.forecast.stockflow import StockFlow
from regie.engine.scenarios.apply import Group, Profile
from regie.engine.scenarios.population import Population
from regie.engine.scenarios.profile import Cell, Floats, Plan, calibrate, hazards_of, run

#: The outlook reaches at most this many years past the forecast's year.
MAX_YEARS = 5


def basis_of(model: str) -> str:
    """The unit of money of a funding model (see :mod:`~regie.engine.scenarios.profile`)."""
    if model in DECLARED_MODELS:
        return "client_months"
    if model in FIXED_MODELS:
        return "fixed"
    return "clients"


def _opening_stock(sf: StockFlow, municipality: str, segment: str, cells: tuple[str, ...]) -> Floats:
    """Episodes in care per cell on the as-of date as the expected run counts them: the
    known stock without the share that has in fact ended, with the share not known yet."""
    types = sf.stock_types(municipality, segment)
    ghost = sf.ghost_.get(segment, 0.0)
    missing = sf.missing_.get(segment, 0.0)
    n_stock = float(types["n"].sum()) if types.height else 0.0
    shares = sf.provider_share_.get((municipality, segment), {})
    out = np.zeros(len(cells))
    for i, provider in enumerate(cells):
        mine = types.filter(types["provider"] == provider)
        out[i] = float(mine["n"].sum()) * (1 - ghost) + missing * n_stock * shares.get(provider, 0.0)
    return out


def _raw_cells(
    model: YearEndForecast, municipality: str, segment: str, basis: str, horizon: int, first: int, extra: list[str]
) -> list[Cell]:
    """The cells of a group with rate 0: stock, new episodes and exit probabilities."""
    sf = model.stockflow_
    shift = first - sf.first_  # 1 when the simulation begins with the rest of the as-of month
    sim = sf.expected(municipality, segment, horizon + shift)
    stock = _opening_stock(sf, municipality, segment, sim.cells)
    cells = []
    for i, provider in enumerate(sim.cells):
        starts = np.asarray(sim.starts[0, i, shift:], dtype=np.float64)
        alive = np.asarray(sim.alive[0, i, shift:], dtype=np.float64)
        b0 = float(sim.alive[0, i, 0]) if shift else float(stock[i])
        cells.append(Cell(municipality, segment, provider, basis, first, b0, starts, hazards_of(b0, starts, alive)))
    zeros = np.zeros(horizon)
    for provider in extra:
        if provider not in sim.cells:
            cells.append(Cell(municipality, segment, provider, basis, first, 0.0, zeros.copy(), zeros.copy()))
    if not cells:
        cells.append(Cell(municipality, segment, "", basis, first, 0.0, zeros.copy(), zeros.copy()))
    return cells


def _calibrated(
    cells: list[Cell],
    year: int,
    first: int,
    row: dict[str, Any],
    providers: Mapping[str, dict[str, Any]],
    next_row: dict[str, Any] | None,
) -> list[Cell]:
    """The cells with their rates: each provider's remaining over its units, scaled to the
    group's remaining; next year's forecast over next year's units."""
    ones = [replace(c, rate=1.0) for c in cells]
    units = run(ones, Plan.neutral(len(ones), ones[0].horizon), year).units
    this = slice(0, max(0, (year + 1) * 12 - first))
    nxt = slice(this.stop, this.stop + 12)
    own = []
    for i, cell in enumerate(cells):
        prow = providers.get(cell.provider)
        own.append(calibrate(units[i, this], prow["remaining"]) if prow else math.nan)
    known = [r for r in own if not math.isnan(r) and r > 0]
    fallback = sum(known) / len(known) if known else 1.0
    rates = np.array([fallback if math.isnan(r) or r <= 0 else r for r in own])
    k = calibrate(units[:, this].sum(axis=1) * rates, row["remaining"])
    if k == 0 and row["remaining"]:
        rates, k = np.ones(len(cells)), calibrate(units[:, this], row["remaining"])
    rates = rates * k
    after = (rates * units[:, nxt].sum(axis=1)).sum()
    k_next = next_row["forecast"] / after if next_row and after > 0 else 1.0
    if next_row and after <= 0:
        fallback_next = calibrate(units[:, nxt], next_row["forecast"])
        return [replace(c, rate=float(r), rates=(fallback_next,)) for c, r in zip(cells, rates, strict=True)]
    return [replace(c, rate=float(r), rates=(float(r * k_next),)) for c, r in zip(cells, rates, strict=True)]


def _with_population(cells: list[Cell], population: Population | None, domain: str, year: int) -> list[Cell]:
    """The cells with the outlook's new episodes scaled by the population projections."""
    if population is None:
        return cells
    out = []
    for cell in cells:
        months = cell.first + np.arange(cell.horizon)
        factor = np.array(
            [
                population.factor(cell.municipality, domain, int(m // 12), year) if m // 12 > year else 1.0
                for m in months
            ]
        )
        out.append(replace(cell, starts=cell.starts * factor))
    return out


def build_profile(
    model: YearEndForecast,
    *,
    years: int = 0,
    population: Population | None = None,
    funding_ratios: Mapping[tuple[str, str], float] | None = None,
) -> Profile:
    """The profile of a fitted forecast, with ``years`` outlook years (at most 5)."""
    model.check_fitted("rows_")
    years = max(0, min(years, MAX_YEARS))
    year, as_of = model.year_, model.as_of_
    first = calendar.month_index(as_of) + 1
    horizon = (year + 1 + max(years, 1)) * 12 - first
    nexts = {(r.municipality, r.segment): r.as_dict() for r in model.next_year_}
    groups = []
    for r in model.rows_:
        providers = {
            p.provider: p.as_dict()
            for p in model.providers_
            if p.municipality == r.municipality and p.segment == r.segment and p.provider
        }
        basis = basis_of(r.funding_model)
        cells = _raw_cells(model, r.municipality, r.segment, basis, horizon, first, sorted(providers))
        nxt = nexts.get((r.municipality, r.segment))
        cells = _calibrated(cells, year, first, r.as_dict(), providers, nxt)
        domain = model.catalog_.segment(r.segment).domain
        cells = _with_population(cells, population, domain, year)
        groups.append(
            Group(r.municipality, r.segment, r.funding_model, domain, r.as_dict(), providers, nxt, tuple(cells))
        )
    drift = math.hypot(model.cost_drift, model.inflow_drift)
    return Profile(year, as_of, first, horizon, years, tuple(groups), dict(funding_ratios or {}), drift)


def budget_weights(model: YearEndForecast) -> dict[str, float]:
    """Municipality -> its budgets of the forecast's year (shares out a new segment)."""
    out: dict[str, float] = {}
    for b in model.catalog_.budgets:
        if b.year == model.year_:
            out[b.municipality] = out.get(b.municipality, 0.0) + b.amount
    return out
