"""Forecasting (domain.md section 6): year-end spending with an 80 % range, IBNR by
chain-ladder, stock and flow, early warning with its drivers and the monthly history. Pure
core: polars frames and catalog dataclasses in; no Django.

- :class:`YearEndForecast` — the forecast per municipality x segment and per provider
  (``regie forecast``), and next year's;
- :class:`ChainLadder`, :func:`payable_rows`, :func:`triangle` — IBNR of money due;
- :class:`StockFlow`, :func:`client_months` — the client stock, its inflow and exits;
- :func:`warning`, :func:`volume_drivers`, :func:`client_drivers` — early warning and why;
- :func:`forecast_history` — the forecast as of the end of each month, and why it moved.

The backtest (forecasts on generated regions against their actual year end) needs the
generator, so it lives beside it: :mod:`regie.synth.backtest`.

docs/forecast.md explains the method and reports the backtest.
"""

from regie.engine.forecast.base import Estimator, NotFittedError, Range
from regie.engine.forecast.exposure import client_months
from regie.engine.forecast.ibnr import ChainLadder, payable_rows, triangle
from regie.engine.forecast.model import ForecastRow, YearEndForecast
from regie.engine.forecast.stockflow import StockFlow
from regie.engine.forecast.warning import (
    DRIVERS,
    Volumes,
    change_drivers,
    client_drivers,
    main_driver,
    volume_drivers,
    warning,
)

__all__ = [
    "DRIVERS",
    "ChainLadder",
    "Estimator",
    "ForecastRow",
    "NotFittedError",
    "Range",
    "StockFlow",
    "Volumes",
    "YearEndForecast",
    "change_drivers",
    "client_drivers",
    "client_months",
    "main_driver",
    "payable_rows",
    "triangle",
    "volume_drivers",
    "warning",
]
