"""Dates as day numbers (days since 1970-01-01) for vectorised simulation, and seasonality.

Polars stores ``pl.Date`` as the same day number, so a column of day numbers casts to dates
without conversion.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import polars as pl

Days = npt.NDArray[np.int64]

_EPOCH = dt.date(1970, 1, 1)

#: Relative number of care starts per calendar month (fewer in July/August and December).
START_SEASON = np.array([1.08, 1.05, 1.05, 1.0, 0.98, 0.95, 0.62, 0.72, 1.18, 1.1, 1.05, 0.82])


def day(date: dt.date) -> int:
    """The day number of a date.

    >>> day(dt.date(1970, 1, 2))
    1
    """
    return (date - _EPOCH).days


def date_of(number: int) -> dt.date:
    """The date of a day number.

    >>> date_of(1)
    datetime.date(1970, 1, 2)
    """
    return _EPOCH + dt.timedelta(days=int(number))


def as_dates(column: str) -> pl.Expr:
    """A column of day numbers as ``pl.Date`` (the same number).

    >>> pl.DataFrame({"day": [1]}).select(as_dates("day")).item()
    datetime.date(1970, 1, 2)
    """
    return pl.col(column).cast(pl.Int32).cast(pl.Date)


def month_start(days: Days) -> Days:
    """First day of the month of each day."""
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def month_end(days: Days) -> Days:
    """Last day of the month of each day."""
    months = np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]") + 1
    return months.astype("datetime64[D]").astype(np.int64) - 1


def month_index(days: Days) -> Days:
    """Months since January 1970 (year * 12 + month - 1, shifted)."""
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_number(days: Days) -> Days:
    """Calendar month 1..12 of each day."""
    return month_index(days) % 12 + 1


def month_first_day(month_idx: Days) -> Days:
    """Day number of the first day of a month index (see :func:`month_index`)."""
    return np.asarray(month_idx, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def add_months_minus_one(days: Days, months: Days | int) -> Days:
    """The day before the same day-of-month ``months`` later (an allocation's validity end).

    A validity of 6 months from 2024-01-15 ends on 2024-07-14; from 2024-08-31 on 2025-02-27
    (the 31st clipped to the last day of February, minus one).
    """
    d = np.asarray(days, dtype=np.int64)
    first = month_start(d)
    offset = d - first
    target = month_index(d) + np.asarray(months, dtype=np.int64)
    target_first = month_first_day(target)
    target_len = month_first_day(target + 1) - target_first
    return np.asarray(target_first + np.minimum(offset, target_len - 1) - 1, dtype=np.int64)


def weekday(days: Days) -> Days:
    """Monday = 0 .. Sunday = 6."""
    return np.asarray((np.asarray(days, dtype=np.int64) + 3) % 7, dtype=np.int64)


def next_weekday(days: Days) -> Days:
    """The day itself on Monday-Friday, else the next Monday (messages arrive on working days)."""
    d = np.asarray(days, dtype=np.int64)
    wd = weekday(d)
    return np.asarray(d + np.where(wd == 5, 2, np.where(wd == 6, 1, 0)), dtype=np.int64)


def start_weights(days: Days) -> npt.NDArray[np.float64]:
    """Relative chance of a care start on each day: seasonality, weekends and late December.

    Fewer starts in July and August and from 20 December to 1 January; few in weekends.
    """
    d = np.asarray(days, dtype=np.int64)
    month = month_number(d)
    dom = d - month_start(d) + 1
    w = START_SEASON[month - 1].astype(np.float64)
    w = np.where(weekday(d) >= 5, w * 0.12, w)
    w = np.where((month == 12) & (dom >= 20), w * 0.3, w)
    w = np.where((month == 1) & (dom == 1), w * 0.1, w)
    return np.asarray(w, dtype=np.float64)
