"""The monthly forecast history: the forecast as of the end of each month, and why it moved.

A controller looks at the forecast every month; what matters as much as the figure is how
it moved since last month and why. :func:`forecast_history` computes the year-end forecast
as of the end of each month of the year up to a date (each one only with the data that had
arrived and the funding decisions taken by then: :func:`fit_as_of`), and :func:`changes`
explains each month-on-month move by the drivers of :mod:`~regie.engine.forecast.warning`:
the change of each driver's part. Because every month's parts add up to forecast - budget,
the changes add up to the change of the forecast (when the budget stayed the same; a changed
budget shows in ``plan``).

The moves are computed from the forecast documents (:meth:`YearEndForecast.document`, the
drivers in whole cents as they are shown), so a history rebuilt from stored documents gives
the same figures as one fitted afresh. The shell keeps the documents it computed and hands
them back through :func:`history` (``regie.monitor.services`` reuses a month whose inputs did
not change); :func:`history_rows` gives the rows it stores and the pages show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import polars as pl

from regie.engine.calendar import ONE_DAY, Span
from regie.engine.catalog import Catalog
from regie.engine.forecast.model import YearEndForecast
from regie.engine.forecast.warning import change_drivers, driver_list
from regie.engine.funding import AgreedChange, Reallocation

Row = Mapping[str, Any]


def month_ends(year: int, through: dt.date) -> list[dt.date]:
    """The last day of each month of ``year`` up to ``through`` (a month not yet over ends
    at ``through``); none when ``through`` lies before the year.

    >>> month_ends(2025, dt.date(2025, 3, 10))
    [datetime.date(2025, 1, 31), datetime.date(2025, 2, 28), datetime.date(2025, 3, 10)]
    >>> len(month_ends(2024, dt.date(2025, 3, 1))), month_ends(2026, dt.date(2025, 3, 1))
    (12, [])
    """
    year_span = Span.year(year)
    if through < year_span.start:
        return []
    return Span(year_span.start, min(through + ONE_DAY, year_span.end)).month_ends()


class _Decision(Protocol):
    @property
    def decided(self) -> dt.date | None: ...


D = TypeVar("D", bound=_Decision)


def known_on(decisions: Sequence[D], day: dt.date) -> list[D]:
    """The decisions taken by ``day`` (or without a date)."""
    return [d for d in decisions if d.decided is None or d.decided <= day]


def fit_as_of(
    catalog: Catalog,
    episodes: pl.DataFrame,
    declarations: pl.DataFrame,
    *,
    year: int,
    as_of: dt.date,
    model: YearEndForecast | None = None,
    agreed_changes: Sequence[AgreedChange] = (),
    reallocations: Sequence[Reallocation] = (),
) -> YearEndForecast:
    """The forecast of ``year`` as known on ``as_of``: a fresh model with the settings of
    ``model``, fitted with the data arrived and the funding decisions taken by then."""
    settings = (model or YearEndForecast()).get_params()
    return YearEndForecast(**settings).fit(
        catalog,
        episodes,
        declarations,
        year=year,
        as_of=as_of,
        agreed_changes=known_on(agreed_changes, as_of),
        reallocations=known_on(reallocations, as_of),
    )


@dataclass(frozen=True)
class HistoryPoint:
    """The forecast of the year as of one day: the rows of its document per municipality x
    segment and per provider (:meth:`YearEndForecast.document`)."""

    as_of: dt.date
    rows: tuple[Row, ...]
    providers: tuple[Row, ...] = ()


@dataclass(frozen=True)
class Change:
    """How one row's forecast moved between two points of the history, and why.

    ``drivers`` holds the change of each driver's part (cents); they sum to
    ``after - before`` when the budget stayed the same. Empty when neither point has drivers
    (a row without a budget).
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


def history(year: int, through: dt.date, document: Callable[[dt.date], Mapping[str, Any]]) -> list[HistoryPoint]:
    """The history of ``year`` up to ``through``, from ``document(day)``: the forecast document
    as of each of :func:`month_ends` (computed by the caller, or kept from an earlier run)."""
    out: list[HistoryPoint] = []
    for day in month_ends(year, through):
        doc = document(day)
        out.append(HistoryPoint(day, tuple(doc["rows"]), tuple(doc.get("providers") or ())))
    return out


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
    """The forecast of ``year`` as of the end of each month up to ``through``, each fitted
    with :func:`fit_as_of` (``model`` gives the settings)."""

    def document(day: dt.date) -> dict[str, Any]:
        return fit_as_of(
            catalog,
            episodes,
            declarations,
            year=year,
            as_of=day,
            model=model,
            agreed_changes=agreed_changes,
            reallocations=reallocations,
        ).document()

    return history(year, through, document)


def _key(row: Row) -> tuple[str, str, str | None]:
    return (str(row["municipality"]), str(row["segment"]), row.get("provider"))


def _parts(row: Row) -> dict[str, float]:
    return {str(d["driver"]): float(d["cents"]) for d in row.get("drivers") or []}


def move(before: Row, after: Row, before_as_of: dt.date, after_as_of: dt.date) -> Change:
    """How a row's forecast moved from ``before`` to ``after`` (two document rows of the same
    municipality x segment, or provider within it)."""
    old, new = _parts(before), _parts(after)
    municipality, segment, provider = _key(after)
    return Change(
        municipality=municipality,
        segment=segment,
        provider=provider,
        before_as_of=before_as_of,
        after_as_of=after_as_of,
        before=int(before["forecast"]),
        after=int(after["forecast"]),
        drivers=change_drivers(old, new) if (old or new) else {},
    )


def changes(points: Sequence[HistoryPoint], *, providers: bool = False) -> list[Change]:
    """The month-on-month changes of a history, per row (per provider row when ``providers``)."""
    out: list[Change] = []
    for before, after in zip(points, points[1:], strict=False):
        old = {_key(r): r for r in (before.providers if providers else before.rows)}
        for row in after.providers if providers else after.rows:
            prev = old.get(_key(row))
            if prev is not None:
                out.append(move(prev, row, before.as_of, after.as_of))
    return out


def history_rows(points: Sequence[HistoryPoint]) -> list[dict[str, Any]]:
    """The history as rows (what the monitor stores and the pages show): each point's rows per
    municipality x segment with ``as_of`` (ISO date), ``change`` (the forecast minus the month
    before's; None in a row's first month) and ``change_drivers`` (the change of each driver,
    :func:`~regie.engine.forecast.warning.driver_list`; empty in the first month)."""
    moved = {(c.after_as_of, _key_of(c)): c for c in changes(points)}
    out: list[dict[str, Any]] = []
    for point in points:
        for row in point.rows:
            found = moved.get((point.as_of, _key(row)))
            out.append(
                {
                    "as_of": point.as_of.isoformat(),
                    **row,
                    "change": None if found is None else found.change,
                    "change_drivers": driver_list(found.drivers) if found is not None and found.drivers else [],
                }
            )
    return out


def _key_of(change: Change) -> tuple[str, str, str | None]:
    return (change.municipality, change.segment, change.provider)
