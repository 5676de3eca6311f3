"""What every forecasting model shares: the estimator contract, months, ranges and keys.

The estimator contract (chainladder-python's, see design.md): settings go into ``__init__``
and are stored unchanged under their own names; ``fit(...)`` learns from data and returns
``self``; everything learnt is an attribute whose name ends in ``_``. A model that is not
fitted yet raises :class:`NotFittedError` when asked for a result.

Months are handled as integer indices (``year * 12 + month - 1``) inside the models, so that
arrays can be indexed by them, and as first-of-month dates at the edges; the helpers below
take an index and leave the arithmetic to :mod:`regie.engine.calendar`.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from regie.engine import calendar

#: The range of every forecast: the 10th and 90th percentile (an 80 % range).
LOW_QUANTILE = 0.10
HIGH_QUANTILE = 0.90

#: A budget row's keys, and a provider row's.
GROUP = ("municipality", "segment")
CELL = ("municipality", "segment", "provider")

#: Funding models whose spending follows the declarations line by line.
DECLARED_MODELS = ("pxq", "outcome")
#: Funding models whose spending is fixed in advance (instalments).
FIXED_MODELS = ("lump_sum", "population")

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


class NotFittedError(RuntimeError):
    """A result was asked of a model before :meth:`fit` was called."""


class Estimator:
    """Base of the forecasting models: settings in ``__init__``, ``fit`` returns ``self``.

    >>> class Mean(Estimator):
    ...     def __init__(self, *, shrink: float = 0.0) -> None:
    ...         self.shrink = shrink
    ...     def fit(self, xs: list[float]) -> "Mean":
    ...         self.mean_ = sum(xs) / len(xs) * (1 - self.shrink)
    ...         return self
    >>> Mean(shrink=0.5)
    Mean(shrink=0.5)
    >>> Mean().fit([1.0, 3.0]).mean_
    2.0
    """

    def get_params(self) -> dict[str, Any]:
        """The settings given to ``__init__``, by name."""
        names = [
            p.name
            for p in inspect.signature(type(self).__init__).parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        return {name: getattr(self, name) for name in names}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def check_fitted(self, *names: str) -> None:
        """Raise :class:`NotFittedError` unless every attribute in ``names`` is set."""
        missing = [n for n in names if not hasattr(self, n)]
        if missing:
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit() first")


# --------------------------------------------------------------------------- months


def month_index(day: dt.date) -> int:
    """The month of ``day`` as an integer (:func:`regie.engine.calendar.month_index`).

    >>> month_index(dt.date(2025, 3, 31)) - month_index(dt.date(2024, 12, 1))
    3
    """
    return calendar.month_index(day)


def month_of(index: int) -> dt.date:
    """The first day of the month with ``index`` (the inverse of :func:`month_index`).

    >>> month_of(month_index(dt.date(2025, 3, 31)))
    datetime.date(2025, 3, 1)
    """
    return calendar.month_from_index(index)


def month_end(index: int) -> dt.date:
    """The last day of the month with ``index``.

    >>> month_end(month_index(dt.date(2024, 2, 10)))
    datetime.date(2024, 2, 29)
    """
    return calendar.month_end(calendar.month_from_index(index))


def days_in_month(index: int) -> int:
    """The number of days of the month with ``index``."""
    return calendar.days_in_month(calendar.month_from_index(index))


def same_day_year_before(day: dt.date) -> dt.date:
    """The same calendar day one year earlier (:func:`regie.engine.calendar.year_before`).

    >>> same_day_year_before(dt.date(2024, 2, 29))
    datetime.date(2023, 2, 28)
    """
    return calendar.year_before(day)


def month_index_expr(column: str) -> pl.Expr:
    """The polars expression of :func:`month_index` for a date column."""
    return (pl.col(column).dt.year().cast(pl.Int64) * 12 + pl.col(column).dt.month().cast(pl.Int64) - 1).alias(
        f"{column}_m"
    )


# --------------------------------------------------------------------------- ranges


@dataclass(frozen=True)
class Range:
    """A forecast and its 80 % range, in (fractional) cents or clients.

    ``mean`` is the expected value; ``low`` and ``high`` the 10th and 90th percentile of the
    simulated outcomes.
    """

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, paths: Floats) -> Range:
        """The mean and the 10th-90th percentile range of simulated ``paths``.

        >>> Range.of(np.arange(101, dtype=float))
        Range(mean=50.0, low=10.0, high=90.0)
        """
        if paths.size == 0:
            return cls(0.0, 0.0, 0.0)
        low, high = np.quantile(paths, [LOW_QUANTILE, HIGH_QUANTILE])
        return cls(float(paths.mean()), float(low), float(high))

    @classmethod
    def fixed(cls, value: float) -> Range:
        """A value without uncertainty."""
        return cls(value, value, value)


def cents(x: float) -> int:
    """``x`` cents rounded to a whole cent, halves away from zero (rounding at the edge only).

    >>> cents(2.5), cents(-2.5), cents(2.4)
    (3, -3, 2)
    """
    return int(np.sign(x) * np.floor(abs(x) + 0.5))


def lognormal_multipliers(rng: np.random.Generator, sigma: float, n: int) -> Floats:
    """``n`` multipliers with mean 1 and log-standard deviation ``sigma``.

    >>> m = lognormal_multipliers(np.random.default_rng(0), 0.1, 200_000)
    >>> round(float(m.mean()), 2), round(float(np.log(m).std()), 2)
    (1.0, 0.1)
    """
    if sigma <= 0:
        return np.ones(n)
    return np.asarray(np.exp(rng.normal(-0.5 * sigma**2, sigma, n)), dtype=np.float64)
