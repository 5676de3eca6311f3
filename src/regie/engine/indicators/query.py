"""What an indicator computation covers: the span, the reference date and the grouping.

A :class:`Query` names the span (a calendar year, or an explicit half-open ``[start, end)``),
the reference date ``as_of`` and the group keys ``by``, any of ``provider``, ``segment``,
``municipality``, ``area`` and at most one time key ``month``, ``quarter`` or ``year``.

- **Periods.** Without a time key a row covers the whole span. With ``month`` (``quarter``,
  ``year``) there is one row per calendar month (quarter, year) of the span: ``--year 2025
  --by month`` gives the twelve months of 2025. A period is cut off at the span's ends and
  after ``as_of``: it covers ``[max(calendar start, span start), min(calendar end, span end,
  as_of + 1 day))``, and periods that start after ``as_of`` are left out (they have not begun).
  The time key's value is the calendar period's first day (``month``, ``quarter``, as a date)
  or the year (``year``, an integer). Each is a :class:`RowPeriod`.
- **Rows.** One row per combination of group key values that occurs in the data of the span
  (an episode overlapping it, an objection filed in it, a payment for it) and per period, so a
  monthly series has no holes. A key that is missing on a record (e.g. an episode without an
  area, an objection without a provider) forms its own group with a null key, so that the
  groups always add up to the whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from regie.engine.calendar import add_months, month_start, quarter_start

GROUP_KEYS = ("provider", "segment", "municipality", "area")
TIME_KEYS = ("month", "quarter", "year")
BY_KEYS = GROUP_KEYS + TIME_KEYS

#: Months per period of each time key.
_STEP = {"month": 1, "quarter": 3, "year": 12}


def _calendar_start(d: dt.date, key: str) -> dt.date:
    """The first day of the calendar month, quarter or year (``key``) that holds ``d``."""
    if key == "month":
        return month_start(d)
    if key == "quarter":
        return quarter_start(d)
    return dt.date(d.year, 1, 1)


@dataclass(frozen=True)
class RowPeriod:
    """One row's period: half-open ``[start, end)``; ``value`` is its time key's value (None
    without a time key)."""

    start: dt.date
    end: dt.date
    value: dt.date | int | None


@dataclass(frozen=True)
class Query:
    """The span, reference date and grouping of a computation (see the module docstring).

    ``start``/``end`` are the span, half-open (``end`` is the first day after it); ``as_of`` is
    the reference date; ``by`` the group keys in output order.

    >>> q = Query.of(year=2025, as_of=dt.date(2025, 3, 15), by=("provider", "month"))
    >>> q.group_keys, q.time_key
    (('provider',), 'month')
    >>> [(p.start.isoformat(), p.end.isoformat()) for p in q.periods()]
    [('2025-01-01', '2025-02-01'), ('2025-02-01', '2025-03-01'), ('2025-03-01', '2025-03-16')]
    """

    start: dt.date
    end: dt.date
    as_of: dt.date
    by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [k for k in self.by if k not in BY_KEYS]
        if unknown:
            raise ValueError(f"unknown group key {unknown[0]!r}; choose from {', '.join(BY_KEYS)}")
        if len(set(self.by)) != len(self.by):
            raise ValueError("a group key appears twice")
        if sum(k in TIME_KEYS for k in self.by) > 1:
            raise ValueError("group by at most one of month, quarter, year")
        if not self.start < self.end:
            raise ValueError("the span is empty: start must lie before end")

    @classmethod
    def of(
        cls,
        *,
        as_of: dt.date,
        year: int | None = None,
        period: tuple[dt.date, dt.date] | None = None,
        by: Iterable[str] = (),
    ) -> Query:
        """A query for a calendar ``year`` or an explicit half-open ``period=(start, end)``."""
        if (year is None) == (period is None):
            raise ValueError("give exactly one of year and period")
        if year is not None:
            start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        else:
            assert period is not None
            start, end = period
        return cls(start, end, as_of, tuple(by))

    @property
    def group_keys(self) -> tuple[str, ...]:
        """The keys of ``by`` that are not time keys."""
        return tuple(k for k in self.by if k in GROUP_KEYS)

    @property
    def time_key(self) -> str | None:
        return next((k for k in self.by if k in TIME_KEYS), None)

    @property
    def effective_end(self) -> dt.date:
        """First day not covered: the span's end, or the day after ``as_of`` if earlier."""
        return min(self.end, self.as_of + dt.timedelta(days=1))

    def periods(self) -> list[RowPeriod]:
        """The periods of the rows, in order (one when there is no time key)."""
        end = self.effective_end
        if end <= self.start:
            return []
        key = self.time_key
        if key is None:
            return [RowPeriod(self.start, end, None)]
        out: list[RowPeriod] = []
        cal = _calendar_start(self.start, key)
        while cal < end:
            nxt = add_months(cal, _STEP[key])
            value: dt.date | int = cal.year if key == "year" else cal
            out.append(RowPeriod(max(cal, self.start), min(nxt, end), value))
            cal = nxt
        return out

    def year_of_periods(self) -> list[int | None]:
        """Per period, the calendar year it lies in, or None when it spans more than one."""
        return [p.start.year if p.start.year == (p.end - dt.timedelta(days=1)).year else None for p in self.periods()]
