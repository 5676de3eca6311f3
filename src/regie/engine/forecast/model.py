"""The year-end forecast per municipality x segment and per provider (domain.md section 6).

forecast = realised + IBNR + remaining, with an 80 % range, for the care of one year:

- **realised**: what the funding rules make due for care of the year, reported by the as-of
  date: the payment ledger (:func:`regie.engine.funding.ledger`) as of that date, per-client
  contracts settled provisionally on the clients counted so far (their advances are shown
  beside it, ``advances``), without the segment ceiling's cuts (the forecast is compared
  with that ceiling, so it must not be cut by it; a contract's own ceiling does apply);
- **IBNR**: expected still to arrive for the care months that have begun by the as-of date,
  the running month as a whole month (the rest of it simulated);
- **remaining**: expected for the care months that have not begun.

On every day of the month the same year-end is estimated: the development pattern counts
delays in periods that end on the as-of day (:func:`~regie.engine.forecast.ibnr.arrival_period`),
and the simulation starts with the rest of the running month.

How each funding model turns care into money
--------------------------------------------
- *Price x volume, outcome* (paid on declarations): IBNR by chain-ladder on the triangle of
  money due (:mod:`~regie.engine.forecast.ibnr`; Bornhuetter-Ferguson for the care month
  that has hardly been declared yet); remaining = simulated client-months
  (:mod:`~regie.engine.forecast.stockflow`) x cost per client-month. The cost per
  client-month is the chain-ladder ultimate of the last 12 mature care months divided by
  their client-months, at this year's prices (:func:`~regie.engine.forecast.money.price_index`),
  per provider with credibility towards the group, times the ratio of the ledger's money to
  the money due on the declared amounts this year. Contract ceilings cap each path.
- *Per-client price*: the money is min(counted clients, N_p x (1 + band)) x P_p per
  contract (the settlement rule of :mod:`regie.engine.funding`); counted clients = clients
  counted now + pending clients (in care this year, not yet counted) that will be + new
  clients from the simulated new episodes (:func:`~regie.engine.forecast.money.client_ratios`).
  Realised is what the clients counted so far make due (the provisional settlement); IBNR
  what the pending clients and the running month's new clients add; remaining what the new
  clients of the months not begun add (:func:`_settlement_steps`).
- *Lump sum, population*: the money is fixed: the year's instalments (the ledger as of the
  year's last day). Beside it the row shows the real care cost (clients x the contract's
  tariff per client, the basis of the lump sum) and the clients with their range, and it
  warns on clients above the clients the lump sum was based on.

Uncertainty
-----------
Each path draws:

- the exits of the stock and of the new episodes (multinomial per duration cohort) and the
  new episodes per provider and month (Poisson) around an inflow level drawn per path (its
  estimation error plus ``inflow_drift`` per year of horizon);
- a cost multiplier per path (the standard error of the mean cost per client-month plus
  ``cost_drift`` per year) and one per month (the month-to-month spread of the cost per
  client-month in the window: a provider whose declarations of a month all arrive late
  takes a month's money with it);
- the chain-ladder IBNR from a normal with Mack's standard error;
- for the per-client price, the pending and new clients one by one (binomial, Poisson),
  with the rates drawn per path around their estimate (log-standard deviation 1/sqrt(n+1)
  for a rate learnt from n clients).

The 80 % range is the 10th-90th percentile of the paths; the forecast is their mean.

Drivers and warning
-------------------
See :mod:`~regie.engine.forecast.warning`: the plan is the same stock-and-flow model fitted
as of the last day of the previous year (:attr:`YearEndForecast.plan_stockflow_`: last
year's rates, the opening stock as then known), with last year's cost per client-month at
this year's prices and last year's share paid in time, compared at the same day of the year.
A provider's budget is its contract ceiling when it has one, for the per-client price its
agreement (N_p x P_p), for a lump sum its lump sum, and otherwise the group's budget in
proportion to its spending last year.

Next year
---------
The same simulation runs on for the twelve months of the next year: client-months x cost
(at next year's prices when its contracts are in the catalog), counted clients under next
year's per-client contracts (else this year's), next year's lump sums (else this year's).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from regie.engine.catalog import Catalog
from regie.engine.forecast.base import (
    DECLARED_MODELS,
    FIXED_MODELS,
    GROUP,
    Estimator,
    Floats,
    Range,
    cents,
    lognormal_multipliers,
)
from regie.engine.forecast.context import TRIANGLE_MONTHS, ForecastContext
from regie.engine.forecast.family import SimulatedRow
from regie.engine.forecast.fixed import FixedForecast
from regie.engine.forecast.ibnr import ChainLadder, triangle
from regie.engine.forecast.money import (
    client_cost_spread,
    contract_for,
    paid_share,
    price_index,
)
from regie.engine.forecast.per_client import PerClientForecast
from regie.engine.forecast.stockflow import Simulation, StockFlow, client_months, last_settled_month
from regie.engine.forecast.warning import DRIVERS, Volumes, driver_list, volume_drivers, warning
from regie.engine.funding import (
    AgreedChange,
    PaymentLine,
    Reallocation,
    effective_ceiling,
    municipality_weights,
)


@dataclass(frozen=True)
class ForecastRow:
    """One row of the forecast: a municipality x segment, or a provider within it.

    Amounts in cents; ``realised + ibnr + remaining == forecast``. ``advances`` are the
    advances paid by the as-of date (per-client price; 0 under the other models), shown
    beside ``realised``, which is what the funding rules make due. ``drivers`` splits
    ``forecast - budget`` (for a lump sum: ``care_cost - budget``) into the parts of
    :mod:`~regie.engine.forecast.warning`. ``clients`` is the range of the clients that
    count (per-client price) or are in care (lump sum) in the year.
    """

    municipality: str
    segment: str
    provider: str | None
    funding_model: str
    year: int
    as_of: dt.date
    budget: int | None
    ceiling: int | None
    realised: int
    ibnr: int
    remaining: int
    forecast: int
    low: int
    high: int
    warning: bool
    drivers: tuple[tuple[str, float], ...] = ()
    advances: int = 0
    clients: Range | None = None
    expected_clients: float | None = None
    care_cost: Range | None = None

    @property
    def driver_parts(self) -> dict[str, float]:
        return dict(self.drivers)

    def as_dict(self) -> dict[str, Any]:
        """The row of ``regie forecast --json``: the contract's keys first, then the extras."""
        out: dict[str, Any] = {
            "municipality": self.municipality,
            "segment": self.segment,
            "budget": self.budget,
            "realised": self.realised,
            "ibnr": self.ibnr,
            "remaining": self.remaining,
            "forecast": self.forecast,
            "low": self.low,
            "high": self.high,
            "warning": self.warning,
            "drivers": driver_list(self.driver_parts) if self.drivers else [],
        }
        if self.provider is not None:
            out["provider"] = self.provider
        out["funding_model"] = self.funding_model
        out["advances"] = self.advances
        out["ceiling"] = self.ceiling
        if self.clients is not None:
            out["clients"] = {
                "forecast": round(self.clients.mean, 1),
                "low": round(self.clients.low, 1),
                "high": round(self.clients.high, 1),
                "expected": None if self.expected_clients is None else round(self.expected_clients, 1),
            }
        if self.care_cost is not None:
            out["care_cost"] = {
                "forecast": cents(self.care_cost.mean),
                "low": cents(self.care_cost.low),
                "high": cents(self.care_cost.high),
            }
        return out


_Unit = SimulatedRow


def _rng(seed: int, as_of: dt.date, *keys: str) -> np.random.Generator:
    """A generator for one group, independent of the order groups are computed in."""
    words = [seed, as_of.toordinal(), *(zlib.crc32("|".join(keys).encode()) for _ in (0,))]
    return np.random.default_rng(np.random.SeedSequence(words))


class YearEndForecast(Estimator):
    """Year-end spending per municipality x segment and provider, with an 80 % range.

    Parameters
    ----------
    n_paths : simulated paths.
    seed : seed of the simulation (same data, same seed: same forecast).
    min_reported : origins reported below this share are projected Bornhuetter-Ferguson.
    min_rows : a municipality x segment with fewer declaration rows in its last 12 care
        months uses its segment's pooled development pattern.
    cost_window : mature care months the cost per client-month is learnt from.
    credibility_months : client-months at which a provider's own cost weighs half.
    cost_drift : log-standard deviation per year of the cost per client-month.
    inflow_drift, window_months, max_duration : of the :class:`StockFlow` model.
    steering : the share of a per-client segment's new clients that go to the providers
        with room under their agreement (see :meth:`_steer`); 0 divides them by the
        providers' shares of new episodes only.

    Attributes (after :meth:`fit`)
    ------------------------------
    rows_ : list of :class:`ForecastRow` per municipality x segment.
    providers_ : list of :class:`ForecastRow` per provider within them.
    next_year_ : list of :class:`ForecastRow` for the next year (realised and IBNR 0).
    stockflow_, plan_stockflow_ : the fitted stock-and-flow models (now, and as of the end
        of the previous year: the plan).
    chainladder_ : segment -> (:class:`ChainLadder` per group, pooled :class:`ChainLadder`).
    """

    def __init__(
        self,
        *,
        n_paths: int = 1000,
        seed: int = 0,
        min_reported: float = 0.5,
        min_rows: int = 200,
        cost_window: int = 12,
        credibility_months: float = 60.0,
        cost_drift: float = 0.05,
        inflow_drift: float = 0.15,
        window_months: int = 24,
        max_duration: int = 36,
        steering: float = 1.0,
    ) -> None:
        self.n_paths = n_paths
        self.seed = seed
        self.min_reported = min_reported
        self.min_rows = min_rows
        self.cost_window = cost_window
        self.credibility_months = credibility_months
        self.cost_drift = cost_drift
        self.inflow_drift = inflow_drift
        self.window_months = window_months
        self.max_duration = max_duration
        self.steering = steering

    # ------------------------------------------------------------------ fit

    def fit(
        self,
        catalog: Catalog,
        episodes: pl.DataFrame,
        declarations: pl.DataFrame,
        *,
        year: int,
        as_of: dt.date,
        agreed_changes: Sequence[AgreedChange] = (),
        reallocations: Sequence[Reallocation] = (),
    ) -> YearEndForecast:
        """Forecast the care of ``year`` as of ``as_of`` (only data arrived by then counts)."""
        ctx = ForecastContext.of(
            catalog,
            episodes,
            declarations,
            year=year,
            as_of=as_of,
            agreed_changes=agreed_changes,
            reallocations=reallocations,
            stockflow=StockFlow(
                window_months=self.window_months, max_duration=self.max_duration, inflow_drift=self.inflow_drift
            ),
        )
        self.context_ = ctx
        self.catalog_ = catalog
        self.year_ = year
        self.as_of_ = as_of
        self.agreed_changes_ = ctx.agreed_changes
        self.reallocations_ = ctx.reallocations
        self.stockflow_ = ctx.stockflow
        self.plan_stockflow_ = ctx.plan_stockflow
        # legacy state of the per-family paths still inline below
        self._k = ctx.month
        self._y0 = ctx.first_month
        self._y_end = ctx.last_month
        self._horizon = ctx.horizon
        self._plan_day = ctx.plan_day
        self._pay = ctx.payable
        self._first = ctx.history_first
        self._cm = ctx.client_months
        self._realised = ctx.realised
        self._advances = ctx.advances
        self._declared_money = ctx.declared
        self._ratios, self._cell_ratios = ctx.ratios, ctx.cell_ratios
        self._counted = ctx.counted
        self._in_care = ctx.in_care
        self.chainladder_: dict[str, tuple[ChainLadder, ChainLadder]] = {}
        fixed = FixedForecast(n_paths=self.n_paths, seed=self.seed).fit(ctx)
        per_client = PerClientForecast(n_paths=self.n_paths, seed=self.seed, steering=self.steering).fit(ctx)
        by_segment: dict[str, list[_Unit]] = {}
        for u in [*fixed.year_end_, *per_client.year_end_]:
            by_segment.setdefault(u.segment, []).append(u)

        units: list[_Unit] = []
        for segment in catalog.segments:
            munis = self._municipalities(segment.code)
            if not munis:
                continue
            if segment.funding_model in DECLARED_MODELS:
                units += self._declared(segment.code, segment.funding_model, munis)
            else:
                units += by_segment.get(segment.code, [])
        self.rows_ = [self._row(u) for u in units if u.provider is None]
        self.providers_ = [self._row(u) for u in units if u.provider is not None]
        self.next_year_ = [self._row(u, next_year=True) for u in units if u.provider is None]
        return self

    def document(self) -> dict[str, Any]:
        """The JSON document of ``regie forecast --json`` (domain.md section 12), extended
        with the provider rows and next year's forecast."""
        self.check_fitted("rows_")
        return {
            "year": self.year_,
            "as_of": self.as_of_.isoformat(),
            "rows": [r.as_dict() for r in self.rows_],
            "providers": [r.as_dict() for r in self.providers_],
            "next_year": [r.as_dict() for r in self.next_year_],
        }

    # ------------------------------------------------------------------ shared pieces

    def _municipalities(self, segment: str) -> list[str]:
        """Municipalities of a segment with a budget or a running contract this year."""
        out = {b.municipality for b in self.catalog_.budgets if b.segment == segment and b.year == self.year_}
        for c in self.catalog_.contracts:
            if c.segment == segment and c.active_in(self.year_):
                out.update(c.municipalities)
        return sorted(out)

    def _budget(self, municipality: str, segment: str, year: int) -> tuple[int | None, int | None]:
        for b in self.catalog_.budgets:
            if b.municipality == municipality and b.segment == segment and b.year == year:
                return b.amount, b.amount - b.reserve
        return None, None

    def _simulate(self, municipality: str, segment: str) -> Simulation:
        rng = _rng(self.seed, self.as_of_, municipality, segment)
        return self.stockflow_.simulate(municipality, segment, self._horizon, rng, self.n_paths)

    def _year_slice(self) -> tuple[slice, slice]:
        """Positions of this year's and next year's months in a simulation (this year's
        starting with the rest of the running month, when the simulation holds it)."""
        first = self.stockflow_.first_
        this = slice(max(0, self._y0 - first), max(0, self._y_end - first + 1))
        nxt = slice(max(0, self._y_end + 1 - first), max(0, self._y_end + 12 - first + 1))
        return this, nxt

    def _begun_slices(self) -> tuple[slice, slice]:
        """This year's positions in a simulation split in two: the rest of the running month
        (a month that has begun: its money is IBNR) and the months not begun (remaining)."""
        this, _ = self._year_slice()
        running = int(self.stockflow_.first_ == self._k and this.start == 0 and this.stop > 0)
        return slice(this.start, this.start + running), slice(this.start + running, this.stop)

    def _cell_arrays(self, sim: Simulation, cells: Sequence[str], attr: str) -> Floats:
        """A simulation array re-indexed to ``cells`` (zeros for a provider it does not know)."""
        data: Floats = getattr(sim, attr)
        out = np.zeros((data.shape[0], len(cells), data.shape[2]))
        index = {p: i for i, p in enumerate(sim.cells)}
        for j, p in enumerate(cells):
            if p in index:
                out[:, j, :] = data[:, index[p], :]
        return out

    def _realised_of(self, municipality: str, segment: str, provider: str) -> float:
        return _cell_sum(self._realised, municipality, segment, provider)

    def _advances_of(self, municipality: str, segment: str, provider: str | None) -> float:
        """Advances paid by the as-of date (per-client price), of a provider or the whole group."""
        return _cell_sum(self._advances, municipality, segment, provider)

    def _providers_in(self, table: dict[tuple[str, str, str, str], int], municipality: str, segment: str) -> set[str]:
        return {p for (_c, p, s, m) in table if s == segment and m == municipality}

    def _actual_volumes(self, municipality: str, segment: str) -> pl.DataFrame:
        """Per provider: client-months this year to date of the opening stock and of new
        episodes, and the new episodes to date."""
        eps = self.stockflow_.episodes_.filter(
            (pl.col("municipality") == municipality) & (pl.col("segment") == segment)
        )
        y_first = dt.date(self.year_, 1, 1)
        last = min(self.as_of_, dt.date(self.year_, 12, 31))
        if last < y_first:
            return pl.DataFrame(
                schema={"provider": pl.Utf8, "old": pl.Float64, "new": pl.Float64, "starts": pl.Float64}
            )
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

    def _volumes_now(
        self, municipality: str, segment: str, cells: Sequence[str]
    ) -> dict[str, tuple[float, float, float]]:
        """Per provider: (stock client-months, new episodes, their client-months) in the year."""
        this, _ = self._year_slice()
        sf = self.stockflow_
        y_first = dt.date(self.year_, 1, 1)
        out: dict[str, tuple[float, float, float]] = {}
        actual = {r[0]: r[1:] for r in self._actual_volumes(municipality, segment).iter_rows()}
        expected_all = sf.expected(municipality, segment, self._horizon)
        expected_old = sf.expected(
            municipality,
            segment,
            self._horizon,
            inflow=np.zeros(self._horizon),
            stock=pl.col("start") < y_first,
            nowcast=False,
        )
        all_cm = self._cell_arrays(expected_all, cells, "client_months")[0, :, this].sum(axis=1)
        all_starts = self._cell_arrays(expected_all, cells, "starts")[0, :, this].sum(axis=1)
        old_cm = self._cell_arrays(expected_old, cells, "stock_client_months")[0, :, this].sum(axis=1)
        missing = (
            self._cell_arrays(expected_all, cells, "missing")[0, :, 0] if self._horizon > 0 else np.zeros(len(cells))
        )
        for i, p in enumerate(cells):
            a_old, a_new, a_starts = actual.get(p, (0.0, 0.0, 0.0))
            out[p] = (
                float(a_old + old_cm[i]),
                float(a_starts + all_starts[i] + missing[i]),
                float(a_new + all_cm[i] - old_cm[i]),
            )
        return out

    def _volumes_plan(
        self, municipality: str, segment: str, cells: Sequence[str]
    ) -> dict[str, tuple[float, float, float]]:
        """Per provider, the plan: the year from the opening stock at last year's rates."""
        sf0 = self.plan_stockflow_
        first0 = sf0.first_
        start = max(0, self._y0 - first0)
        horizon = start + 12
        e = sf0.expected(municipality, segment, horizon)
        span = slice(start, start + 12)
        cm = self._cell_arrays(e, cells, "client_months")[0, :, span].sum(axis=1)
        stock = self._cell_arrays(e, cells, "stock_client_months")[0, :, span].sum(axis=1)
        starts = self._cell_arrays(e, cells, "starts")[0, :, span].sum(axis=1)
        missing = self._cell_arrays(e, cells, "missing")[0, :, 0]
        return {
            p: (float(stock[i]), float(starts[i] + missing[i]), float(cm[i] - stock[i])) for i, p in enumerate(cells)
        }

    # ------------------------------------------------------------------ price x volume, outcome

    def _patterns(self, segment: str, munis: Sequence[str]) -> tuple[ChainLadder, ChainLadder, set[tuple[str, str]]]:
        """The development patterns of a segment: per municipality, and pooled (fitted only
        when some municipality is too thin for its own)."""
        k = self._k
        rows = self._pay.filter(pl.col("segment") == segment)
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

    def _declared(self, segment: str, model: str, munis: Sequence[str]) -> list[_Unit]:
        k, y0, y_end = self._k, self._y0, self._y_end
        groups_cl, pooled_cl, thick = self._patterns(segment, munis)
        _, nxt = self._year_slice()
        running, later = self._begun_slices()
        P = self.n_paths
        idx_next = price_index(self.catalog_, segment, self.year_, self.year_ + 1)
        pay = self._pay.filter(pl.col("segment") == segment)
        latest = {
            (m, p, o): float(v)
            for m, p, o, v in pay.filter(pl.col("care_m") >= self._first)
            .group_by("municipality", "provider", "care_m")
            .agg(pl.col("due_cents").sum())
            .iter_rows()
        }
        cm_table = {
            (m, p, o): float(v) for m, s, p, o, v, _n in self._cm.filter(pl.col("segment") == segment).iter_rows()
        }
        stock_count = {
            (m, p): int(n)
            for m, p, n in self.stockflow_.stock_.filter(pl.col("segment") == segment)
            .group_by("municipality", "provider")
            .agg(pl.len())
            .iter_rows()
        }
        eps = self.stockflow_.episodes_.filter(pl.col("segment") == segment)
        settled = last_settled_month(self.as_of_)
        spread = client_cost_spread(pay, eps, first=settled - 11, last=settled, as_of=self.as_of_)
        index_of_year = {
            y: price_index(self.catalog_, segment, y, self.year_) for y in range(self._first // 12, k // 12 + 1)
        }
        cells_all: list[tuple[str, str]] = []
        paths: dict[tuple[str, str], Floats] = {}
        next_paths: dict[tuple[str, str], Floats] = {}
        ibnr_paths: dict[tuple[str, str], Floats] = {}
        money_rate: dict[tuple[str, str], float] = {}
        prior_money: dict[tuple[str, str], float] = {}
        prior_months: dict[tuple[str, str], float] = {}
        sims: dict[str, Simulation] = {}
        for muni in munis:
            g = (muni, segment)
            cl_fit = groups_cl if g in thick else pooled_cl
            key = g if g in thick else (segment,)
            share = cl_fit.reported_share_.get(key, np.zeros(0))
            mature_age = cl_fit.mature_age_ if cl_fit.reported_share_ else 0

            def s_at(age: int, share: Floats = share) -> float:
                if age < share.size:
                    return float(share[age])
                return 1.0

            sim = self._simulate(muni, segment)
            sims[muni] = sim
            cells = sorted(
                set(sim.cells)
                | {p for (m, p, _o) in latest if m == muni}
                | self._providers_in(self._realised, muni, segment)
            )
            # cost per client-month over the last mature care months, at this year's prices
            window = range(max(self._first, k - mature_age - self.cost_window + 1), k - mature_age + 1)
            ult: dict[tuple[str, int], float] = {}
            for p in cells:
                for o in window:
                    s = s_at(k - o)
                    ult[(p, o)] = latest.get((muni, p, o), 0.0) / s * index_of_year.get(o // 12, 1.0) if s > 0 else 0.0
            group_ult = sum(ult.values())
            group_cm = sum(cm_table.get((muni, p, o), 0.0) for p in cells for o in window)
            c_group = group_ult / group_cm if group_cm > 0 else 0.0
            monthly = [
                sum(ult.get((p, o), 0.0) for p in cells) / cm_o
                for o in window
                if (cm_o := sum(cm_table.get((muni, p, o), 0.0) for p in cells)) > 0
            ]
            positive = [c for c in monthly if c > 0]
            # month-to-month spread of the cost per client-month (e.g. a provider whose
            # declarations of a month all came late), and the error of its mean
            sigma_month = float(np.std(np.log(positive), ddof=1)) if len(positive) > 2 else 0.1
            se_mean = sigma_month / np.sqrt(len(positive)) if len(positive) > 2 else 0.1
            rest_months = max(0, y_end - k)
            sigma_c = float(np.sqrt(se_mean**2 + self.cost_drift**2 * rest_months / 12))
            sigma_next = float(np.sqrt(se_mean**2 + self.cost_drift**2 * (rest_months + 12) / 12))
            declared = sum(v for (c, p, s, m), v in self._declared_money.items() if (s, m) == (segment, muni))
            due_y = sum(v for (m, p, o), v in latest.items() if m == muni and y0 <= o <= min(k, y_end))
            kappa = float(np.clip(declared / due_y, 0.5, 1.5)) if due_y > 0 and declared > 0 else 1.0
            rng = _rng(self.seed, self.as_of_, "cost", muni, segment)
            # which clients the coming months are made of: the fewer clients, the more it matters
            n_stock = sum(n for (m, _p), n in stock_count.items() if m == muni)
            sigma_c = float(np.sqrt(sigma_c**2 + spread**2 / max(n_stock, 1)))
            mult = lognormal_multipliers(rng, sigma_c, P)
            mult_next = mult * lognormal_multipliers(rng, float(np.sqrt(max(sigma_next**2 - sigma_c**2, 0.0))), P)
            z = rng.normal(0.0, 1.0, P)
            n_months = sim.client_months.shape[2]
            month_noise = np.exp(rng.normal(-0.5 * sigma_month**2, sigma_month, (P, n_months)))
            current_noise = np.exp(rng.normal(-0.5 * sigma_month**2, sigma_month, P))
            # chain-ladder standard error of this year's mature origins
            origins = cl_fit.origins_
            if key == (segment,):
                origins = origins.filter(pl.col("segment") == segment)
            else:
                origins = origins.filter((pl.col("municipality") == muni) & (pl.col("segment") == segment))
            ses = {int(o): float(se or 0.0) for o, se in origins.select("origin_m", "se").iter_rows()}
            pooled_ibnr = {int(o): float(v or 0.0) for o, v in origins.select("origin_m", "ibnr").iter_rows()}
            all_se = float(np.sqrt(sum(v**2 for v in ses.values())))
            corr = cl_fit.total_se_.get(key, all_se) / all_se if all_se > 0 else 1.0
            sim_cm = self._cell_arrays(sim, cells, "client_months")
            cl_cells: dict[str, float] = {}
            bf_cells: dict[str, float] = {}
            bf_rest: dict[str, float] = {}
            se_sq = 0.0
            for p in cells:
                cm_p = sum(cm_table.get((muni, p, o), 0.0) for o in window)
                raw = sum(ult.get((p, o), 0.0) for o in window) / cm_p if cm_p > 0 else c_group
                z_p = cm_p / (cm_p + self.credibility_months)
                c_p = z_p * raw + (1 - z_p) * c_group
                cl_ibnr = 0.0
                bf_ibnr = 0.0
                bf_rest[p] = 0.0
                for o in range(max(y0, self._first), min(k, y_end) + 1):
                    age = k - o
                    s = s_at(age)
                    value = latest.get((muni, p, o), 0.0)
                    if age >= mature_age and s > 0:
                        cl_ibnr += value * (1 / s - 1)
                    else:
                        # Bornhuetter-Ferguson on the whole month: its client-months to the
                        # as-of date here, the rest of the running month from the simulation
                        bf_ibnr += cm_table.get((muni, p, o), 0.0) * c_p * (1 - s)
                        if o == k:
                            bf_rest[p] = c_p * (1 - s)
                cl_cells[p] = cl_ibnr
                bf_cells[p] = bf_ibnr
                money_rate[(muni, p)] = c_p * kappa
                prior_money[(muni, p)] = sum(
                    latest.get((muni, p, o), 0.0) / s_at(k - o) * index_of_year.get(o // 12, 1.0) * kappa
                    for o in range(y0 - 12, y0)
                    if s_at(k - o) > 0
                )
                prior_months[(muni, p)] = sum(cm_table.get((muni, p, o), 0.0) for o in range(y0 - 12, y0))
            for o in range(max(y0, self._first), min(k, y_end) + 1):
                if k - o < mature_age:
                    continue
                se_o = ses.get(o, 0.0)
                if key == (segment,):
                    mine = sum(latest.get((muni, p, o), 0.0) for p in cells) * (1 / max(s_at(k - o), 1e-9) - 1)
                    se_o *= float(np.sqrt(mine / pooled_ibnr[o])) if pooled_ibnr.get(o, 0.0) > 0 else 0.0
                se_sq += se_o**2
            se_year = float(np.sqrt(se_sq)) * corr
            cl_total = sum(cl_cells.values())
            for j, p in enumerate(cells):
                c = (muni, p)
                weight = cl_cells[p] / cl_total if cl_total > 0 else 1.0 / len(cells)
                rest = sim_cm[:, j, running].sum(axis=1)
                bf = (bf_cells[p] + rest * bf_rest[p]) * kappa * mult * current_noise
                ibnr = cl_cells[p] * kappa + se_year * kappa * z * weight + bf
                months = sim_cm[:, j, :] * month_noise
                remaining = months[:, later].sum(axis=1) * money_rate[c] * mult
                paths[c] = self._realised_of(muni, segment, p) + ibnr + remaining
                next_paths[c] = months[:, nxt].sum(axis=1) * money_rate[c] * mult_next * idx_next
                ibnr_paths[c] = ibnr
                cells_all.append(c)
        self._contract_ceilings(segment, paths)
        # a contract ceiling takes from what comes last: the months not begun, then the IBNR
        ibnr_mean = {
            c: float(np.minimum(v, paths[c] - self._realised_of(c[0], segment, c[1])).mean())
            for c, v in ibnr_paths.items()
        }
        units: list[_Unit] = []
        for muni in munis:
            cells = [p for (m, p) in cells_all if m == muni]
            plan = self._volumes_plan(muni, segment, cells)
            now = self._volumes_now(muni, segment, cells)
            q_now = self._paid_shares(segment, muni, this_year=True)
            q_plan = self._paid_shares(segment, muni, this_year=False)
            budget, ceiling = self._budget(muni, segment, self.year_)
            next_budget, next_ceiling = self._budget(muni, segment, self.year_ + 1)
            total_prior = sum(prior_money.get((muni, p), 0.0) for p in cells)
            group = _Unit(muni, segment, None, model, budget=budget, ceiling=ceiling)
            group.next_budget, group.next_ceiling = next_budget, next_ceiling
            group.paths = np.zeros(P)
            group.next_paths = np.zeros(P)
            for p in cells:
                c = (muni, p)
                unit = _Unit(muni, segment, p, model)
                unit.realised = self._realised_of(muni, segment, p)
                unit.ibnr = ibnr_mean[c]
                unit.paths = paths[c]
                unit.next_paths = next_paths[c]
                unit.budget = unit.ceiling = self._provider_budget(segment, muni, p, budget, prior_money, total_prior)
                group.realised += unit.realised
                group.ibnr += unit.ibnr
                group.paths = group.paths + unit.paths
                group.next_paths = group.next_paths + unit.next_paths
                unit.drivers = self._volume_drivers(
                    plan.get(p, (0.0, 0.0, 0.0)),
                    now.get(p, (0.0, 0.0, 0.0)),
                    prior_money.get(c, 0.0),
                    prior_months.get(c, 0.0),
                    money_rate.get(c, 0.0),
                    q_plan.get(p),
                    q_now.get(p),
                    float(unit.paths.mean()),
                    unit.budget,
                )
                units.append(unit)
            plan_g = tuple(sum(plan.get(p, (0.0, 0.0, 0.0))[i] for p in cells) for i in range(3))
            now_g = tuple(sum(now.get(p, (0.0, 0.0, 0.0))[i] for p in cells) for i in range(3))
            q_plan_g = _ratio_sum(q_plan.values())
            q_now_g = _ratio_sum(q_now.values())
            money_g = sum(
                money_rate.get((muni, p), 0.0) * sum(cm_table.get((muni, p, o), 0.0) for o in range(y0 - 12, y0))
                for p in cells
            )
            months_g = sum(prior_months.get((muni, p), 0.0) for p in cells)
            group.drivers = self._volume_drivers(
                plan_g,  # type: ignore[arg-type]
                now_g,  # type: ignore[arg-type]
                total_prior,
                months_g,
                money_g / months_g if months_g > 0 else 0.0,
                q_plan_g,
                q_now_g,
                float(group.paths.mean()),
                budget,
            )
            units.append(group)
        return units

    def _paid_shares(self, segment: str, muni: str, *, this_year: bool) -> dict[str, tuple[float, float]]:
        """Per provider: (declared, due) for care months past their deadline, this year as
        of the as-of date or last year as of the same day then."""
        pay = self._pay.filter((pl.col("segment") == segment) & (pl.col("municipality") == muni))
        if this_year:
            day, first = self.as_of_, self._y0
        else:
            day, first = _year_before(self.as_of_), self._y0 - 12
        table = paid_share(pay, care_first=first, care_last=first + 11, as_of=day, by=("provider",))
        return {str(p): (float(d), float(u)) for p, d, u in table.iter_rows()}

    def _volume_drivers(
        self,
        plan: tuple[float, float, float],
        now: tuple[float, float, float],
        prior_money: float,
        prior_months: float,
        current_rate: float,
        q_plan: tuple[float, float] | None,
        q_now: tuple[float, float] | None,
        forecast: float,
        budget: int | None,
    ) -> dict[str, float]:
        if budget is None:
            return {}
        q0 = q_plan[1] / q_plan[0] if q_plan and q_plan[0] > 0 else 1.0
        q1 = q_now[1] / q_now[0] if q_now and q_now[0] > 0 else q0
        q0 = q0 if q0 > 0 else 1.0
        q1 = q1 if q1 > 0 else q0
        rate0 = prior_money / prior_months if prior_months > 0 else current_rate
        p = Volumes(plan[0], plan[1], plan[2], rate0 / q0, q0)
        n = Volumes(now[0], now[1], now[2], 0.0, q1)
        return volume_drivers(p, n, forecast, float(budget))

    def _provider_budget(
        self,
        segment: str,
        muni: str,
        provider: str,
        budget: int | None,
        prior_money: dict[tuple[str, str], float],
        total_prior: float,
    ) -> int | None:
        """A provider's share of the budget: its contract's ceiling when it has one, else the
        group budget in proportion to its spending last year."""
        contract = contract_for(self.catalog_, segment, muni, provider, self.year_, self.as_of_)
        if contract is not None and contract.ceiling > 0:
            ceiling = effective_ceiling(contract, self.reallocations_, self.as_of_)
            weights = municipality_weights(self.catalog_, contract, self.year_)
            total = sum(weights.values())
            share = weights.get(muni, 0) / total if total > 0 else 1.0 / len(contract.municipalities)
            return cents(ceiling * share)
        if budget is None or total_prior <= 0:
            return None
        return cents(budget * prior_money.get((muni, provider), 0.0) / total_prior)

    def _contract_ceilings(self, segment: str, paths: dict[tuple[str, str], Floats]) -> None:
        """Cap each path of a contract with a ceiling at that ceiling (split back pro rata)."""
        for contract in self.catalog_.contracts:
            if contract.segment != segment or contract.ceiling <= 0 or not contract.active_in(self.year_):
                continue
            mine = [(m, contract.provider) for m in contract.municipalities if (m, contract.provider) in paths]
            if not mine:
                continue
            total = sum((paths[c] for c in mine), np.zeros(self.n_paths))
            limit = float(effective_ceiling(contract, self.reallocations_, self.as_of_))
            factor = np.where(total > limit, limit / np.where(total > 0, total, 1.0), 1.0)
            for c in mine:
                paths[c] = paths[c] * factor

    # ------------------------------------------------------------------ rows

    def _row(self, u: _Unit, *, next_year: bool = False) -> ForecastRow:
        year = self.year_ + 1 if next_year else self.year_
        paths = u.next_paths if next_year else u.paths
        span = Range.of(paths) if paths.size else Range.fixed(0.0)
        if u.model in FIXED_MODELS:
            span = Range.fixed(span.mean)
        forecast = cents(span.mean)
        realised = 0 if next_year else cents(u.realised)
        # rounded as a running total, so a remainder of 0 stays 0 (never -1 cent)
        ibnr = 0 if next_year else cents(u.realised + u.ibnr) - realised
        advances = 0 if next_year else cents(self._advances_of(u.municipality, u.segment, u.provider))
        budget = u.next_budget if next_year else u.budget
        ceiling = u.next_ceiling if next_year else u.ceiling
        if u.provider is not None and next_year:
            budget = ceiling = None
        clients_paths = u.next_clients if next_year else u.clients
        clients = Range.of(clients_paths) if clients_paths is not None else None
        cost_paths = u.next_care_cost if next_year else u.care_cost
        care_cost = Range.of(cost_paths) if cost_paths is not None else None
        warn = warning(forecast, cents(span.high), ceiling)
        if u.model in FIXED_MODELS and clients is not None and u.expected_clients is not None and not next_year:
            warn = warn or clients.high > u.expected_clients
        drivers = () if next_year or not u.drivers else tuple((n, float(u.drivers.get(n, 0.0))) for n in DRIVERS)
        return ForecastRow(
            municipality=u.municipality,
            segment=u.segment,
            provider=u.provider,
            funding_model=u.model,
            year=year,
            as_of=self.as_of_,
            budget=budget,
            ceiling=ceiling,
            realised=realised,
            advances=advances,
            ibnr=ibnr,
            remaining=forecast - realised - ibnr,
            forecast=forecast,
            low=cents(span.low),
            high=cents(span.high),
            warning=warn,
            drivers=drivers,
            clients=clients,
            expected_clients=None if next_year else u.expected_clients,
            care_cost=care_cost,
        )


def _sum_lines(lines: Any) -> dict[tuple[str, str, str, str], int]:
    """Cents per (contract, provider, segment, municipality), without segment ceiling cuts."""
    out: dict[tuple[str, str, str, str], int] = {}
    for line in lines:
        assert isinstance(line, PaymentLine)
        if line.rule == "ceiling.segment":
            continue
        key = (line.contract, line.provider, line.segment, line.municipality)
        out[key] = out.get(key, 0) + line.amount_cents
    return out


def _cell_sum(
    table: dict[tuple[str, str, str, str], int], municipality: str, segment: str, provider: str | None
) -> float:
    """The cents of one provider (all when None) in a municipality x segment, over its contracts."""
    return float(
        sum(v for (_c, p, s, m), v in table.items() if (s, m) == (segment, municipality) and provider in (None, p))
    )


def _ratio_sum(pairs: Any) -> tuple[float, float] | None:
    items = list(pairs)
    if not items:
        return None
    return (sum(a for a, _ in items), sum(b for _, b in items))


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
