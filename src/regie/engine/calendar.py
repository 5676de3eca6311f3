"""Calendar arithmetic: months and half-open spans of days (standard library only).

The one place where Regie counts months; every module that needs a month's first or last
day, a month some months later, or the months of a span calls these functions.

Rules:

- A **span** of days is half-open, ``[start, end)``: ``start`` counts, ``end`` does not
  (:class:`Span`). Users see it inclusive, ``start`` to :attr:`Span.last`. A year is
  ``[1 January, 1 January of the next year)``, so spans that follow each other share their
  boundary and never overlap.
- A **month** is named by its first day (:func:`month_start`); its index is
  ``year * 12 + month - 1`` (:func:`month_index`), so months can be counted and subtracted.
- Adding months keeps the day of the month, or takes the month's last day when the target
  month is shorter (:func:`add_months`: 31 January + 1 month = 28 February).

>>> add_months(dt.date(2025, 1, 31), 1), month_end(dt.date(2024, 2, 10))
(datetime.date(2025, 2, 28), datetime.date(2024, 2, 29))
>>> months_between(dt.date(2024, 11, 30), dt.date(2025, 2, 1))
3
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


def month_index(day: dt.date) -> int:
    """The month of ``day`` as an integer: ``year * 12 + month - 1``.

    >>> month_index(dt.date(2025, 3, 31)) - month_index(dt.date(2024, 12, 1))
    3
    """
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> dt.date:
    """The first day of the month with ``index`` (the inverse of :func:`month_index`).

    >>> month_from_index(month_index(dt.date(2025, 3, 31)))
    datetime.date(2025, 3, 1)
    """
    return dt.date(index // 12, index % 12 + 1, 1)


def month_start(day: dt.date) -> dt.date:
    """The month of ``day``: its first day.

    >>> month_start(dt.date(2025, 3, 31))
    datetime.date(2025, 3, 1)
    """
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after the month of ``day``.

    >>> next_month(dt.date(2024, 12, 31))
    datetime.date(2025, 1, 1)
    """
    return month_from_index(month_index(day) + 1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the month of ``day``.

    >>> month_end(dt.date(2025, 2, 1)), month_end(dt.date(2024, 2, 29))
    (datetime.date(2025, 2, 28), datetime.date(2024, 2, 29))
    """
    return next_month(day) - ONE_DAY


def is_month_end(day: dt.date) -> bool:
    """True when ``day`` is the last day of its month."""
    return (day + ONE_DAY).day == 1


def days_in_month(day: dt.date) -> int:
    """The number of days of the month of ``day``.

    >>> days_in_month(dt.date(2024, 2, 1)), days_in_month(dt.date(2025, 12, 5))
    (29, 31)
    """
    return month_end(day).day


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` months later (earlier when negative); the last
    day of the target month when it has no such day.

    >>> add_months(dt.date(2025, 1, 15), 2), add_months(dt.date(2025, 3, 31), -1)
    (datetime.date(2025, 3, 15), datetime.date(2025, 2, 28))
    """
    first = month_from_index(month_index(day) + months)
    return first.replace(day=min(day.day, days_in_month(first)))


def months_between(start: dt.date, end: dt.date) -> int:
    """How many months lie from the month of ``start`` to the month of ``end`` (negative
    when ``end`` is in an earlier month); the days within the months do not count.

    >>> months_between(dt.date(2025, 1, 31), dt.date(2025, 2, 1)), months_between(dt.date(2025, 3, 1), dt.date(2024, 3, 1))
    (1, -12)
    """
    return month_index(end) - month_index(start)


def quarter_start(day: dt.date) -> dt.date:
    """The first day of the calendar quarter of ``day``.

    >>> quarter_start(dt.date(2025, 5, 17))
    datetime.date(2025, 4, 1)
    """
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def add_quarters(quarter: dt.date, n: int) -> dt.date:
    """The quarter ``n`` quarters after (or before, negative) ``quarter`` (a quarter's first day).

    >>> add_quarters(dt.date(2025, 1, 1), -1), add_quarters(dt.date(2025, 10, 1), 1)
    (datetime.date(2024, 10, 1), datetime.date(2026, 1, 1))
    """
    months = quarter.year * 12 + quarter.month - 1 + 3 * n
    return dt.date(months // 12, months % 12 + 1, 1)


def quarter_end(day: dt.date) -> dt.date:
    """The last day of the calendar quarter of ``day``.

    >>> quarter_end(dt.date(2025, 2, 14)), quarter_end(dt.date(2024, 10, 1)), quarter_end(dt.date(2025, 6, 30))
    (datetime.date(2025, 3, 31), datetime.date(2024, 12, 31), datetime.date(2025, 6, 30))
    """
    return add_quarters(quarter_start(day), 1) - ONE_DAY


def quarters(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the calendar quarters from ``first``'s up to ``last``'s (none when
    ``last`` comes before ``first``'s quarter).

    >>> quarters(dt.date(2024, 11, 5), dt.date(2025, 4, 1))
    [datetime.date(2024, 10, 1), datetime.date(2025, 1, 1), datetime.date(2025, 4, 1)]
    """
    out, quarter = [], quarter_start(first)
    while quarter <= last:
        out.append(quarter)
        quarter = add_quarters(quarter, 1)
    return out


def quarter_of(day: dt.date) -> int:
    """The calendar quarter (1-4) of ``day``."""
    return (day.month - 1) // 3 + 1


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for a 29 February).

    >>> year_before(dt.date(2025, 6, 30)), year_before(dt.date(2024, 2, 29))
    (datetime.date(2024, 6, 30), datetime.date(2023, 2, 28))
    """
    return add_months(day, -12)


@dataclass(frozen=True, order=True)
class Span:
    """A half-open span of days ``[start, end)``: ``start`` counts, ``end`` does not.

    >>> march = Span.month(dt.date(2025, 3, 10))
    >>> march, march.last, march.days, dt.date(2025, 4, 1) in march
    (Span(start=datetime.date(2025, 3, 1), end=datetime.date(2025, 4, 1)), datetime.date(2025, 3, 31), 31, False)
    """

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a span ends on or after its start: [{self.start}, {self.end})")

    @classmethod
    def year(cls, year: int) -> Span:
        """The calendar year ``year``."""
        return cls(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))

    @classmethod
    def month(cls, day: dt.date) -> Span:
        """The calendar month of ``day``."""
        return cls(month_start(day), next_month(day))

    @classmethod
    def through(cls, start: dt.date, last: dt.date) -> Span:
        """The span from ``start`` up to and including ``last`` (an inclusive pair as users
        write it)."""
        return cls(start, last + ONE_DAY)

    @property
    def last(self) -> dt.date:
        """The last day that counts (the end as users see it); the day before ``start`` for
        an empty span."""
        return self.end - ONE_DAY

    @property
    def days(self) -> int:
        """The number of days in the span."""
        return (self.end - self.start).days

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day < self.end

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one day."""
        return self.start < other.end and other.start < self.end

    def months(self) -> Iterator[Span]:
        """The span cut at month boundaries: its part of each month it touches, in order.

        >>> [(m.start.isoformat(), m.last.isoformat()) for m in Span(dt.date(2025, 1, 20), dt.date(2025, 3, 6)).months()]
        [('2025-01-20', '2025-01-31'), ('2025-02-01', '2025-02-28'), ('2025-03-01', '2025-03-05')]
        """
        start = self.start
        while start < self.end:
            end = min(next_month(start), self.end)
            yield Span(start, end)
            start = end

    def month_ends(self) -> list[dt.date]:
        """The last day of each month the span touches, the span's own last day for a month it
        does not reach the end of.

        >>> Span(dt.date(2025, 1, 20), dt.date(2025, 3, 6)).month_ends()
        [datetime.date(2025, 1, 31), datetime.date(2025, 2, 28), datetime.date(2025, 3, 5)]
        """
        return [part.last for part in self.months()]
