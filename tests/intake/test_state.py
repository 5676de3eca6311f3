"""The rules across messages and the signals at the door, on hand-made records."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from regie.intake.state import IntakeState
from tests.intake.factories import (
    MUN,
    PROV,
    D,
    alloc,
    catalog,
    decl,
    granting,
    incoming,
    objection,
    request,
    start,
    stop,
)


def test_allocation_start_stop_make_one_episode() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), alloc()))
    out = s.apply(incoming(D(2025, 1, 7), start()))
    assert out.accepted == 1 and not out.rejected
    out = s.apply(incoming(D(2025, 7, 2), stop()))
    episode = s.episodes[f"{MUN}|A1"]
    assert (episode.start, episode.end, episode.start_arrival, episode.end_arrival) == (
        D(2025, 1, 6),
        D(2025, 6, 30),
        D(2025, 1, 7),
        D(2025, 7, 2),
    )
    assert (episode.segment, episode.domain, episode.weight) == ("IB", "wmo", 2)


def test_start_without_allocation_is_rejected_and_signalled() -> None:
    s = IntakeState(catalog())
    out = s.apply(incoming(D(2025, 1, 7), start("NOPE")))
    assert [f.code for f in out.rejected] == ["9019"]
    assert [(sig.kind, sig.client) for sig in out.signals] == [("care_without_allocation", "c1")]
    # the same client again: the signal is raised once
    assert s.apply(incoming(D(2025, 1, 8), start("NOPE2"))).signals == []


def test_task_based_start_and_stop_need_no_allocation() -> None:
    s = IntakeState(catalog())
    assert s.apply(incoming(D(2025, 2, 1), start(None, D(2025, 1, 20), "45", "45A11"))).accepted == 1
    assert s.apply(incoming(D(2025, 5, 1), stop(None, D(2025, 1, 20), D(2025, 4, 30), "45", "45A11"))).accepted == 1
    (episode,) = s.episodes.values()
    assert episode.key == "c1|12345678|4545A11|2025-01-20"
    assert episode.allocation_number is None and episode.end == D(2025, 4, 30) and episode.segment == "JA"


def test_stop_without_start_is_rejected() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), alloc()))
    out = s.apply(incoming(D(2025, 7, 2), stop()))
    assert [f.code for f in out.rejected] == ["9019"]


def test_declaration_rules() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), alloc()))
    assert s.apply(incoming(D(2025, 2, 3), decl("R1"))).accepted == 1
    assert [f.code for f in s.apply(incoming(D(2025, 2, 3), decl("R1"))).rejected] == ["8021"]  # reference used
    assert [f.code for f in s.apply(incoming(D(2025, 2, 3), decl("C9", amount=-26000))).rejected] == ["8017"]
    assert s.apply(incoming(D(2025, 2, 4), decl("C1", amount=-26000, previous="R1"))).accepted == 1  # credits R1
    assert [f.code for f in s.apply(incoming(D(2025, 2, 4), decl("C2", amount=-26000, previous="R1"))).rejected] == [
        "8017"  # R1 was credited already
    ]
    assert [f.code for f in s.apply(incoming(D(2025, 2, 5), decl("R2", category="15", code="15A01"))).rejected] == [
        "9339",
        "9340",
    ]
    assert [f.code for f in s.apply(incoming(D(2025, 2, 5), decl("R3", unit="14"))).rejected] == ["9341"]
    out = s.apply(incoming(D(2025, 2, 5), decl("R4", number="ZZ")))
    assert [f.code for f in out.rejected] == ["9338"]
    assert [sig.kind for sig in out.signals] == ["care_without_allocation"]


def test_declared_volume_within_the_allocation() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), alloc(volume=10, frequency="4")))  # 10 hours a month
    assert [f.code for f in s.apply(incoming(D(2025, 3, 1), decl("R1", month=2, volume=12))).rejected] == ["9321"]
    assert s.apply(incoming(D(2025, 3, 1), decl("R2", month=2, volume=6))).accepted == 1
    s.apply(incoming(D(2025, 1, 2), alloc("T1", volume=10, frequency="6")))  # 10 hours in total
    assert s.apply(incoming(D(2025, 3, 1), decl("T1a", number="T1", month=2, volume=6))).accepted == 1
    out = s.apply(incoming(D(2025, 4, 1), decl("T1b", number="T1", month=3, volume=6)))
    assert [f.code for f in out.rejected] == ["9322"]
    assert [sig.kind for sig in out.signals] == ["above_allocated_volume"]


def test_period_outside_the_allocation() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), alloc(end=D(2025, 3, 15))))
    assert [f.code for f in s.apply(incoming(D(2025, 4, 2), decl("R1", month=3))).rejected] == ["9308"]
    assert [f.code for f in s.apply(incoming(D(2025, 5, 2), decl("R2", month=4))).rejected] == ["9308"]


@pytest.mark.parametrize(("arrival", "late"), [(D(2025, 3, 15), False), (D(2025, 3, 16), True)])
def test_late_declaration_is_accepted_and_signalled(arrival: dt.date, late: bool) -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2025, 1, 2), alloc()))
    out = s.apply(incoming(arrival, decl("R1", month=1)))
    assert out.accepted == 1
    assert [sig.kind for sig in out.signals] == (["late_declaration"] if late else [])


def test_repeated_extension_is_signalled_once_at_the_third() -> None:
    s = IntakeState(catalog())
    kinds = []
    for i, end in enumerate([D(2025, 3, 31), D(2025, 6, 30), D(2025, 9, 30), D(2025, 12, 31), D(2026, 3, 31)]):
        kinds.append(
            [sig.kind for sig in s.apply(incoming(D(2025, 1, 2) + dt.timedelta(days=i), alloc(end=end))).signals]
        )
    assert kinds == [[], [], [], ["repeated_extension"], []]


def test_a_new_allocation_following_on_counts_as_an_extension() -> None:
    s = IntakeState(catalog())
    signals = []
    for i in range(4):
        begin = D(2025 + i, 1, 1)
        out = s.apply(incoming(begin, alloc(f"A{i}", begin=begin, end=D(2025 + i, 12, 31))))
        signals += [sig.kind for sig in out.signals]
    assert signals == ["repeated_extension"]


def test_request_gives_the_waiting_time_start() -> None:
    s = IntakeState(catalog())
    s.apply(incoming(D(2024, 11, 20), request(day=D(2024, 11, 20))))
    s.apply(incoming(D(2025, 1, 2), alloc()))
    s.apply(incoming(D(2025, 1, 7), start()))
    assert s.episodes[f"{MUN}|A1"].request_date == D(2024, 11, 20)


def test_a_known_objection_takes_its_latest_state() -> None:
    s = IntakeState(catalog())
    obj = objection()
    assert s.apply(incoming(D(2025, 2, 2), obj)).accepted == 1
    decided = objection(decided=D(2025, 4, 1), upheld=True)
    out = s.apply(incoming(D(2025, 4, 2), decided))
    assert out.accepted == 1 and out.objections == [(decided, D(2025, 4, 2))]


def test_a_state_restored_from_what_was_stored_decides_as_the_one_that_applied_the_files() -> None:
    """Rebuilt through the ``restore_*`` methods from the rows a run stores (as the traffic app
    does), the state decides the next files exactly as the state that applied the earlier ones."""
    earlier = [
        incoming(D(2025, 1, 2), request("V1"), request("V2", client="c2")),
        incoming(D(2025, 1, 3), granting("V1")),
        incoming(D(2025, 2, 3), start(begin=D(2025, 2, 1)), decl("R1", month=2, volume=6)),
        incoming(D(2025, 2, 4), objection()),
        incoming(D(2025, 2, 5), start("NOPE")),
    ]
    earlier[0] = dataclasses.replace(earlier[0], law="wmo", sender=PROV, identification="B1")
    live = IntakeState(catalog())
    outcomes = [live.apply(item) for item in earlier]
    rebuilt = IntakeState(catalog())
    for out in outcomes:
        for rec, _segment, arrival, area in out.allocations:
            rebuilt.restore_allocation(rec, arrival, area)
    for out in outcomes:
        for row in out.declarations:
            if row.accepted:
                rebuilt.restore_declaration(row.rec)
        for rec, _arrival in out.objections:
            rebuilt.restore_objection(rec.objection_id)
        for signal in out.signals:
            rebuilt.restore_signal(signal.key)
    for episode in live.episodes.values():
        rebuilt.restore_episode(dataclasses.replace(episode))
    for out in outcomes:
        for rec, segment, _arrival in out.requests:
            stored = live.book.requests[rec.request_id]
            rebuilt.restore_request(dataclasses.replace(stored, segment=segment), rec.area)
    rebuilt.restore_identification(PROV, "X", "B1")

    later = [
        dataclasses.replace(earlier[0], records=[]),  # sent again with new bytes: 9056
        incoming(D(2025, 3, 3), decl("R1", month=2, volume=1), decl("R2", month=2, volume=6)),  # 8021, 9321
        incoming(D(2025, 3, 4), start("NOPE"), stop(end=D(2025, 2, 28))),
        incoming(D(2025, 4, 1), start(client="c2", number="A2"), alloc("A2", client="c2")),  # V2 overdue
    ]
    for item in later:
        expected, got = live.apply(item), rebuilt.apply(item)
        assert got == expected
    assert [f.code for f in live.apply(dataclasses.replace(earlier[0], records=[])).rejected] == ["9056"]
    assert rebuilt.episodes == live.episodes and rebuilt.objections == live.objections
