"""What the three funding families' estimators share: the contract, the row they simulate
and the draws of clients.

A family estimator (:class:`~regie.engine.forecast.declared.DeclaredForecast`,
:class:`~regie.engine.forecast.per_client.PerClientForecast`,
:class:`~regie.engine.forecast.fixed.FixedForecast`) takes its settings in ``__init__``;
``fit(context)`` forecasts every segment of its funding models in a
:class:`~regie.engine.forecast.context.ForecastContext` and returns ``self``; its result
``year_end_`` is a list of :class:`SimulatedRow` (per segment in the catalog's order, per
municipality the providers and then the municipality x segment itself): what is realised,
the IBNR, the simulated year-end and next year's spending per path, the budget and the
drivers. The year-end model (:class:`~regie.engine.forecast.model.YearEndForecast`) turns
them into ranges and warnings.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np

from regie.engine.forecast.base import Estimator, Floats, lognormal_multipliers
from regie.engine.forecast.context import ForecastContext
from regie.engine.forecast.stockflow import Simulation


@dataclass
class SimulatedRow:
    """A row as its family simulates it: a group (provider None) or a provider within it.

    ``realised`` and ``ibnr`` are means in cents; ``paths`` and ``next_paths`` the simulated
    spending of the year and of next year per path; ``clients`` (per-client price, lump sum)
    the clients that count or are in care, per path; ``care_cost`` (lump sum) the real care
    cost per path; ``drivers`` the parts of :mod:`~regie.engine.forecast.warning`.
    """

    municipality: str
    segment: str
    provider: str | None
    model: str
    realised: float = 0.0
    ibnr: float = 0.0
    paths: Floats = field(default_factory=lambda: np.zeros(0))
    next_paths: Floats = field(default_factory=lambda: np.zeros(0))
    budget: int | None = None
    ceiling: int | None = None
    next_budget: int | None = None
    next_ceiling: int | None = None
    drivers: dict[str, float] = field(default_factory=dict)
    clients: Floats | None = None
    next_clients: Floats | None = None
    expected_clients: float | None = None
    care_cost: Floats | None = None
    next_care_cost: Floats | None = None


@dataclass(kw_only=True, eq=False, repr=False)
class SimulationSettings:
    """The settings of every estimator that simulates paths (the families, the year-end model).

    Parameters
    ----------
    n_paths : simulated paths.
    seed : seed of the simulation (same data, same seed: same forecast).
    """

    n_paths: int = 1000
    seed: int = 0


class FamilyForecast(SimulationSettings, Estimator, ABC):
    """Base of the family estimators: ``fit(context)`` runs :meth:`_fit_segment` for every
    segment of :attr:`funding_models`; ``n_paths`` and ``seed`` of :class:`SimulationSettings`."""

    #: The funding models this family forecasts.
    funding_models: tuple[str, ...] = ()

    def fit(self, context: ForecastContext) -> FamilyForecast:
        """Forecast every segment of this family in ``context``; the rows go to ``year_end_``."""
        self.year_end_: list[SimulatedRow] = []
        for segment, model, munis in context.segments(self.funding_models):
            self.year_end_ += self._fit_segment(context, segment, model, munis)
        return self

    @abstractmethod
    def _fit_segment(self, context: ForecastContext, segment: str, model: str, munis: list[str]) -> list[SimulatedRow]:
        """The rows of one segment of this family (each family defines how)."""

    def _simulate(self, context: ForecastContext, municipality: str, segment: str) -> Simulation:
        return context.simulate(municipality, segment, seed=self.seed, n_paths=self.n_paths)


def draw(rng: np.random.Generator, n: Floats, p: float | Floats) -> Floats:
    """Clients out of ``n`` candidates that count with rate ``p`` (above 1: extra by Poisson).

    ``p`` may be one rate or one per path.

    >>> draw(np.random.default_rng(0), np.array([4.0, 0.0]), 1.0).tolist()
    [4.0, 0.0]
    """
    counts = np.asarray(np.rint(n), dtype=np.int64)
    rate = np.broadcast_to(np.asarray(p, dtype=np.float64), counts.shape)
    kept = rng.binomial(counts, np.clip(rate, 0.0, 1.0))
    extra = rng.poisson(counts * np.clip(rate - 1.0, 0.0, None))
    return np.asarray(kept + extra, dtype=np.float64)


def uncertain_rate(rng: np.random.Generator, rate: float, n: float, paths: int) -> Floats:
    """A rate learnt from about ``n`` events, drawn per path (log-standard deviation 1/sqrt(n+1))."""
    return rate * lognormal_multipliers(rng, 1.0 / float(np.sqrt(n + 1.0)), paths)
