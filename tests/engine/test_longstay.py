"""The long-stay work list and the follow-up of review outcomes, by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from regie.engine import frames
from regie.engine.catalog import Catalog, Segment
from regie.engine.longstay import follow_up, stays, work_list

D = dt.date
AS_OF = D(2025, 6, 30)
CATALOG = Catalog(
    "r",
    (),
    (
        Segment("VB", "Verblijf", "jeugd", "pxq", 5, 0, ("40",), review_after_days=365),
        Segment("AMB", "Ambulant", "jeugd", "pxq", 2, 0, ("45",), review_after_days=180),
    ),
    (),
    (),
    (),
)


def episode(
    eid: str,
    client: str,
    segment: str,
    start: D,
    end: D | None = None,
    arrival: D | None = None,
    weight: int = 5,
    provider: str = "P",
) -> dict[str, Any]:
    return {
        "episode_id": eid,
        "client": client,
        "provider": provider,
        "segment": segment,
        "municipality": "0983",
        "weight": weight,
        "start": start,
        "start_arrival": start,
        "end": end,
        "end_arrival": None if end is None else (arrival or end),
    }


EPISODES = frames.frame(
    "episodes",
    [
        episode("a1", "anna", "VB", D(2024, 1, 1), D(2024, 6, 30)),
        episode("a2", "anna", "VB", D(2024, 7, 10)),  # renewed within 31 days: one stay since 1-1-2024
        episode("b1", "bert", "VB", D(2024, 9, 1)),  # 302 days: under the threshold
        episode("c1", "cor", "AMB", D(2024, 12, 1), weight=2),  # 211 days > 180
        episode("d1", "dirk", "VB", D(2023, 1, 1), D(2025, 6, 1), arrival=D(2025, 7, 5)),  # stop not arrived yet
    ],
)
DECLARATIONS = frames.frame(
    "declarations",
    [
        {
            "line_id": "1",
            "provider": "P",
            "segment": "VB",
            "municipality": "0983",
            "client": "anna",
            "care_month": D(2025, 5, 1),
            "arrival": D(2025, 6, 5),
            "amount_cents": 300_000,
            "accepted": True,
        },
        {
            "line_id": "2",
            "provider": "P",
            "segment": "VB",
            "municipality": "0983",
            "client": "anna",
            "care_month": D(2025, 6, 1),
            "arrival": D(2025, 7, 5),
            "amount_cents": 300_000,
            "accepted": True,
        },  # later
        {
            "line_id": "3",
            "provider": "P",
            "segment": "VB",
            "municipality": "0983",
            "client": "anna",
            "care_month": D(2024, 2, 1),
            "arrival": D(2024, 3, 5),
            "amount_cents": 100_000,
            "accepted": False,
        },
    ],
)


def test_the_work_list_holds_open_stays_past_their_threshold() -> None:
    rows = work_list(CATALOG, EPISODES, DECLARATIONS, as_of=AS_OF)
    assert [(r["client"], r["days"]) for r in rows] == [("dirk", 911), ("anna", 546), ("cor", 211)]
    anna = rows[1]
    assert anna["start"] == D(2024, 1, 1) and anna["episode"] == "a2" and anna["review_after_days"] == 365
    assert anna["declared_cents"] == 300_000  # the accepted line that had arrived
    assert rows[2]["review_after_days"] == 180


def test_stays_chain_renewals_and_split_on_a_gap() -> None:
    eps = frames.frame(
        "episodes", [episode("x1", "x", "VB", D(2024, 1, 1), D(2024, 1, 31)), episode("x2", "x", "VB", D(2024, 4, 1))]
    )
    assert [s.start for s in stays(eps, AS_OF)] == [D(2024, 1, 1), D(2024, 4, 1)]


def test_follow_up_of_step_down_end_and_continue() -> None:
    review = {"client": "anna", "segment": "VB", "provider": "P", "reviewed_on": D(2025, 3, 1), "due": D(2025, 5, 31)}
    assert follow_up({**review, "outcome": "continue"}, EPISODES, as_of=AS_OF) == "not_applicable"
    assert follow_up({**review, "outcome": "step_down"}, EPISODES, as_of=AS_OF) == "overdue"
    assert follow_up({**review, "outcome": "step_down", "due": D(2025, 9, 30)}, EPISODES, as_of=AS_OF) == "pending"
    stepped = frames.frame("episodes", [*EPISODES.to_dicts(), episode("a3", "anna", "AMB", D(2025, 5, 1), weight=2)])
    assert follow_up({**review, "outcome": "step_down"}, stepped, as_of=AS_OF) == "done"
    dirk = {"client": "dirk", "segment": "VB", "provider": "P", "reviewed_on": D(2025, 3, 1), "due": D(2025, 6, 15)}
    # the stop arrives on 5 July: not known on 30 June, known on 10 July
    assert follow_up({**dirk, "outcome": "end"}, EPISODES, as_of=AS_OF) == "overdue"
    assert follow_up({**dirk, "outcome": "end"}, EPISODES, as_of=D(2025, 7, 10)) == "done"
