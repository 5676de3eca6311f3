"""The rules of relationship management from hand-worked cases (domain.md section 10)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regie.engine import relations as r

D = dt.date


@pytest.mark.parametrize(
    ("dates", "today", "state", "due_on"),
    [
        # Venlo: every 8 weeks. Last held Monday 6 January 2025: due 6 Jan + 56 days = 3 March.
        ([D(2025, 1, 6)], D(2025, 2, 16), "ok", D(2025, 3, 3)),  # 15 days ahead: not yet due
        ([D(2025, 1, 6)], D(2025, 2, 17), "due", D(2025, 3, 3)),  # 14 days ahead: due
        ([D(2025, 1, 6)], D(2025, 3, 3), "due", D(2025, 3, 3)),  # the due day itself
        ([D(2025, 1, 6)], D(2025, 3, 4), "overdue", D(2025, 3, 3)),
        # a dialogue on today counts as held: the next is due 8 weeks later
        ([D(2025, 1, 6), D(2025, 3, 4)], D(2025, 3, 4), "ok", D(2025, 4, 29)),
        # planned on or before the due day meets the cadence, also when it is near
        ([D(2025, 1, 6), D(2025, 3, 3)], D(2025, 2, 20), "planned", D(2025, 3, 3)),
        # planned after the due day does not: judged as if not planned
        ([D(2025, 1, 6), D(2025, 3, 20)], D(2025, 3, 10), "overdue", D(2025, 3, 3)),
        # never spoken to: due at once, unless one is planned
        ([], D(2025, 3, 10), "due", None),
        ([D(2025, 6, 1)], D(2025, 3, 10), "planned", None),
    ],
)
def test_cadence(dates: list[dt.date], today: dt.date, state: str, due_on: dt.date | None) -> None:
    c = r.cadence(dates, 8, today)
    assert (c.state, c.due_on) == (state, due_on)


def test_cadence_every_three_weeks_and_overdue_days() -> None:
    # Venlo during the clean-up: every 3 weeks. Last 1 Sept 2025 -> due 22 Sept; on 1 Oct 9 days late.
    c = r.cadence([D(2025, 8, 1), D(2025, 9, 1)], 3, D(2025, 10, 1))
    assert c.last_held == D(2025, 9, 1) and c.due_on == D(2025, 9, 22) and c.state == "overdue"
    assert c.overdue_days(D(2025, 10, 1)) == 9
    with pytest.raises(ValueError):
        r.cadence([], 0, D(2025, 1, 1))


def test_agreement_states() -> None:
    due = D(2025, 3, 1)
    assert r.agreement_state(False, False, due, D(2025, 2, 28)) == "open"
    assert r.agreement_state(False, False, due, D(2025, 3, 1)) == "open"
    assert r.agreement_state(False, False, due, D(2025, 3, 2)) == "overdue"
    assert r.agreement_state(True, False, due, D(2025, 4, 2)) == "done"
    assert r.agreement_state(True, True, due, D(2025, 4, 2)) == "confirmed"


def test_carry_over_until_confirmed() -> None:
    rows = [
        {"id": 1, "made_on": D(2025, 1, 6), "due": D(2025, 2, 1), "done": False, "confirmed": False},
        {"id": 2, "made_on": D(2025, 1, 6), "due": D(2025, 1, 20), "done": True, "confirmed": False},
        {"id": 3, "made_on": D(2025, 1, 6), "due": D(2025, 2, 1), "done": True, "confirmed": True},
        {"id": 4, "made_on": D(2025, 3, 3), "due": D(2025, 5, 1), "done": False, "confirmed": False},
        {"id": 5, "made_on": D(2024, 11, 4), "due": D(2025, 6, 1), "done": False, "confirmed": False},
    ]
    # On 3 March: 4 is of this dialogue itself, 3 is confirmed; by due day
    assert [(a["id"], a["state"]) for a in r.carried_over(rows, D(2025, 3, 3))] == [
        (2, "done"),
        (1, "overdue"),
        (5, "open"),
    ]
    # The next dialogue (28 April) carries 4 as well
    assert [a["id"] for a in r.carried_over(rows, D(2025, 4, 28))] == [2, 1, 4, 5]


def test_targets_met_and_not_met() -> None:
    targets = {"sustainable_outflow_rate": 0.6, "max_median_duration_days": 180, "step_down": 10}
    values = {"sustainable_outflow_rate": 0.62, "median_duration_days": 181.5, "step_down": None}
    results = r.target_results(targets, values)
    assert [(x["indicator"], x["ceiling"], x["met"]) for x in results] == [
        ("sustainable_outflow_rate", False, True),
        ("median_duration_days", True, False),
        ("step_down", False, None),
    ]
    assert [x["key"] for x in r.unmet(results)] == ["max_median_duration_days"]


@given(
    st.lists(st.dates(D(2024, 1, 1), D(2026, 12, 31)), max_size=6),
    st.integers(1, 26),
    st.dates(D(2024, 1, 1), D(2026, 12, 31)),
)
def test_cadence_properties(dates: list[dt.date], weeks: int, today: dt.date) -> None:
    """Holding a dialogue today never leaves the provider due or overdue; the due day is always
    the last held dialogue plus the cadence."""
    c = r.cadence(dates, weeks, today)
    held = [d for d in dates if d <= today]
    assert c.due_on == (max(held) + dt.timedelta(weeks=weeks) if held else None)
    if c.state == "overdue":
        assert c.due_on is not None and c.due_on < today
    after = r.cadence([*dates, today], weeks, today)
    assert after.state in ("ok", "planned") or (weeks * 7 <= r.DUE_SOON_DAYS and after.state == "due")
