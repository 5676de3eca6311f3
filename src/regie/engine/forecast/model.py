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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from regie.engine.catalog import Catalog
from regie.engine.forecast.base import FIXED_MODELS, Estimator, Range, cents
from regie.engine.forecast.context import ForecastContext
from regie.engine.forecast.declared import DeclaredForecast, DeclaredSettings
from regie.engine.forecast.family import FamilyForecast, SimulatedRow
from regie.engine.forecast.fixed import FixedForecast
from regie.engine.forecast.per_client import PerClientForecast
from regie.engine.forecast.stockflow import StockFlow
from regie.engine.forecast.warning import DRIVERS, driver_list, warning
from regie.engine.funding import AgreedChange, Reallocation


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


@dataclass(kw_only=True, eq=False, repr=False)
class YearEndForecast(DeclaredSettings, Estimator):
    """Year-end spending per municipality x segment and provider, with an 80 % range.

    Parameters
    ----------
    n_paths, seed, min_reported, min_rows, cost_window, credibility_months, cost_drift :
        of :class:`~regie.engine.forecast.declared.DeclaredSettings`.
    inflow_drift, window_months, max_duration : of the :class:`StockFlow` model.
    steering : the share of a per-client segment's new clients that go to the providers
        with room under their agreement
        (:meth:`~regie.engine.forecast.per_client.PerClientForecast.steer`); 0 divides them
        by the providers' shares of new episodes only.

    Attributes (after :meth:`fit`)
    ------------------------------
    rows_ : list of :class:`ForecastRow` per municipality x segment.
    providers_ : list of :class:`ForecastRow` per provider within them.
    next_year_ : list of :class:`ForecastRow` for the next year (realised and IBNR 0).
    stockflow_, plan_stockflow_ : the fitted stock-and-flow models (now, and as of the end
        of the previous year: the plan).
    chainladder_ : segment -> (:class:`ChainLadder` per group, pooled :class:`ChainLadder`).
    context_ : the :class:`~regie.engine.forecast.context.ForecastContext` the families
        were fitted on.
    families_ : funding family -> its fitted estimator (``declared``:
        :class:`~regie.engine.forecast.declared.DeclaredForecast`, ``per_client``:
        :class:`~regie.engine.forecast.per_client.PerClientForecast`, ``fixed``:
        :class:`~regie.engine.forecast.fixed.FixedForecast`).
    """

    inflow_drift: float = 0.15
    window_months: int = 24
    max_duration: int = 36
    steering: float = 1.0

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
        """Forecast the care of ``year`` as of ``as_of`` (only data arrived by then counts):
        prepare the context once, fit each funding family on it, and combine their rows in
        the catalog's order of segments."""
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
        declared = DeclaredForecast(**self.declared_settings())
        self.families_: dict[str, FamilyForecast] = {
            "declared": declared.fit(ctx),
            "per_client": PerClientForecast(n_paths=self.n_paths, seed=self.seed, steering=self.steering).fit(ctx),
            "fixed": FixedForecast(n_paths=self.n_paths, seed=self.seed).fit(ctx),
        }
        self.chainladder_ = declared.chainladder_
        # each family keeps its segments in the catalog's order: a stable sort by segment
        # puts the families' rows back in that order
        order = {s.code: i for i, s in enumerate(catalog.segments)}
        units = sorted(
            (u for family in self.families_.values() for u in family.year_end_), key=lambda u: order[u.segment]
        )
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

    # ------------------------------------------------------------------ rows

    def _row(self, u: SimulatedRow, *, next_year: bool = False) -> ForecastRow:
        """A simulated row as a :class:`ForecastRow` of this year or next: its range and
        its warning (for a lump sum also on clients above those it was based on)."""
        year = self.year_ + 1 if next_year else self.year_
        paths = u.next_paths if next_year else u.paths
        span = Range.of(paths) if paths.size else Range.fixed(0.0)
        if u.model in FIXED_MODELS:
            span = Range.fixed(span.mean)
        forecast = cents(span.mean)
        realised = 0 if next_year else cents(u.realised)
        # rounded as a running total, so a remainder of 0 stays 0 (never -1 cent)
        ibnr = 0 if next_year else cents(u.realised + u.ibnr) - realised
        advances = 0 if next_year else cents(self.context_.advances_of(u.municipality, u.segment, u.provider))
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
