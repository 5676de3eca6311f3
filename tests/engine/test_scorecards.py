"""Provider scorecards from a small hand-computed region."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
import pytest

from regie.engine import frames
from regie.engine.scorecards import SCORED, peer_stats, scorecards, trend_span

D = dt.date


def ep(
    client: str, provider: str, segment: str, start: dt.date, end: dt.date | None = None, **kw: Any
) -> dict[str, Any]:
    row = {
        "episode_id": f"{client}|{provider}|{segment}|{start}",
        "client": client,
        "provider": provider,
        "segment": segment,
        "domain": "wmo",
        "weight": {"S": 2, "T": 1}[segment],
        "municipality": "0983",
        "start": start,
        "end": end,
        "start_arrival": start,
        "end_arrival": end,
    }
    row.update(kw)
    return row


def region() -> pl.DataFrame:
    rows = [
        # Segment S: P1 has 2 clients, P2 3, P3 1, P4 4 in 2025.
        ep("a1", "P1", "S", D(2025, 1, 10), D(2025, 2, 14)),  # 35 days
        ep("a2", "P1", "S", D(2025, 3, 5)),
        *[ep(f"b{i}", "P2", "S", D(2025, 1, 1)) for i in range(3)],
        ep("c1", "P3", "S", D(2024, 11, 1), D(2025, 1, 31)),
        *[ep(f"d{i}", "P4", "S", D(2025, 2, 1)) for i in range(4)],
        # Segment T: P1 alone.
        ep("e1", "P1", "T", D(2025, 2, 1)),
    ]
    return frames.frame("episodes", rows)


AGREED = pl.DataFrame({"provider": ["P1", "P2"], "segment": ["S", "S"], "year": [2025, 2025], "agreed_clients": [4, 3]})


def snapshot(**kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "year": 2025,
        "as_of": D(2025, 3, 31),
        "computed_on": D(2025, 4, 2),
        "agreed": AGREED,
        "trend": "month",
        "periods": 3,
    }
    args.update(kw)
    return scorecards(region(), **args)


def card(snap: dict[str, Any], provider: str, segment: str) -> dict[str, Any]:
    found = [c for c in snap["cards"] if c["provider"] == provider and c["segment"] == segment]
    assert len(found) == 1
    return found[0]


def test_snapshot_header() -> None:
    snap = snapshot()
    assert snap["version"] == 1 and snap["year"] == 2025
    assert snap["as_of"] == "2025-03-31" and snap["computed_on"] == "2025-04-02"
    assert snap["trend"] == {"unit": "month", "periods": 3, "start": "2025-01-01", "end": "2025-03-31"}
    assert [(c["segment"], c["provider"]) for c in snap["cards"]] == [
        ("S", "P1"),
        ("S", "P2"),
        ("S", "P3"),
        ("S", "P4"),
        ("T", "P1"),
    ]


def test_each_provider_against_the_other_providers_of_its_segment() -> None:
    snap = snapshot()
    # P1 in S: 2 clients; the others 3, 1, 4 -> sorted 1, 3, 4: median 3, p25 2, p75 3.5.
    clients = card(snap, "P1", "S")["indicators"]["clients"]
    assert clients == {
        "value": 2,
        "peer_median": 3.0,
        "peer_p25": 2.0,
        "peer_p75": 3.5,
        "peers": 3,
        "position": "within",
    }
    # P3: 1 against 2, 3, 4 -> below; P4: 4 against 2, 3, 1 -> above.
    assert card(snap, "P3", "S")["indicators"]["clients"]["position"] == "below"
    assert card(snap, "P4", "S")["indicators"]["clients"]["position"] == "above"
    # Alone in T: no peers.
    alone = card(snap, "P1", "T")["indicators"]["clients"]
    assert alone == {"value": 1, "peer_median": None, "peer_p25": None, "peer_p75": None, "peers": 0, "position": None}


def test_peers_without_a_value_are_left_out() -> None:
    snap = snapshot()
    # Median duration: P1 has one closed episode of 35 days and one open -> S(35) = 1/2 -> 35;
    # P3's single episode ended after 91 days; P2 and P4 have only open episodes -> null.
    duration = card(snap, "P1", "S")["indicators"]["median_duration_days"]
    assert duration["value"] == 35 and duration["peers"] == 1
    assert duration["peer_median"] is None and duration["position"] is None  # one peer: its 91 days stay its own
    assert card(snap, "P2", "S")["indicators"]["median_duration_days"]["value"] is None
    assert card(snap, "P2", "S")["indicators"]["median_duration_days"]["position"] is None


def test_trend_over_the_last_periods() -> None:
    trend = card(snapshot(), "P1", "S")["trend"]
    assert [(t["period"], t["clients"], t["inflow"], t["outflow"]) for t in trend] == [
        ("2025-01-01", 1, 1, 0),
        ("2025-02-01", 1, 0, 1),
        ("2025-03-01", 1, 1, 0),
    ]
    assert set(trend[0]) == {"period", *SCORED}
    quarters = card(snapshot(trend="quarter", periods=2), "P3", "S")["trend"]
    assert [(t["period"], t["clients"], t["outflow"]) for t in quarters] == [("2024-10-01", 1, 0), ("2025-01-01", 1, 1)]


def test_agreed_against_realised() -> None:
    snap = snapshot()
    assert card(snap, "P1", "S")["agreed"] == {"agreed_clients": 4, "realised_clients": 2, "realised_share": 0.5}
    assert card(snap, "P2", "S")["agreed"] == {"agreed_clients": 3, "realised_clients": 3, "realised_share": 1.0}
    assert card(snap, "P3", "S")["agreed"] == {"agreed_clients": None, "realised_clients": 1, "realised_share": None}


def test_one_provider_keeps_all_its_peers() -> None:
    snap = snapshot(provider="P1")
    assert [(c["segment"], c["provider"]) for c in snap["cards"]] == [("S", "P1"), ("T", "P1")]
    assert snap["cards"][0]["indicators"]["clients"]["peers"] == 3


def test_snapshot_is_plain_json_and_stable() -> None:
    snap = snapshot()
    assert json.loads(json.dumps(snap)) == snap
    shuffled = scorecards(
        region().sample(fraction=1.0, shuffle=True, seed=3),
        year=2025,
        as_of=D(2025, 3, 31),
        computed_on=D(2025, 4, 2),
        agreed=AGREED,
        trend="month",
        periods=3,
    )
    assert shuffled == snap


def test_a_snapshot_shows_the_figures_of_its_day() -> None:
    before = snapshot()
    # A stop for a2 that arrives after the dialogue does not change that day's snapshot...
    late = region().with_columns(
        pl.when(pl.col("client") == "a2").then(pl.lit(D(2025, 3, 20))).otherwise(pl.col("end")).alias("end"),
        pl.when(pl.col("client") == "a2")
        .then(pl.lit(D(2025, 4, 10)))
        .otherwise(pl.col("end_arrival"))
        .alias("end_arrival"),
    )
    same_day = scorecards(
        late, year=2025, as_of=D(2025, 3, 31), computed_on=D(2025, 4, 2), agreed=AGREED, trend="month", periods=3
    )
    assert same_day == before
    # ... but a later one sees it.
    later = scorecards(late, year=2025, as_of=D(2025, 4, 10), computed_on=D(2025, 4, 11), agreed=AGREED)
    assert card(later, "P1", "S")["indicators"]["outflow"]["value"] == 2


def test_peer_stats_and_trend_span_edges() -> None:
    assert peer_stats([5, 6, 7]) == {"peer_median": 6.0, "peer_p25": 5.5, "peer_p75": 6.5, "peers": 3}
    assert trend_span(D(2025, 1, 15), "month", 1) == (D(2025, 1, 1), D(2025, 1, 16))
    assert trend_span(D(2025, 2, 1), "quarter", 2) == (D(2024, 10, 1), D(2025, 2, 2))
    with pytest.raises(ValueError):
        trend_span(D(2025, 1, 1), "year", 2)
    with pytest.raises(ValueError):
        trend_span(D(2025, 1, 1), "month", 0)


def test_one_or_two_peers_reveal_no_value() -> None:
    """Issue 12, failure 7: with one peer the median is the competitor's own value, with two
    their mean; below three peers a card gives only their number."""
    assert peer_stats([5]) == {"peer_median": None, "peer_p25": None, "peer_p75": None, "peers": 1}
    assert peer_stats([5, 9]) == {"peer_median": None, "peer_p25": None, "peer_p75": None, "peers": 2}
    snap = snapshot()
    for c in snap["cards"]:
        for stats in c["indicators"].values():
            if stats["peers"] < 3:
                assert stats["peer_median"] is None and stats["peer_p25"] is None and stats["peer_p75"] is None
                assert stats["position"] is None
