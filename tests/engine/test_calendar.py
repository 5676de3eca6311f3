"""The calendar arithmetic of :mod:`regie.engine.calendar`: hand-computed cases and properties."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regie.engine.calendar import (
    Span,
    add_months,
    days_in_month,
    is_month_end,
    month_end,
    month_from_index,
    month_index,
    month_start,
    months_between,
    next_month,
    quarter_start,
    year_before,
)

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
shifts = st.integers(min_value=-600, max_value=600)


def test_hand_computed_months() -> None:
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)
    assert add_months(dt.date(2025, 1, 1), -1) == dt.date(2024, 12, 1)
    assert month_end(dt.date(2025, 12, 3)) == dt.date(2025, 12, 31)
    assert next_month(dt.date(2025, 12, 31)) == dt.date(2026, 1, 1)
    assert months_between(dt.date(2024, 12, 31), dt.date(2025, 1, 1)) == 1
    assert quarter_start(dt.date(2025, 12, 31)) == dt.date(2025, 10, 1)
    assert year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert month_from_index(month_index(dt.date(2025, 3, 31))) == dt.date(2025, 3, 1)


def test_a_span_is_half_open() -> None:
    year = Span.year(2025)
    assert dt.date(2025, 1, 1) in year and dt.date(2025, 12, 31) in year
    assert dt.date(2026, 1, 1) not in year
    assert year.last == dt.date(2025, 12, 31) and year.days == 365
    assert Span.through(dt.date(2025, 3, 1), dt.date(2025, 3, 31)) == Span.month(dt.date(2025, 3, 15))
    assert not Span.month(dt.date(2025, 1, 1)).overlaps(Span.month(dt.date(2025, 2, 1)))
    assert list(Span(dt.date(2025, 5, 5), dt.date(2025, 5, 5)).months()) == []
    with pytest.raises(ValueError, match="ends on or after its start"):
        Span(dt.date(2025, 2, 1), dt.date(2025, 1, 31))


@given(days, shifts)
def test_add_months_is_undone_by_subtracting_them_for_the_first_28_days(day: dt.date, n: int) -> None:
    day = day.replace(day=min(day.day, 28))
    assert add_months(add_months(day, n), -n) == day


@given(days, shifts)
def test_add_months_moves_by_that_many_months_and_never_past_the_month(day: dt.date, n: int) -> None:
    moved = add_months(day, n)
    assert months_between(day, moved) == n
    assert moved.day == min(day.day, days_in_month(moved))
    assert add_months(month_start(day), n) == month_start(moved)


@given(days)
def test_month_end_and_start_bound_the_day(day: dt.date) -> None:
    assert month_start(day) <= day <= month_end(day)
    assert is_month_end(month_end(day))
    assert month_end(day).day == stdlib_calendar.monthrange(day.year, day.month)[1]
    assert next_month(day) == month_end(day) + dt.timedelta(days=1)
    assert month_from_index(month_index(day)) == month_start(day)


@given(days, days)
def test_months_between_is_antisymmetric(a: dt.date, b: dt.date) -> None:
    assert months_between(a, b) == -months_between(b, a)
    assert add_months(month_start(a), months_between(a, b)) == month_start(b)


@given(days)
def test_a_year_before_is_twelve_months_back(day: dt.date) -> None:
    before = year_before(day)
    assert before.year == day.year - 1 and before.month == day.month
    assert before.day == day.day or (day.month, day.day, before.day) == (2, 29, 28)


@given(st.integers(min_value=1901, max_value=2199))
def test_the_months_of_a_year_partition_it(year: int) -> None:
    months = list(Span.year(year).months())
    assert len(months) == 12
    assert months[0].start == dt.date(year, 1, 1) and months[-1].end == dt.date(year + 1, 1, 1)
    assert all(a.end == b.start for a, b in zip(months, months[1:], strict=False))
    assert sum(m.days for m in months) == Span.year(year).days
    assert [m.last for m in months] == Span.year(year).month_ends()


@given(days, st.integers(min_value=0, max_value=800))
def test_a_span_cut_into_months_keeps_every_day_once(start: dt.date, length: int) -> None:
    span = Span(start, start + dt.timedelta(days=length))
    parts = list(span.months())
    assert sum(p.days for p in parts) == span.days
    assert all(p.start < p.end and month_start(p.start) == month_start(p.last) for p in parts)
    assert all(a.end == b.start for a, b in zip(parts, parts[1:], strict=False))
    assert (parts[0].start, parts[-1].end) == (span.start, span.end) if parts else span.days == 0
    assert all(
        end >= p.start and is_month_end(end) or end == span.last
        for p, end in zip(parts, span.month_ends(), strict=True)
    )


def test_the_forecast_history_takes_each_month_end_of_the_year() -> None:
    from regie.engine.forecast.history import month_ends

    assert month_ends(2025, dt.date(2025, 2, 28)) == [dt.date(2025, 1, 31), dt.date(2025, 2, 28)]
    assert month_ends(2025, dt.date(2025, 2, 27)) == [dt.date(2025, 1, 31), dt.date(2025, 2, 27)]
    assert month_ends(2024, dt.date(2025, 3, 1)) == Span.year(2024).month_ends()
    assert month_ends(2026, dt.date(2025, 3, 1)) == []
