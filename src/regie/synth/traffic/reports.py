"""Objections (bezwaar, beroep) against decisions, and the periodic reports that carry what a
silent partner, the shared waiting list and the objections register deliver."""

from __future__ import annotations

import numpy as np
import polars as pl

from regie.synth import calendar as cal
from regie.synth.rng import stream
from regie.synth.simulate import World
from regie.synth.traffic.common import Ints, ints


def periods(first: int, last: int, months: int) -> list[tuple[int, int]]:
    """(first day, last day) of every period of ``months`` months from the one holding
    ``first`` to the one holding ``last``; periods of 3 months are calendar quarters."""
    out = []
    m = int(cal.month_index(np.array([first]))[0])
    m -= m % months
    while True:
        p0 = int(cal.month_first_day(np.array([m]))[0])
        if p0 > last:
            break
        out.append((p0, int(cal.month_first_day(np.array([m + months]))[0]) - 1))
        m += months
    return out


def reports(spans: list[tuple[int, int]], rng: np.random.Generator, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """(report day, first day, last day) of a report per period, ``lo``-``hi`` days after its end."""
    days = cal.next_weekday(np.array([p[1] for p in spans], dtype=np.int64) + rng.integers(lo, hi + 1, len(spans)))
    return [(int(d), p0, p1) for d, (p0, p1) in zip(days.tolist(), spans, strict=True)]


def first_report(days: Ints, sent: list[tuple[int, int, int]]) -> Ints:
    """Day of the first report whose period ends on or after each day (-1: never)."""
    ends = np.array([r[2] for r in sent], dtype=np.int64)
    report_days = np.array([r[0] for r in sent], dtype=np.int64)
    idx = np.searchsorted(ends, days, side="left")
    ok = (idx < ends.size) & (days >= 0)
    return np.where(ok, report_days[np.minimum(idx, ends.size - 1)], -1)


def objections(world: World, decisions: pl.DataFrame, next_id: int) -> pl.DataFrame:
    """Objections (bezwaar) against decisions, some upheld, some followed by an appeal (beroep).

    ``decisions``: client, municipality, segment, provider, decided (day), rejected (bool).
    """
    rng = stream(world.seed, world.spec.name, "objections")
    n = decisions.height
    rejected = decisions["rejected"].to_numpy()
    p = np.where(rejected, 0.35, 0.012)
    objected = rng.random(n) < p
    d = decisions.filter(pl.Series(objected))
    k = d.height
    if k == 0:
        d = decisions.head(1)
        k = 1
    filed = ints(d["decided"]) + rng.integers(7, 43, k)
    decided = filed + rng.integers(30, 141, k)
    upheld = rng.random(k) < np.where(d["rejected"].to_numpy(), 0.3, 0.25)
    # some upheld and some not, also in a tiny region
    if k >= 2 and upheld.all():
        upheld[-1] = False
    if k >= 2 and not upheld.any():
        upheld[0] = True
    bezwaar = d.select("client", "municipality", "segment", "provider").with_columns(
        pl.lit("bezwaar").alias("kind"),
        pl.Series("filed", filed),
        pl.Series("decided", decided),
        pl.Series("upheld", upheld),
    )
    appeal = (~upheld) & (rng.random(k) < 0.25)
    if not appeal.any() and (~upheld).any():
        appeal[int(np.flatnonzero(~upheld)[0])] = True
    b = bezwaar.filter(pl.Series(appeal))
    m = b.height
    a_filed = ints(b["decided"]) + rng.integers(14, 43, m)
    a_decided = a_filed + rng.integers(90, 251, m)
    beroep = b.with_columns(
        pl.lit("beroep").alias("kind"),
        pl.Series("filed", a_filed),
        pl.Series("decided", a_decided),
        pl.Series("upheld", rng.random(m) < 0.15),
    )
    out = (
        pl.concat([bezwaar, beroep])
        .filter(pl.col("filed") <= world.end)
        .sort(["filed", "client", "kind", "segment", "provider", "decided", "upheld"], nulls_last=True)
    )
    return out.with_columns(
        pl.format("BZ-{}", (pl.int_range(0, pl.len(), dtype=pl.Int64) + next_id).cast(pl.Utf8).str.zfill(6)).alias(
            "objection_id"
        )
    )
