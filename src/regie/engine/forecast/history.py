"""The monthly forecast history: the forecast as of the end of each month, and why it moved.

A controller looks at the forecast every month; what matters as much as the figure is how
it moved since last month and why. :func:`forecast_history` computes the year-end forecast
as of the end of each month of the year up to a date (each one only with the data that had
arrived by then), and :func:`changes` explains each month-on-month move by the drivers of
:mod:`~regie.engine.forecast.warning`: the change of each driver's part. Because every
month's parts add up to forecast - budget, the changes add up to the change of the forecast
(when the budget stayed the same; a changed budget shows in ``plan``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from regie.engine.catalog import Catalog
from regie.engine.forecast.base import month_end, month_index
from regie.engine.forecast.model import ForecastRow, YearEndForecast
from regie.engine.forecast.warning import change_drivers
from regie.engine.funding import AgreedChange, Reallocation


def month_ends(year: int, through: dt.date) -> list[dt.date]:
    """The last day of each month of ``year`` up to ``through`` (a month not yet over ends
    at ``through``).

    >>> month_ends(2025, dt.date(2025, 3, 10))
    [datetime.date(2025, 1, 31), datetime.date(2025, 2, 28), datetime.date(2025, 3, 10)]
    """
    out: list[dt.date] = []
    for m in range(month_index(dt.date(year, 1, 1)), min(month_index(through), month_index(dt.date(year, 12, 1))) + 1):
        out.append(min(month_end(m), through))
    return out


@dataclass(frozen=True)
class HistoryPoint:
    """The forecast of the year as of one day: the rows per municipality x segment and per provider."""

    as_of: dt.date
    rows: tuple[ForecastRow, ...]
    providers: tuple[ForecastRow, ...]


@dataclass(frozen=True)
class Change:
    """How one row's forecast moved between two points of the history, and why.

    ``drivers`` holds the change of each driver's part (cents); they sum to
    ``after - before`` when the budget stayed the same.
    """

    municipality: str
    segment: str
    provider: str | None
    before_as_of: dt.date
    after_as_of: dt.date
    before: int
    after: int
    drivers: dict[str, float]

    @property
    def change(self) -> int:
        return self.after - self.before


def forecast_history(
    catalog: Catalog,
    episodes: pl.DataFrame,
    declarations: pl.DataFrame,
    *,
    year: int,
    through: dt.date,
    model: YearEndForecast | None = None,
    agreed_changes: Sequence[AgreedChange] = (),
    reallocations: Sequence[Reallocation] = (),
) -> list[HistoryPoint]:
    """The forecast of ``year`` as of the end of each month up to ``through``.

    ``model`` gives the settings (a fresh model with the same settings is fitted per month).
    """
    settings = (model or YearEndForecast()).get_params()
    out: list[HistoryPoint] = []
    for day in month_ends(year, through):
        fitted = YearEndForecast(**settings).fit(
            catalog,
            episodes,
            declarations,
            year=year,
            as_of=day,
            agreed_changes=[c for c in agreed_changes if c.decided is None or c.decided <= day],
            reallocations=[r for r in reallocations if r.decided is None or r.decided <= day],
        )
        out.append(HistoryPoint(day, tuple(fitted.rows_), tuple(fitted.providers_)))
    return out


def changes(history: Sequence[HistoryPoint], *, providers: bool = False) -> list[Change]:
    """The month-on-month changes of a history, per row (per provider row when ``providers``)."""
    out: list[Change] = []
    for before, after in zip(history, history[1:], strict=False):
        old = {(r.municipality, r.segment, r.provider): r for r in (before.providers if providers else before.rows)}
        for row in after.providers if providers else after.rows:
            key = (row.municipality, row.segment, row.provider)
            prev = old.get(key)
            if prev is None:
                continue
            parts = change_drivers(prev.driver_parts, row.driver_parts)
            out.append(
                Change(
                    municipality=row.municipality,
                    segment=row.segment,
                    provider=row.provider,
                    before_as_of=before.as_of,
                    after_as_of=after.as_of,
                    before=prev.forecast,
                    after=row.forecast,
                    drivers=parts,
                )
            )
    return out
