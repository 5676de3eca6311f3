"""The PGB share and the ``pgb_shift`` rule (domain.md section 10a), from hand-worked cases."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from regie.engine.pgb import Period, pgb_share, pgb_shift, quarterly_shares

D = dt.date
#: Thirty providers until 2024, twelve after the tender of 2025.
WIDE = Period(D(2023, 1, 1), D(2024, 12, 31), 30)
NARROW = Period(D(2025, 1, 1), D(2026, 12, 31), 12)


def _shares(q2_2025: float) -> dict[dt.date, float]:
    # the last quarter before the narrower period: 10.0 %; then 12 %, then the case's share
    return {D(2024, 10, 1): 0.100, D(2025, 1, 1): 0.120, D(2025, 4, 1): q2_2025}


def test_a_rise_of_5_1_points_after_a_narrower_period_raises_the_signal() -> None:
    (shift,) = pgb_shift("WMO-IB", _shares(0.151), [WIDE, NARROW])
    assert (shift.quarter, shift.before, shift.share, shift.points) == (D(2025, 4, 1), 0.1, 0.151, 5.1)
    assert (shift.providers_before, shift.providers) == (30, 12)
    assert shift.key == "pgb_shift|WMO-IB|2025-01-01"


def test_a_rise_of_4_9_points_does_not() -> None:
    assert pgb_shift("WMO-IB", _shares(0.149), [WIDE, NARROW]) == []


def test_exactly_5_points_is_not_more_than_5() -> None:
    assert pgb_shift("WMO-IB", _shares(0.150), [WIDE, NARROW]) == []


def test_a_rise_without_a_narrower_period_does_not() -> None:
    same = Period(NARROW.start, NARROW.end, 30)
    wider = Period(NARROW.start, NARROW.end, 40)
    assert pgb_shift("WMO-IB", _shares(0.30), [WIDE, same]) == []
    assert pgb_shift("WMO-IB", _shares(0.30), [WIDE, wider]) == []
    assert pgb_shift("WMO-IB", _shares(0.30), [NARROW]) == []


def test_a_rise_after_the_fourth_quarter_does_not() -> None:
    shares = {D(2024, 10, 1): 0.10, D(2025, 10, 1): 0.14, D(2026, 1, 1): 0.30}  # Q1 2026 is the fifth
    assert pgb_shift("WMO-IB", shares, [WIDE, NARROW]) == []
    shares[D(2025, 10, 1)] = 0.16  # the fourth quarter: 6 points
    assert [s.quarter for s in pgb_shift("WMO-IB", shares, [WIDE, NARROW])] == [D(2025, 10, 1)]


def test_no_share_before_the_period_means_nothing_to_compare() -> None:
    assert pgb_shift("WMO-IB", {D(2025, 4, 1): 0.5}, [WIDE, NARROW]) == []


def _frame(rows: list[tuple[str, str, dt.date, dt.date | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"segment": pl.Utf8, "client": pl.Utf8, "start": pl.Date, "end": pl.Date}, orient="row"
    )


def test_the_share_counts_each_client_once_over_care_in_kind_and_pgb() -> None:
    # Q1 2025, segment A: c1, c2 in kind; c2 also a PGB (counted once); c3 a PGB only; c4 ended
    # in 2024 (not in the quarter); c5 a PGB starting in Q2 (not in the quarter). 3 clients, 2 PGB.
    episodes = _frame(
        [
            ("A", "c1", D(2024, 6, 1), None),
            ("A", "c2", D(2025, 1, 10), D(2025, 2, 1)),
            ("A", "c4", D(2024, 1, 1), D(2024, 12, 31)),
            ("B", "c9", D(2025, 1, 1), None),
        ]
    )
    budgets = _frame(
        [("A", "c2", D(2025, 2, 2), None), ("A", "c3", D(2024, 1, 1), D(2025, 1, 1)), ("A", "c5", D(2025, 4, 1), None)]
    )
    rows = pgb_share(episodes, budgets, D(2025, 1, 1), D(2025, 3, 31)).rows()
    assert rows == [("A", 3, 2, pytest.approx(2 / 3)), ("B", 1, 0, 0.0)]
    by_quarter = quarterly_shares(episodes, budgets, D(2025, 2, 15), D(2025, 5, 1))
    # Q2: c1 in kind, c2 (PGB runs on), c5 PGB -> 2 of 3
    assert by_quarter["A"] == {D(2025, 1, 1): pytest.approx(2 / 3), D(2025, 4, 1): pytest.approx(2 / 3)}
