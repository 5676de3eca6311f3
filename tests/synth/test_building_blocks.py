"""Hand-computed cases and properties of the synth building blocks (BSNs, dates, streams)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from regie.messages import is_valid_bsn
from regie.synth import calendar as cal
from regie.synth.market import scaled_providers
from regie.synth.people import corrupt_bsn, draw_bsns, surname_parts
from regie.synth.rng import stream

D = dt.date


def test_drawn_bsns_pass_the_eleven_test_and_are_distinct() -> None:
    bsns = draw_bsns(5000, np.random.default_rng(1))
    assert len(set(bsns)) == 5000
    assert all(len(b) == 9 and b.startswith("999") and is_valid_bsn(b) for b in bsns)


def test_more_bsns_than_one_block_holds() -> None:
    bsns = draw_bsns(100_000, np.random.default_rng(2))
    assert len(set(bsns)) == 100_000
    assert {b[:3] for b in bsns} == {"998", "999"}
    assert all(is_valid_bsn(b) for b in bsns[:2000])


def test_a_corrupted_bsn_fails_the_eleven_test() -> None:
    # 999900006: 9*9+8*9+7*9+6*9+5*0+4*0+3*0+2*0-1*6 = 264 = 24 * 11
    assert is_valid_bsn("999900006")
    assert corrupt_bsn("999900006") == "999900007"
    assert not is_valid_bsn("999900007")


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.integers(min_value=0, max_value=2**32))
def test_corrupting_any_drawn_bsn_breaks_it(n: int, seed: int) -> None:
    for bsn in draw_bsns(n, np.random.default_rng(seed))[:20]:
        assert is_valid_bsn(bsn) and not is_valid_bsn(corrupt_bsn(bsn))


def test_surname_particles_become_voorvoegsels() -> None:
    parts = surname_parts(np.array([1, 2, 0], dtype=np.int64))
    assert parts == [("Vries", "de"), ("Berg", "van den"), ("Jansen", "")]


def test_validity_end_hand_computed() -> None:
    days = np.array([cal.day(D(2024, 1, 15)), cal.day(D(2024, 8, 31)), cal.day(D(2025, 1, 1))])
    ends = [cal.date_of(d) for d in cal.add_months_minus_one(days, 6).tolist()]
    assert ends == [D(2024, 7, 14), D(2025, 2, 27), D(2025, 6, 30)]


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)), st.integers(min_value=1, max_value=60))
def test_validity_end_is_the_day_before_the_same_day_months_later(start: dt.date, months: int) -> None:
    end = cal.date_of(int(cal.add_months_minus_one(np.array([cal.day(start)]), months)[0]))
    following = end + dt.timedelta(days=1)
    assert (following.year * 12 + following.month) - (start.year * 12 + start.month) == months
    assert following.day == start.day or (
        following.day < start.day and (following + dt.timedelta(days=1)).month != following.month
    )


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)))
def test_next_weekday_is_a_working_day_at_most_two_days_later(date: dt.date) -> None:
    moved = cal.date_of(int(cal.next_weekday(np.array([cal.day(date)]))[0]))
    assert moved.weekday() < 5 and 0 <= (moved - date).days <= 2
    assert (moved == date) == (date.weekday() < 5)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)))
def test_month_start_and_end(date: dt.date) -> None:
    d = np.array([cal.day(date)])
    first, last = cal.date_of(int(cal.month_start(d)[0])), cal.date_of(int(cal.month_end(d)[0]))
    assert first == date.replace(day=1)
    assert last.month == date.month and (last + dt.timedelta(days=1)).day == 1
    assert int(cal.month_number(d)[0]) == date.month


def test_start_weights_follow_the_season() -> None:
    def weight(date: dt.date) -> float:
        return float(cal.start_weights(np.array([cal.day(date)]))[0])

    assert weight(D(2025, 7, 9)) < weight(D(2025, 9, 10))  # Wednesdays in July and September
    assert weight(D(2025, 12, 23)) < weight(D(2025, 12, 10))  # late December
    assert weight(D(2025, 9, 13)) < weight(D(2025, 9, 12))  # Saturday and Friday


def test_streams_are_reproducible_and_independent() -> None:
    a = stream(7, "venlo", "inflow").integers(0, 1 << 30, 5)
    b = stream(7, "venlo", "inflow").integers(0, 1 << 30, 5)
    c = stream(7, "venlo", "faults").integers(0, 1 << 30, 5)
    d = stream(8, "venlo", "inflow").integers(0, 1 << 30, 5)
    assert (a == b).all() and (a != c).any() and (a != d).any()
    assert stream(-1, "venlo", "x").integers(0, 10) >= 0  # any integer seed


def test_providers_scale_down_but_not_below_a_few() -> None:
    assert [scaled_providers(15, s) for s in (1.0, 0.5, 0.1, 0.01)] == [15, 12, 7, 4]
    assert scaled_providers(10, 4.0) == 10
