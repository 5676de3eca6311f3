"""Benchmark: the full indicator set against DuckDB counting clients, inflow and outflow.

Ten years of an Amsterdam-like region (about 250,000 care episodes, Jeugd segments A/B/C from
ten core partners and a residential segment from subcontractors, 4 municipalities, 22 areas,
step-downs and re-entries, waiting times, late stops) are synthesised with numpy, or read from
a generated truth set (``--truth DIR/truth``). In the same run:

- ours: :func:`regie.engine.indicators.indicators` computes every indicator of domain.md
  section 5 by provider x segment x month over the ten years (as of a date after the span);
- reference: one plain SQL query in DuckDB over the same episodes (registered as an Arrow
  table) computes only the counts: distinct clients, inflow and outflow per provider x segment
  x month, with the same "as of" rule.

Both are timed ``--repeat`` times, alternating, after one warm-up each; the counts are checked
to be identical, and the ratio ours / DuckDB of the best times is printed (target: at most
2), with the median ratio of the paired runs as a check on a busy machine.

    uv run python benchmarks/indicators.py [--episodes 250000] [--repeat 5] [--threads N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from regie.engine import frames
from regie.engine.indicators import indicators

START = dt.date(2016, 1, 1)
END = dt.date(2026, 1, 1)  # exclusive
AS_OF = dt.date(2026, 3, 31)

SEGMENTS = {  # code: (domain, weight, mean duration in days)
    "JA": ("jeugd", 1, 120),
    "JB": ("jeugd", 2, 240),
    "JC": ("jeugd", 3, 420),
    "J43": ("jeugd", 4, 300),
}
MUNICIPALITIES = ["0363", "0384", "0437", "0451"]
AREAS = [f"Gebied {i:02d}" for i in range(1, 23)]


def synthesise(n_episodes: int, seed: int) -> pl.DataFrame:
    """An Amsterdam-like episodes frame of about ``n_episodes`` rows over ten years."""
    rng = np.random.default_rng(seed)
    span = (END - START).days
    core = [f"{10000001 + i:08d}" for i in range(10)]
    subs = [f"{20000001 + i:08d}" for i in range(8)]
    n_first = int(n_episodes * 0.8)

    # First episodes: a client, a segment (residential mostly at the subcontractors), a start
    # date with seasonality (fewer starts in July/August and late December).
    seg_codes = np.array(list(SEGMENTS))
    seg = rng.choice(len(seg_codes), n_first, p=[0.45, 0.33, 0.14, 0.08])
    day = rng.integers(0, span, n_first * 2)
    dates = np.datetime64(START) + day.astype("timedelta64[D]")
    month = (dates.astype("datetime64[M]").astype(int) % 12) + 1
    dom = (dates - dates.astype("datetime64[M]")).astype(int) + 1
    keep = rng.random(day.size) < np.where(
        (month == 7) | (month == 8), 0.6, np.where((month == 12) & (dom > 20), 0.4, 1.0)
    )
    day = day[keep][:n_first]
    n_first = day.size
    seg = seg[:n_first]
    mean = np.array([SEGMENTS[s][2] for s in seg_codes])[seg]
    duration = np.maximum(0, rng.lognormal(np.log(mean) - 0.3, 0.75)).astype(np.int64)
    provider = np.where(
        seg_codes[seg] == "J43",
        np.array(subs)[rng.integers(0, len(subs), n_first)],
        np.array(core)[rng.integers(0, 10, n_first)],
    )
    client = rng.integers(0, int(n_first * 0.85), n_first)  # some clients come back later anyway

    # Follow-on episodes: a step-down (lower weight, 0-45 days after the end) or a re-entry
    # (same weight, 10-400 days after), for 20 % of the episodes.
    n_next = n_episodes - n_first
    src = rng.choice(n_first, n_next, replace=False)
    step = rng.random(n_next) < 0.6
    next_seg = np.where(step & (seg[src] > 0) & (seg[src] < 3), seg[src] - 1, seg[src])
    gap = np.where(step, rng.integers(0, 46, n_next), rng.integers(10, 400, n_next))
    next_day = day[src] + duration[src] + gap
    next_mean = np.array([SEGMENTS[s][2] for s in seg_codes])[next_seg]
    next_duration = np.maximum(0, rng.lognormal(np.log(next_mean) - 0.3, 0.75)).astype(np.int64)
    next_provider = np.where(next_seg == 3, provider[src], np.array(core)[rng.integers(0, 10, n_next)])

    day = np.concatenate([day, next_day])
    duration = np.concatenate([duration, next_duration])
    seg = np.concatenate([seg, next_seg])
    provider = np.concatenate([provider, next_provider])
    client = np.concatenate([client, client[src]])
    n = day.size

    start = np.datetime64(START) + day.astype("timedelta64[D]")
    end = start + duration.astype("timedelta64[D]")
    start_arrival = start + rng.integers(0, 20, n).astype("timedelta64[D]")
    end_arrival = end + np.where(rng.random(n) < 0.05, rng.integers(30, 120, n), rng.integers(0, 15, n)).astype(
        "timedelta64[D]"
    )
    open_ = end_arrival > np.datetime64(AS_OF)
    has_request = rng.random(n) < 0.7
    request = start - rng.gamma(2.0, 18.0, n).astype(np.int64).astype("timedelta64[D]")
    muni = rng.choice(len(MUNICIPALITIES), n, p=[0.85, 0.06, 0.04, 0.05])
    area = np.where(muni == 0, np.array(AREAS)[rng.integers(0, len(AREAS), n)], None)
    df = pl.DataFrame(
        {
            "episode_id": [f"e{i}" for i in range(n)],
            "client": np.char.add("c", client.astype(str)),
            "provider": provider,
            "segment": seg_codes[seg],
            "domain": "jeugd",
            "weight": np.array([SEGMENTS[s][1] for s in seg_codes])[seg],
            "municipality": np.array(MUNICIPALITIES)[muni],
            "area": area,
            "product_category": np.where(seg_codes[seg] == "J43", "43", "45"),
            "start": start.astype("datetime64[D]"),
            "end": pl.Series(end.astype("datetime64[D]")).set(pl.Series(open_), None),
            "start_arrival": start_arrival.astype("datetime64[D]"),
            "end_arrival": pl.Series(end_arrival.astype("datetime64[D]")).set(pl.Series(open_), None),
            "request_date": pl.Series(request.astype("datetime64[D]")).set(pl.Series(~has_request), None),
        }
    )
    df = df.filter(pl.col("start_arrival") <= AS_OF, pl.col("start") < END)
    return frames.conform("episodes", df)


COUNTS_SQL = """
WITH months AS (
    SELECT m::DATE AS month, (m + INTERVAL 1 MONTH)::DATE AS next_month
    FROM range(DATE '{start}', DATE '{end}', INTERVAL 1 MONTH) AS t(m)
),
known AS (
    SELECT provider, segment, client, "start",
           CASE WHEN end_arrival <= DATE '{as_of}' AND "end" <= DATE '{as_of}' THEN "end" END AS "end"
    FROM episodes
    WHERE start_arrival <= DATE '{as_of}' AND "start" <= DATE '{as_of}'
)
SELECT k.provider, k.segment, m.month,
       count(DISTINCT k.client) AS clients,
       count(*) FILTER (WHERE k."start" >= m.month) AS inflow,
       count(*) FILTER (WHERE k."end" < m.next_month) AS outflow
FROM known AS k
JOIN months AS m ON k."start" < m.next_month AND (k."end" IS NULL OR k."end" >= m.month)
GROUP BY k.provider, k.segment, m.month
"""


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def paired(
    repeat: int, ours: Callable[[], Any], reference: Callable[[], Any]
) -> tuple[list[float], list[float], Any, Any]:
    """Run both ``repeat`` times, alternating, after a warm-up of each; the times and results.

    Alternating keeps the two under the same load when the machine is shared.
    """
    ours()
    reference()
    t_ours, t_ref = [], []
    mine = theirs = None
    for _ in range(repeat):
        t, mine = timed(ours)
        t_ours.append(t)
        t, theirs = timed(reference)
        t_ref.append(t)
    return t_ours, t_ref, mine, theirs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="threads for DuckDB (default: its own)")
    parser.add_argument("--truth", type=Path, default=None, help="a generated truth directory with episodes.parquet")
    args = parser.parse_args(argv)

    if args.truth:
        episodes = frames.conform("episodes", pl.read_parquet(args.truth / "episodes.parquet"))
        starts = episodes["start"].drop_nulls()
        span = (dt.date(starts.min().year, 1, 1), dt.date(starts.max().year + 1, 1, 1))  # type: ignore[union-attr]
        as_of = max(episodes["end_arrival"].max() or span[1], episodes["start_arrival"].max())  # type: ignore[type-var]
    else:
        episodes = synthesise(args.episodes, args.seed)
        span, as_of = (START, END), AS_OF
    print(
        f"{episodes.height:,} episodes, {episodes['client'].n_unique():,} clients, "
        f"{episodes['provider'].n_unique()} providers, {span[0]} .. {span[1]} (exclusive), as of {as_of}; "
        f"polars threads {pl.thread_pool_size()}, cpus {os.cpu_count()}",
        file=sys.stderr,
    )

    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    con.register("episodes", episodes.to_arrow())
    sql = COUNTS_SQL.format(start=span[0], end=span[1], as_of=as_of)

    def ours() -> pl.DataFrame:
        return indicators(episodes, period=span, as_of=as_of, by=("provider", "segment", "month"))

    def reference() -> pl.DataFrame:
        return con.sql(sql).pl()

    t_ours, t_ref, full, counts = paired(args.repeat, ours, reference)

    # The same counts, or the comparison means nothing.
    mine = full.filter(pl.col("clients") > 0).select("provider", "segment", "month", "clients", "inflow", "outflow")
    theirs = counts.select(
        "provider", "segment", "month", *(pl.col(c).cast(pl.Int64) for c in ("clients", "inflow", "outflow"))
    )
    key = ["provider", "segment", "month"]
    if not mine.sort(key).equals(theirs.sort(key)):
        print("the counts differ between ours and DuckDB", file=sys.stderr)
        return 1

    best_ours, best_ref = min(t_ours), min(t_ref)
    pair_ratios = sorted(a / b for a, b in zip(t_ours, t_ref, strict=True))
    print(f"rows: {full.height:,} (provider x segment x month), {len(full.columns)} columns")
    print(f"ours, all indicators:            {best_ours * 1000:8.1f} ms  (best of {args.repeat})")
    print(f"DuckDB, clients/inflow/outflow:  {best_ref * 1000:8.1f} ms  (best of {args.repeat})")
    print(f"ratio of the best times:         {best_ours / best_ref:8.2f}  (target <= 2)")
    print(f"median ratio of paired runs:     {pair_ratios[len(pair_ratios) // 2]:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
