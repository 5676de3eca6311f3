"""The shared waiting list's rules (regie.engine.access), from hand-worked cases and properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from regie.engine.access import (
    ASSIGNED,
    STARTED,
    WAITING,
    WITHDRAWN,
    Entry,
    NewCare,
    Start,
    backlog,
    capacity,
    core_partners,
    link_starts,
    norm_days,
    norm_signal,
    norm_signals,
    past_norm,
    prioritised,
    referrer_shares,
    visible_to_provider,
    waiting_days,
)

TODAY = dt.date(2025, 6, 30)


def d(month: int, day: int) -> dt.date:
    return dt.date(2025, month, day)


def test_norms_per_urgency() -> None:
    assert [norm_days(u) for u in ("crisis", "urgent", "normal")] == [1, 14, 42]
    assert norm_days("normal", 28) == 28
    assert norm_days("urgent", 28) == 14  # the segment's norm is for normal urgency only


def test_waiting_days_to_today_start_or_withdrawal() -> None:
    waiting = Entry(1, "p", "A", "normal", d(6, 1))
    assert waiting_days(waiting, TODAY) == 29
    started = Entry(2, "p", "A", "normal", d(5, 1), STARTED, started_on=d(5, 20))
    assert waiting_days(started, TODAY) == 19
    withdrawn = Entry(3, "p", "A", "normal", d(5, 1), WITHDRAWN, withdrawn_on=d(5, 3))
    assert waiting_days(withdrawn, TODAY) == 2
    future = Entry(4, "p", "A", "normal", d(7, 5))
    assert waiting_days(future, TODAY) == 0


def test_priority_order_hand_worked() -> None:
    # crisis first, then urgent, then normal; within one urgency the longest waiting first;
    # a started registration counts its days to the start.
    rows = [
        Entry(1, "a", "A", "normal", d(6, 1)),  # 29 days
        Entry(2, "b", "A", "normal", d(4, 1)),  # 90 days
        Entry(3, "c", "A", "urgent", d(6, 20)),  # 10 days
        Entry(4, "d", "A", "crisis", d(6, 29)),  # 1 day
        Entry(5, "e", "A", "urgent", d(6, 10)),  # 20 days
        Entry(6, "f", "A", "normal", d(3, 1), STARTED, started_on=d(3, 11)),  # 10 days
        Entry(7, "g", "A", "normal", d(6, 1)),  # 29 days, as long as 1: the lower id first
    ]
    assert [e.id for e in prioritised(rows, TODAY)] == [4, 5, 3, 2, 1, 7, 6]


entries = st.lists(
    st.builds(
        Entry,
        id=st.integers(1, 10_000),
        client=st.sampled_from(["a", "b", "c"]),
        segment=st.just("A"),
        urgency=st.sampled_from(["crisis", "urgent", "normal"]),
        registered_on=st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31)),
        status=st.sampled_from([WAITING, ASSIGNED]),
    ),
    max_size=30,
    unique_by=lambda e: e.id,
)


@given(entries, st.randoms())
def test_order_never_depends_on_input_order(rows: list[Entry], rnd: object) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert prioritised(shuffled, TODAY) == prioritised(rows, TODAY)


@given(entries)
def test_order_urgency_first_then_longest_waiting(rows: list[Entry]) -> None:
    ranked = prioritised(rows, TODAY)
    rank = {"crisis": 0, "urgent": 1, "normal": 2}
    for before, after in zip(ranked, ranked[1:], strict=False):
        assert rank[before.urgency] <= rank[after.urgency]
        if before.urgency == after.urgency:
            assert waiting_days(before, TODAY) >= waiting_days(after, TODAY)


def test_leaving_the_list_on_a_start_on_or_after_registration() -> None:
    registered = Entry(1, "p", "A", "normal", d(3, 10))
    assigned = Entry(2, "q", "A", "urgent", d(3, 10), ASSIGNED, provider="111")
    withdrawn = Entry(3, "r", "A", "normal", d(3, 10), WITHDRAWN, withdrawn_on=d(3, 12))
    starts = [
        Start("p", "A", "111", d(3, 9), "305"),  # before the registration: not this request
        Start("p", "B", "111", d(3, 15), "305"),  # another segment
        Start("p", "A", "222", d(4, 2), "305"),
        Start("p", "A", "333", d(4, 2), "301"),  # same day: the allocation first
        Start("q", "A", "111", d(3, 10), "305"),  # on the registration day counts
        Start("r", "A", "111", d(3, 20), "305"),  # withdrawn: stays withdrawn
    ]
    linked = link_starts([registered, assigned, withdrawn], starts)
    assert linked[1] == Start("p", "A", "333", d(4, 2), "301")
    assert linked[2].start == d(3, 10) and linked[2].provider == "111"
    assert 3 not in linked
    assert link_starts([registered], starts[:2]) == {}


def test_norm_signal_once_on_the_first_day_past_the_norm() -> None:
    crisis = Entry(1, "p", "A", "crisis", d(6, 1))
    assert not past_norm(crisis, d(6, 2)) and norm_signal(crisis, d(6, 2)) is None
    signal = norm_signal(crisis, d(6, 3))
    assert signal is not None and (signal.due, signal.raised_on, signal.norm_days) == (d(6, 2), d(6, 3), 1)
    # the same registration later still gives the same signal (the shell keys it, so: once)
    assert norm_signal(crisis, TODAY) == signal
    # started within the norm: none; started after it: one, on the day it passed
    normal = Entry(2, "q", "A", "normal", d(1, 1), STARTED, started_on=d(2, 12))  # 42 days: within
    late = Entry(3, "r", "A", "normal", d(1, 1), STARTED, started_on=d(2, 13))  # 43 days
    withdrawn = Entry(4, "s", "A", "urgent", d(5, 1), WITHDRAWN, withdrawn_on=d(5, 10))
    found = norm_signals([late, normal, withdrawn, crisis], TODAY)
    assert [(s.entry.id, s.raised_on) for s in found] == [(3, d(2, 13)), (1, d(6, 3))]


def test_capacity_and_backlog() -> None:
    rows = [
        Entry(1, "a", "A", "normal", d(6, 1), ASSIGNED, provider="111"),
        Entry(2, "b", "A", "normal", d(6, 1), ASSIGNED, provider="111"),
        Entry(3, "c", "A", "normal", d(6, 1), STARTED, started_on=d(6, 5), provider="111"),
        Entry(4, "d", "A", "normal", d(6, 1)),
    ]
    assert backlog(rows) == {("111", "A"): 2}
    cap = capacity({("111", "A"): 9, ("222", "A"): 4}, {("111", "A"): 10, ("222", "A"): 5}, backlog(rows))
    assert [(c.provider, c.in_care, c.agreed, c.backlog, c.room) for c in cap] == [
        ("111", 9, 10, 2, -1),
        ("222", 4, 5, 0, 1),
    ]


def test_core_partners_listed_or_flagged_with_a_contract() -> None:
    contracted = {"A": ["1", "2", "3"], "B": ["4"]}
    assert core_partners("A", None, ["1", "4"], contracted) == ("1",)
    assert core_partners("B", None, ["1", "4"], contracted) == ("4",)
    assert core_partners("A", ["3", "2", "3"], ["1"], contracted) == ("2", "3")
    assert visible_to_provider("1", ["A"], "A", "2")
    assert not visible_to_provider("2", [], "A", "1")
    assert visible_to_provider("2", [], "A", "2")


def test_referrer_shares() -> None:
    assert referrer_shares([]) == {"n": 0, "by_kind": {}, "uncontracted_share": None}
    shares = referrer_shares(
        [NewCare("02", False), NewCare("02", True), NewCare("01", True), NewCare("04", True), NewCare("", False)]
    )
    assert shares == {"n": 4, "by_kind": {"01": 0.25, "02": 0.5, "04": 0.25}, "uncontracted_share": 0.25}
