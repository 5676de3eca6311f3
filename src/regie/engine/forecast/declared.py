"""The forecast of price x volume and outcome contracts: paid per declaration line.

- **realised**: the ledger's lines as of the as-of date (in the context);
- **IBNR**: chain-ladder on the triangle of money due (:mod:`~regie.engine.forecast.ibnr`,
  per municipality x segment, or the segment's pooled pattern when a municipality is thin),
  Bornhuetter-Ferguson for the care months that have hardly been declared yet (their
  client-months x the cost per client-month x the share not yet reported; the running
  month as a whole month, its rest from the simulation);
- **remaining**: simulated client-months (:mod:`~regie.engine.forecast.stockflow`) x the
  cost per client-month.

The cost per client-month is the chain-ladder ultimate of the last ``cost_window`` mature
care months divided by their client-months, at this year's prices
(:func:`~regie.engine.forecast.money.price_index`), per provider with credibility towards
the group (a provider's own cost weighs half at ``credibility_months``), times the ratio of
the ledger's money to the money due on the declared amounts this year. A contract ceiling
caps each path, taking from what comes last: the months not begun, then the IBNR.

Each path draws a cost multiplier (the standard error of the mean cost per client-month,
``cost_drift`` a year, and the mix of clients), a cost factor per month (the month-to-month
spread of the cost per client-month) and the chain-ladder IBNR from a normal with Mack's
standard error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import polars as pl

from regie.engine.forecast.base import DECLARED_MODELS, GROUP, Floats, lognormal_multipliers
from regie.engine.forecast.context import TRIANGLE_MONTHS, ForecastContext, cell_arrays, group_rng, providers_in
from regie.engine.forecast.exposure import last_settled_month
from regie.engine.forecast.family import FamilyForecast, SimulatedRow, SimulationSettings
from regie.engine.forecast.ibnr import ChainLadder, triangle
from regie.engine.forecast.money import client_cost_spread, price_index
from regie.engine.forecast.stockflow import Simulation
from regie.engine.forecast.volumes import (
    drivers_of,
    paid_shares,
    provider_budget,
    ratio_sum,
    volumes_now,
    volumes_plan,
)
from regie.engine.funding import effective_ceiling

Cell = tuple[str, str]


@dataclass(frozen=True, eq=False)
class _Segment:
    """One segment's data: its patterns, money due per (municipality, provider, care
    month), client-months likewise, the stock per (municipality, provider), the spread of
    cost per client-month between clients, and the price indices."""

    code: str
    model: str
    groups: ChainLadder
    pooled: ChainLadder
    thick: set[tuple[str, str]]
    latest: dict[tuple[str, str, int], float]
    cm: dict[tuple[str, str, int], float]
    stock_count: dict[Cell, int]
    spread: float
    index_of_year: dict[int, float]
    index_next: float


@dataclass(frozen=True)
class _Pattern:
    """The development pattern a municipality uses: its own, or its segment's pooled one."""

    fit: ChainLadder
    key: tuple[str, ...]
    share: Floats
    mature_age: int

    def s_at(self, age: int) -> float:
        """The share reported at ``age`` months (1 beyond the pattern)."""
        if age < self.share.size:
            return float(self.share[age])
        return 1.0


@dataclass
class _Paths:
    """Per (municipality, provider): the simulated year and next year, the IBNR per path,
    the money per client-month, and last year's money and client-months."""

    cells: list[Cell] = field(default_factory=list)
    paths: dict[Cell, Floats] = field(default_factory=dict)
    next_paths: dict[Cell, Floats] = field(default_factory=dict)
    ibnr: dict[Cell, Floats] = field(default_factory=dict)
    money_rate: dict[Cell, float] = field(default_factory=dict)
    prior_money: dict[Cell, float] = field(default_factory=dict)
    prior_months: dict[Cell, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Cost:
    """A municipality's cost per client-month: the window of mature care months, the
    ultimates per (provider, care month) at this year's prices, the group's cost, and the
    month-to-month spread (log-sd) with the error of its mean."""

    window: range
    ult: dict[tuple[str, int], float]
    group: float
    sigma_month: float
    se_mean: float


@dataclass(frozen=True)
class _Draws:
    """A municipality's random factors: money over due (kappa), the cost multipliers of
    this and next year, the normal of the IBNR, the factor per month and of the running one."""

    kappa: float
    mult: Floats
    mult_next: Floats
    z: Floats
    month_noise: Floats
    current_noise: Floats


@dataclass(kw_only=True, eq=False, repr=False)
class DeclaredSettings(SimulationSettings):
    """The settings of :class:`DeclaredForecast`, which the year-end model takes as its own
    (one list, one set of defaults).

    Parameters
    ----------
    n_paths, seed : of :class:`~regie.engine.forecast.family.SimulationSettings`.
    min_reported : origins reported below this share are projected Bornhuetter-Ferguson.
    min_rows : a municipality x segment with fewer declaration rows in its last 12 care
        months uses its segment's pooled development pattern.
    cost_window : mature care months the cost per client-month is learnt from.
    credibility_months : client-months at which a provider's own cost weighs half.
    cost_drift : log-standard deviation per year of the cost per client-month.
    """

    min_reported: float = 0.5
    min_rows: int = 200
    cost_window: int = 12
    credibility_months: float = 60.0
    cost_drift: float = 0.05

    def declared_settings(self) -> dict[str, Any]:
        """These settings by name (for a :class:`DeclaredForecast`)."""
        return {f.name: getattr(self, f.name) for f in fields(DeclaredSettings)}


class DeclaredForecast(DeclaredSettings, FamilyForecast):
    """Price x volume and outcome: chain-ladder IBNR, simulated client-months x cost.

    Parameters: those of :class:`DeclaredSettings`.

    Attributes (after :meth:`fit`)
    ------------------------------
    year_end_ : list of :class:`~regie.engine.forecast.family.SimulatedRow`.
    chainladder_ : segment -> (:class:`ChainLadder` per group, pooled :class:`ChainLadder`).
    """

    funding_models = DECLARED_MODELS

    def fit(self, context: ForecastContext) -> DeclaredForecast:
        """Forecast every price x volume and outcome segment of ``context``."""
        self.chainladder_: dict[str, tuple[ChainLadder, ChainLadder]] = {}
        super().fit(context)
        return self

    def _fit_segment(self, context: ForecastContext, segment: str, model: str, munis: list[str]) -> list[SimulatedRow]:
        seg = self._segment(context, segment, model, munis)
        acc = _Paths()
        for muni in munis:
            self._municipality(context, seg, muni, acc)
        self._contract_ceilings(context, segment, acc.paths)
        # a contract ceiling takes from what comes last: the months not begun, then the IBNR
        ibnr_mean = {
            c: float(np.minimum(v, acc.paths[c] - context.realised_of(c[0], segment, c[1])).mean())
            for c, v in acc.ibnr.items()
        }
        rows: list[SimulatedRow] = []
        for muni in munis:
            rows += self._rows(context, seg, muni, acc, ibnr_mean)
        return rows

    # ------------------------------------------------------------------ the segment

    def _patterns(
        self, context: ForecastContext, segment: str, munis: Sequence[str]
    ) -> tuple[ChainLadder, ChainLadder, set[tuple[str, str]]]:
        """The development patterns of a segment: per municipality, and pooled (fitted only
        when some municipality is too thin for its own)."""
        k = context.month
        rows = context.payable.filter(pl.col("segment") == segment)
        first = k - TRIANGLE_MONTHS + 1
        tri = triangle(rows, by=GROUP, values=["due_cents"], first=first, last=k)
        groups = ChainLadder(min_reported=self.min_reported).fit(tri, by=GROUP, value="due_cents", valuation=k)
        recent = rows.filter(pl.col("care_m") > k - 12).group_by(list(GROUP)).agg(pl.len().alias("n"))
        thick = {(str(m), str(s)) for m, s, n in recent.iter_rows() if n >= self.min_rows}
        for g, cdf in groups.cdf_.items():
            if not np.all(np.isfinite(cdf[groups.mature_age_ :])):
                thick.discard((g[0], g[1]))
        if all((m, segment) in thick for m in munis):
            pooled = groups
        else:
            pooled_tri = triangle(rows, by=("segment",), values=["due_cents"], first=first, last=k)
            pooled = ChainLadder(min_reported=self.min_reported).fit(
                pooled_tri, by=("segment",), value="due_cents", valuation=k
            )
        self.chainladder_[segment] = (groups, pooled)
        return groups, pooled, thick

    def _segment(self, context: ForecastContext, segment: str, model: str, munis: Sequence[str]) -> _Segment:
        k = context.month
        groups, pooled, thick = self._patterns(context, segment, munis)
        pay = context.payable.filter(pl.col("segment") == segment)
        latest = {
            (m, p, o): float(v)
            for m, p, o, v in pay.filter(pl.col("care_m") >= context.history_first)
            .group_by("municipality", "provider", "care_m")
            .agg(pl.col("due_cents").sum())
            .iter_rows()
        }
        cm = {
            (m, p, o): float(v)
            for m, s, p, o, v, _n in context.client_months.filter(pl.col("segment") == segment).iter_rows()
        }
        stock_count = {
            (m, p): int(n)
            for m, p, n in context.stockflow.stock_.filter(pl.col("segment") == segment)
            .group_by("municipality", "provider")
            .agg(pl.len())
            .iter_rows()
        }
        eps = context.stockflow.episodes_.filter(pl.col("segment") == segment)
        settled = last_settled_month(context.as_of)
        spread = client_cost_spread(pay, eps, first=settled - 11, last=settled, as_of=context.as_of)
        index_of_year = {
            y: price_index(context.catalog, segment, y, context.year)
            for y in range(context.history_first // 12, k // 12 + 1)
        }
        index_next = price_index(context.catalog, segment, context.year, context.year + 1)
        return _Segment(
            segment, model, groups, pooled, thick, latest, cm, stock_count, spread, index_of_year, index_next
        )

    # ------------------------------------------------------------------ one municipality

    def _municipality(self, context: ForecastContext, seg: _Segment, muni: str, acc: _Paths) -> None:
        """Simulate one municipality's providers into ``acc``."""
        segment = seg.code
        in_group = (muni, segment) in seg.thick
        fit = seg.groups if in_group else seg.pooled
        key: tuple[str, ...] = (muni, segment) if in_group else (segment,)
        pattern = _Pattern(
            fit, key, fit.reported_share_.get(key, np.zeros(0)), fit.mature_age_ if fit.reported_share_ else 0
        )
        sim = self._simulate(context, muni, segment)
        cells = sorted(
            set(sim.cells)
            | {p for (m, p, _o) in seg.latest if m == muni}
            | providers_in(context.realised, muni, segment)
        )
        cost = self._cost(context, seg, muni, cells, pattern)
        draws = self._draws(context, seg, muni, cost, sim)
        se_year = _se_year(context, seg, muni, cells, pattern)
        estimates = self._estimates(context, seg, muni, cells, pattern, cost, draws.kappa, acc)
        self._paths(context, seg, muni, cells, sim, draws, se_year, estimates, acc)

    def _cost(
        self, context: ForecastContext, seg: _Segment, muni: str, cells: Sequence[str], pattern: _Pattern
    ) -> _Cost:
        """The cost per client-month over the last mature care months, at this year's prices."""
        k = context.month
        mature_age = pattern.mature_age
        window = range(max(context.history_first, k - mature_age - self.cost_window + 1), k - mature_age + 1)
        ult: dict[tuple[str, int], float] = {}
        for p in cells:
            for o in window:
                s = pattern.s_at(k - o)
                ult[(p, o)] = (
                    seg.latest.get((muni, p, o), 0.0) / s * seg.index_of_year.get(o // 12, 1.0) if s > 0 else 0.0
                )
        group_ult = sum(ult.values())
        group_cm = sum(seg.cm.get((muni, p, o), 0.0) for p in cells for o in window)
        c_group = group_ult / group_cm if group_cm > 0 else 0.0
        monthly = [
            sum(ult.get((p, o), 0.0) for p in cells) / cm_o
            for o in window
            if (cm_o := sum(seg.cm.get((muni, p, o), 0.0) for p in cells)) > 0
        ]
        positive = [c for c in monthly if c > 0]
        # month-to-month spread of the cost per client-month (e.g. a provider whose
        # declarations of a month all came late), and the error of its mean
        sigma_month = float(np.std(np.log(positive), ddof=1)) if len(positive) > 2 else 0.1
        se_mean = sigma_month / np.sqrt(len(positive)) if len(positive) > 2 else 0.1
        return _Cost(window, ult, c_group, sigma_month, se_mean)

    def _draws(self, context: ForecastContext, seg: _Segment, muni: str, cost: _Cost, sim: Simulation) -> _Draws:
        """The random factors of one municipality (one generator, drawn in a fixed order)."""
        P = self.n_paths
        k, y0, y_end = context.month, context.first_month, context.last_month
        segment = seg.code
        rest_months = max(0, y_end - k)
        sigma_c = float(np.sqrt(cost.se_mean**2 + self.cost_drift**2 * rest_months / 12))
        sigma_next = float(np.sqrt(cost.se_mean**2 + self.cost_drift**2 * (rest_months + 12) / 12))
        declared = sum(v for (c, p, s, m), v in context.declared.items() if (s, m) == (segment, muni))
        due_y = sum(v for (m, p, o), v in seg.latest.items() if m == muni and y0 <= o <= min(k, y_end))
        kappa = float(np.clip(declared / due_y, 0.5, 1.5)) if due_y > 0 and declared > 0 else 1.0
        rng = group_rng(self.seed, context.as_of, "cost", muni, segment)
        # which clients the coming months are made of: the fewer clients, the more it matters
        n_stock = sum(n for (m, _p), n in seg.stock_count.items() if m == muni)
        sigma_c = float(np.sqrt(sigma_c**2 + seg.spread**2 / max(n_stock, 1)))
        mult = lognormal_multipliers(rng, sigma_c, P)
        mult_next = mult * lognormal_multipliers(rng, float(np.sqrt(max(sigma_next**2 - sigma_c**2, 0.0))), P)
        z = rng.normal(0.0, 1.0, P)
        n_months = sim.client_months.shape[2]
        sigma_month = cost.sigma_month
        month_noise = np.exp(rng.normal(-0.5 * sigma_month**2, sigma_month, (P, n_months)))
        current_noise = np.exp(rng.normal(-0.5 * sigma_month**2, sigma_month, P))
        return _Draws(kappa, mult, mult_next, z, month_noise, current_noise)

    def _estimates(
        self,
        context: ForecastContext,
        seg: _Segment,
        muni: str,
        cells: Sequence[str],
        pattern: _Pattern,
        cost: _Cost,
        kappa: float,
        acc: _Paths,
    ) -> dict[str, tuple[float, float, float]]:
        """Per provider: (chain-ladder IBNR, Bornhuetter-Ferguson IBNR to date, its money per
        client-month of the rest of the running month); the money rate and last year's money
        and client-months go into ``acc``."""
        k, y0, y_end = context.month, context.first_month, context.last_month
        s_at = pattern.s_at
        out: dict[str, tuple[float, float, float]] = {}
        for p in cells:
            cm_p = sum(seg.cm.get((muni, p, o), 0.0) for o in cost.window)
            raw = sum(cost.ult.get((p, o), 0.0) for o in cost.window) / cm_p if cm_p > 0 else cost.group
            z_p = cm_p / (cm_p + self.credibility_months)
            c_p = z_p * raw + (1 - z_p) * cost.group
            cl_ibnr = 0.0
            bf_ibnr = 0.0
            bf_rest = 0.0
            for o in range(max(y0, context.history_first), min(k, y_end) + 1):
                age = k - o
                s = s_at(age)
                value = seg.latest.get((muni, p, o), 0.0)
                if age >= pattern.mature_age and s > 0:
                    cl_ibnr += value * (1 / s - 1)
                else:
                    # Bornhuetter-Ferguson on the whole month: its client-months to the
                    # as-of date here, the rest of the running month from the simulation
                    bf_ibnr += seg.cm.get((muni, p, o), 0.0) * c_p * (1 - s)
                    if o == k:
                        bf_rest = c_p * (1 - s)
            out[p] = (cl_ibnr, bf_ibnr, bf_rest)
            acc.money_rate[(muni, p)] = c_p * kappa
            acc.prior_money[(muni, p)] = sum(
                seg.latest.get((muni, p, o), 0.0) / s_at(k - o) * seg.index_of_year.get(o // 12, 1.0) * kappa
                for o in range(y0 - 12, y0)
                if s_at(k - o) > 0
            )
            acc.prior_months[(muni, p)] = sum(seg.cm.get((muni, p, o), 0.0) for o in range(y0 - 12, y0))
        return out

    def _paths(
        self,
        context: ForecastContext,
        seg: _Segment,
        muni: str,
        cells: Sequence[str],
        sim: Simulation,
        draws: _Draws,
        se_year: float,
        estimates: dict[str, tuple[float, float, float]],
        acc: _Paths,
    ) -> None:
        """Each provider's paths: realised + IBNR + the months not begun, and next year."""
        _, nxt = context.year_slices()
        running, later = context.begun_slices()
        segment = seg.code
        kappa = draws.kappa
        sim_cm = cell_arrays(sim, cells, "client_months")
        cl_total = sum(e[0] for e in estimates.values())
        for j, p in enumerate(cells):
            c = (muni, p)
            cl_ibnr, bf_ibnr, bf_rest = estimates[p]
            weight = cl_ibnr / cl_total if cl_total > 0 else 1.0 / len(cells)
            rest = sim_cm[:, j, running].sum(axis=1)
            bf = (bf_ibnr + rest * bf_rest) * kappa * draws.mult * draws.current_noise
            ibnr = cl_ibnr * kappa + se_year * kappa * draws.z * weight + bf
            months = sim_cm[:, j, :] * draws.month_noise
            remaining = months[:, later].sum(axis=1) * acc.money_rate[c] * draws.mult
            acc.paths[c] = context.realised_of(muni, segment, p) + ibnr + remaining
            acc.next_paths[c] = months[:, nxt].sum(axis=1) * acc.money_rate[c] * draws.mult_next * seg.index_next
            acc.ibnr[c] = ibnr
            acc.cells.append(c)

    def _rows(
        self, context: ForecastContext, seg: _Segment, muni: str, acc: _Paths, ibnr_mean: dict[Cell, float]
    ) -> list[SimulatedRow]:
        """The providers of one municipality x segment, then the group itself, with drivers."""
        P = self.n_paths
        segment = seg.code
        cells = [p for (m, p) in acc.cells if m == muni]
        plan = volumes_plan(context, muni, segment, cells)
        now = volumes_now(context, muni, segment, cells)
        q_now = paid_shares(context, segment, muni, this_year=True)
        q_plan = paid_shares(context, segment, muni, this_year=False)
        budget, ceiling = context.budget(muni, segment, context.year)
        total_prior = sum(acc.prior_money.get((muni, p), 0.0) for p in cells)
        group = SimulatedRow(muni, segment, None, seg.model, budget=budget, ceiling=ceiling)
        group.next_budget, group.next_ceiling = context.budget(muni, segment, context.year + 1)
        group.paths = np.zeros(P)
        group.next_paths = np.zeros(P)
        rows: list[SimulatedRow] = []
        for p in cells:
            c = (muni, p)
            unit = SimulatedRow(muni, segment, p, seg.model)
            unit.realised = context.realised_of(muni, segment, p)
            unit.ibnr = ibnr_mean[c]
            unit.paths = acc.paths[c]
            unit.next_paths = acc.next_paths[c]
            unit.budget = unit.ceiling = provider_budget(
                context, segment, muni, p, budget, acc.prior_money, total_prior
            )
            group.realised += unit.realised
            group.ibnr += unit.ibnr
            group.paths = group.paths + unit.paths
            group.next_paths = group.next_paths + unit.next_paths
            unit.drivers = drivers_of(
                plan.get(p, (0.0, 0.0, 0.0)),
                now.get(p, (0.0, 0.0, 0.0)),
                (acc.prior_money.get(c, 0.0), acc.prior_months.get(c, 0.0), acc.money_rate.get(c, 0.0)),
                q_plan.get(p),
                q_now.get(p),
                float(unit.paths.mean()),
                unit.budget,
            )
            rows.append(unit)
        y0 = context.first_month
        plan_g = tuple(sum(plan.get(p, (0.0, 0.0, 0.0))[i] for p in cells) for i in range(3))
        now_g = tuple(sum(now.get(p, (0.0, 0.0, 0.0))[i] for p in cells) for i in range(3))
        money_g = sum(
            acc.money_rate.get((muni, p), 0.0) * sum(seg.cm.get((muni, p, o), 0.0) for o in range(y0 - 12, y0))
            for p in cells
        )
        months_g = sum(acc.prior_months.get((muni, p), 0.0) for p in cells)
        group.drivers = drivers_of(
            plan_g,  # type: ignore[arg-type]
            now_g,  # type: ignore[arg-type]
            (total_prior, months_g, money_g / months_g if months_g > 0 else 0.0),
            ratio_sum(q_plan.values()),
            ratio_sum(q_now.values()),
            float(group.paths.mean()),
            budget,
        )
        rows.append(group)
        return rows

    def _contract_ceilings(self, context: ForecastContext, segment: str, paths: dict[Cell, Floats]) -> None:
        """Cap each path of a contract with a ceiling at that ceiling (split back pro rata)."""
        for contract in context.catalog.contracts:
            if contract.segment != segment or contract.ceiling <= 0 or not contract.active_in(context.year):
                continue
            mine = [(m, contract.provider) for m in contract.municipalities if (m, contract.provider) in paths]
            if not mine:
                continue
            total = sum((paths[c] for c in mine), np.zeros(self.n_paths))
            limit = float(effective_ceiling(contract, context.reallocations, context.as_of))
            factor = np.where(total > limit, limit / np.where(total > 0, total, 1.0), 1.0)
            for c in mine:
                paths[c] = paths[c] * factor


def _se_year(context: ForecastContext, seg: _Segment, muni: str, cells: Sequence[str], pattern: _Pattern) -> float:
    """Mack's standard error of the chain-ladder IBNR of this year's mature care months of
    one municipality (a pooled pattern's error scaled by the square root of its share of
    the pooled IBNR), with the correlation through the shared factors."""
    k, y0, y_end = context.month, context.first_month, context.last_month
    segment = seg.code
    pooled = pattern.key == (segment,)
    origins = pattern.fit.origins_
    if pooled:
        origins = origins.filter(pl.col("segment") == segment)
    else:
        origins = origins.filter((pl.col("municipality") == muni) & (pl.col("segment") == segment))
    ses = {int(o): float(se or 0.0) for o, se in origins.select("origin_m", "se").iter_rows()}
    pooled_ibnr = {int(o): float(v or 0.0) for o, v in origins.select("origin_m", "ibnr").iter_rows()}
    all_se = float(np.sqrt(sum(v**2 for v in ses.values())))
    corr = pattern.fit.total_se_.get(pattern.key, all_se) / all_se if all_se > 0 else 1.0
    se_sq = 0.0
    for o in range(max(y0, context.history_first), min(k, y_end) + 1):
        if k - o < pattern.mature_age:
            continue
        se_o = ses.get(o, 0.0)
        if pooled:
            mine = sum(seg.latest.get((muni, p, o), 0.0) for p in cells) * (1 / max(pattern.s_at(k - o), 1e-9) - 1)
            se_o *= float(np.sqrt(mine / pooled_ibnr[o])) if pooled_ibnr.get(o, 0.0) > 0 else 0.0
        se_sq += se_o**2
    return float(np.sqrt(se_sq)) * corr
