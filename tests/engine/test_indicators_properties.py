"""Invariants of the indicators (hypothesis): order, additivity over providers, "as of"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from regie.engine import frames
from regie.engine.indicators import counts as indicators_module
from regie.engine.indicators import indicators

D = dt.date
BASE = D(2024, 1, 1)
SEGMENTS = {"A": ("jeugd", 1), "B": ("jeugd", 2), "C": ("jeugd", 3), "IB": ("wmo", 2), "BW": ("wmo", 3)}
PROVIDERS = ["P1", "P2", "P3"]
CLIENTS = list("abcdefg")


def day(n: int) -> dt.date:
    return BASE + dt.timedelta(days=n)


@st.composite
def episode_rows(draw: st.DrawFn, n_max: int = 20, first_arrival: int = 0) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, n_max))):
        segment = draw(st.sampled_from(sorted(SEGMENTS)))
        start = draw(st.integers(0, 800))
        start_arrival = max(start, first_arrival) + draw(st.integers(0, 40))
        end = start + draw(st.integers(0, 300)) if draw(st.booleans()) else None
        end_arrival = max(end, first_arrival) + draw(st.integers(0, 90)) if end is not None else None
        wait = draw(st.none() | st.integers(0, 80))
        rows.append(
            {
                "episode_id": f"e{first_arrival}-{i}",
                "client": draw(st.sampled_from(CLIENTS)),
                "provider": draw(st.sampled_from(PROVIDERS)),
                "segment": segment,
                "domain": SEGMENTS[segment][0],
                "weight": SEGMENTS[segment][1],
                "municipality": draw(st.sampled_from(["0363", "0384"])),
                "area": draw(st.sampled_from([None, "Noord", "Zuid"])),
                "product_category": "45",
                "start": day(start),
                "end": day(end) if end is not None else None,
                "start_arrival": day(start_arrival),
                "end_arrival": day(end_arrival) if end_arrival is not None else None,
                "request_date": day(start - wait) if wait is not None else None,
            }
        )
    return rows


@st.composite
def objection_rows(draw: st.DrawFn, first_arrival: int = 0) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, 8))):
        filed = draw(st.integers(0, 800))
        decided = filed + draw(st.integers(0, 200)) if draw(st.booleans()) else None
        rows.append(
            {
                "objection_id": f"o{first_arrival}-{i}",
                "client": draw(st.sampled_from(CLIENTS)),
                "municipality": draw(st.sampled_from(["0363", "0384"])),
                "segment": draw(st.sampled_from(sorted(SEGMENTS))),
                "provider": draw(st.sampled_from([*PROVIDERS, None])),
                "kind": draw(st.sampled_from(["bezwaar", "beroep"])),
                "filed": day(filed),
                "arrival": day(max(filed, first_arrival) + draw(st.integers(0, 30))),
                "decided": day(decided) if decided is not None else None,
                "upheld": draw(st.booleans()) if decided is not None else None,
            }
        )
    return rows


@st.composite
def request_rows(draw: st.DrawFn, first_arrival: int = 0) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, 8))):
        registered = draw(st.integers(0, 800))
        rows.append(
            {
                "request_id": f"r{first_arrival}-{i}",
                "client": draw(st.sampled_from(CLIENTS)),
                "segment": draw(st.sampled_from(sorted(SEGMENTS))),
                "registered": day(registered),
                "arrival": day(max(registered, first_arrival) + draw(st.integers(0, 30))),
            }
        )
    return rows


def payment_frame(draw: st.DrawFn) -> pl.DataFrame:
    rows = [
        {
            "contract": f"c-{p}",
            "provider": p,
            "segment": draw(st.sampled_from(sorted(SEGMENTS))),
            "municipality": "0363",
            "month": D(2025, draw(st.integers(1, 12)), 1),
            "amount_cents": draw(st.integers(0, 10**6)),
        }
        for p in draw(st.lists(st.sampled_from(PROVIDERS), max_size=6))
    ]
    return frames.frame("payments", rows)


AGREED = pl.DataFrame(
    {
        "provider": ["P1", "P2", "P1"],
        "segment": ["B", "B", "C"],
        "year": [2025, 2025, 2025],
        "agreed_clients": [4, 3, 2],
    }
)
BYS = [(), ("provider",), ("segment", "month"), ("municipality", "area"), ("provider", "segment", "quarter")]
as_of_days = st.integers(366, 900)


def shuffled(df: pl.DataFrame, seed: int) -> pl.DataFrame:
    return df.sample(fraction=1.0, shuffle=True, seed=seed)


@settings(max_examples=40, deadline=None)
@given(
    episode_rows(),
    objection_rows(),
    request_rows(),
    st.data(),
    as_of_days,
    st.sampled_from(BYS),
    st.integers(0, 2**32 - 1),
)
def test_shuffling_the_input_changes_nothing(
    eps: list[dict[str, Any]],
    objs: list[dict[str, Any]],
    reqs: list[dict[str, Any]],
    data: st.DataObject,
    as_of: int,
    by: tuple[str, ...],
    seed: int,
) -> None:
    e, o, r = frames.frame("episodes", eps), frames.frame("objections", objs), frames.frame("requests", reqs)
    p = payment_frame(data.draw)
    kw: dict[str, Any] = {"year": 2025, "as_of": day(as_of), "by": by, "agreed": AGREED}
    expected = indicators(e, objections=o, requests=r, payments=p, **kw)
    got = indicators(
        shuffled(e, seed),
        objections=shuffled(o, seed + 1),
        requests=shuffled(r, seed + 2),
        payments=shuffled(p, seed + 3),
        **kw,
    )
    assert_frame_equal(got, expected)


@settings(max_examples=40, deadline=None)
@given(episode_rows(n_max=30), objection_rows(), as_of_days, st.sampled_from([(), ("month",)]))
def test_providers_add_up_to_the_region(
    eps: list[dict[str, Any]], objs: list[dict[str, Any]], as_of: int, time: tuple[str, ...]
) -> None:
    e, o = frames.frame("episodes", eps), frames.frame("objections", objs)
    kw: dict[str, Any] = {"year": 2025, "as_of": day(as_of), "objections": o}
    region = indicators(e, by=time, **kw)
    per_provider = indicators(e, by=("provider", *time), **kw)
    additive = ["inflow", "outflow", "step_down", "objections"]

    def totals(df: pl.DataFrame) -> dict[Any, tuple[int, ...]]:
        sums = df.group_by(list(time) or pl.lit(0)).agg(pl.col(c).sum() for c in additive)
        return {row[0]: tuple(row[1:]) for row in sums.rows()}

    assert totals(per_provider) == totals(region)
    # Clients are distinct per group: the providers' clients add up to at least the region's.
    assert per_provider["clients"].sum() >= region["clients"].sum()
    # Months add up to the year.
    if time:
        year = indicators(e, **kw)
        assert region["inflow"].sum() == year["inflow"].sum() and region["outflow"].sum() == year["outflow"].sum()


def later_messages(eps: list[dict[str, Any]], as_of: dt.date, draw: st.DrawFn) -> list[dict[str, Any]]:
    """The same episodes, with every message that arrives after ``as_of`` changed at will."""
    out = []
    for row in eps:
        row = dict(row)
        if row["start_arrival"] > as_of:
            row["start"] = as_of + dt.timedelta(days=draw(st.integers(-400, 100)))
            row["client"] = draw(st.sampled_from(CLIENTS))
            row["request_date"] = None
        if row["end"] is None or row["end_arrival"] > as_of:
            # A stop that arrives after as_of: any end, or none.
            if draw(st.booleans()):
                row["end"] = max(row["start"], as_of + dt.timedelta(days=draw(st.integers(-300, 30))))
                row["end_arrival"] = as_of + dt.timedelta(days=draw(st.integers(1, 60)))
            else:
                row["end"] = row["end_arrival"] = None
        out.append(row)
    return out


@settings(max_examples=40, deadline=None)
@given(episode_rows(), objection_rows(), request_rows(), as_of_days, st.sampled_from(BYS), st.data())
def test_as_of_never_sees_a_later_message(
    eps: list[dict[str, Any]],
    objs: list[dict[str, Any]],
    reqs: list[dict[str, Any]],
    as_of: int,
    by: tuple[str, ...],
    data: st.DataObject,
) -> None:
    cut = day(as_of)
    kw: dict[str, Any] = {"year": 2025, "as_of": cut, "by": by, "agreed": AGREED}
    before = indicators(
        frames.frame("episodes", eps),
        objections=frames.frame("objections", objs),
        requests=frames.frame("requests", reqs),
        **kw,
    )
    # Change what arrives later, and add new messages arriving after as_of.
    changed = later_messages(eps, cut, data.draw) + data.draw(episode_rows(n_max=6, first_arrival=as_of + 1))
    more_objs = objs + data.draw(objection_rows(first_arrival=as_of + 1))
    more_reqs = reqs + data.draw(request_rows(first_arrival=as_of + 1))
    after = indicators(
        frames.frame("episodes", changed),
        objections=frames.frame("objections", more_objs),
        requests=frames.frame("requests", more_reqs),
        **kw,
    )
    assert_frame_equal(after, before)
    # And what had arrived by as_of, alone, gives the same figures.
    arrived = frames.as_of(frames.frame("episodes", eps), "episodes", cut)
    assert_frame_equal(
        indicators(
            arrived,
            objections=frames.as_of(frames.frame("objections", objs), "objections", cut),
            requests=frames.frame("requests", reqs),
            **kw,
        ),
        before,
    )


@settings(max_examples=25, deadline=None)
@given(episode_rows(), as_of_days)
def test_values_are_null_or_within_their_ranges(eps: list[dict[str, Any]], as_of: int) -> None:
    out = indicators(frames.frame("episodes", eps), year=2025, as_of=day(as_of), by=("provider", "month"))
    for col in ("sustainable_outflow_rate", "waiting_within_norm_share"):
        assert out.filter((pl.col(col) < 0) | (pl.col(col) > 1)).height == 0
    assert out.filter(pl.col("median_duration_days") < 0).height == 0
    assert (
        out.filter(pl.col("clients") == 0)["median_duration_days"].null_count()
        == out.filter(pl.col("clients") == 0).height
    )


def counted_clients(eps: list[dict[str, Any]], as_of: dt.date) -> dict[tuple[str, dt.date], int]:
    """Distinct clients per provider and month of 2025, counted one by one."""
    out: dict[tuple[str, dt.date], set[str]] = {}
    for r in eps:
        if r["start_arrival"] > as_of or r["start"] > as_of:
            continue
        end = r["end"] if r["end"] is not None and r["end_arrival"] <= as_of and r["end"] <= as_of else None
        for m in range(1, 13):
            first = D(2025, m, 1)
            if first > as_of:
                break
            last = min(D(2025, m + 1, 1) - dt.timedelta(days=1) if m < 12 else D(2025, 12, 31), as_of)
            if r["start"] <= last and (end is None or end >= first):
                out.setdefault((r["provider"], first), set()).add(r["client"])
    return {k: len(v) for k, v in out.items()}


@settings(max_examples=40, deadline=None)
@given(episode_rows(n_max=30), as_of_days, st.booleans())
def test_clients_are_the_distinct_clients_counted_one_by_one(
    eps: list[dict[str, Any]], as_of: int, column_sort: bool
) -> None:
    limit = indicators_module._KEY_LIMIT
    try:
        if column_sort:  # the sort used when a combined integer key could overflow
            indicators_module._KEY_LIMIT = 0
        out = indicators(
            frames.frame("episodes", eps), year=2025, as_of=day(as_of), by=("provider", "month"), columns=("clients",)
        )
    finally:
        indicators_module._KEY_LIMIT = limit
    got = {(p, m): n for p, m, n in out.select("provider", "month", "clients").rows() if n}
    assert got == counted_clients(eps, day(as_of))
