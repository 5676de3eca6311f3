"""PGB (persoonsgebonden budget) per segment and the ``pgb_shift`` signal (domain.md section 10a).

- **PGB share** of a segment over a period: the clients with a PGB budget overlapping the
  period, divided by all clients of the segment in the period (those with a care episode
  overlapping it, in kind, and those with a PGB; a client counts once).
- **pgb_shift**: when a segment's contract period has fewer providers than the period before
  it (a narrower selection, e.g. after a tender), clients may leave care in kind for a PGB. The
  signal is raised when, in one of the first four quarters of the narrower period, the PGB
  share is more than 5 points above its share in the last quarter before the period began.
  It is raised once per segment and period, at the first such quarter.

Pure functions over frames and plain values; the shell stores the budgets and the signals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import polars as pl

from regie.engine.calendar import add_quarters, quarter_end, quarter_start, quarters
from regie.engine.quarterly import QuarterlySignal

SIGNAL = "pgb_shift"
#: The rise (in percentage points of the share) the signal must exceed.
SHIFT_POINTS = 5.0
#: The quarters of a narrower period in which a rise counts.
QUARTERS_AFTER = 4


def _overlapping(df: pl.DataFrame, first: dt.date, last: dt.date) -> pl.DataFrame:
    return df.filter((pl.col("start") <= last) & (pl.col("end").is_null() | (pl.col("end") >= first)))


def pgb_share(episodes: pl.DataFrame, budgets: pl.DataFrame, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Per segment: ``clients`` (in kind or with a PGB, each once), ``pgb_clients`` and
    ``pgb_share`` over the days ``first`` .. ``last``; segments without clients are left out.

    >>> E = pl.DataFrame({"segment": ["A", "A"], "client": ["c1", "c2"],
    ...     "start": [dt.date(2025, 1, 1)] * 2, "end": [None, None]}, schema_overrides={"end": pl.Date})
    >>> B = pl.DataFrame({"segment": ["A"], "client": ["c3"], "start": [dt.date(2025, 2, 1)],
    ...     "end": [None]}, schema_overrides={"end": pl.Date})
    >>> pgb_share(E, B, dt.date(2025, 1, 1), dt.date(2025, 3, 31)).rows()
    [('A', 3, 1, 0.3333333333333333)]
    """
    cols = ["segment", "client"]
    in_kind = _overlapping(episodes.select([*cols, "start", "end"]), first, last).select(cols)
    pgb = _overlapping(budgets.select([*cols, "start", "end"]), first, last).select(cols).unique()
    every = pl.concat([in_kind, pgb]).unique()
    counts = every.group_by("segment").agg(pl.len().alias("clients"))
    with_pgb = pgb.group_by("segment").agg(pl.len().alias("pgb_clients"))
    out = counts.join(with_pgb, on="segment", how="left").with_columns(pl.col("pgb_clients").fill_null(0))
    out = out.with_columns((pl.col("pgb_clients") / pl.col("clients")).alias("pgb_share"))
    return out.select(
        "segment", pl.col("clients").cast(pl.Int64), pl.col("pgb_clients").cast(pl.Int64), "pgb_share"
    ).sort("segment")


def quarterly_shares(
    episodes: pl.DataFrame, budgets: pl.DataFrame, first: dt.date, last: dt.date
) -> dict[str, dict[dt.date, float]]:
    """Segment -> quarter (its first day) -> PGB share, for the quarters from ``first``'s to
    ``last``'s."""
    shares: dict[str, dict[dt.date, float]] = {}
    for quarter in quarters(first, last):
        for segment, _clients, _pgb, share in pgb_share(episodes, budgets, quarter, quarter_end(quarter)).iter_rows():
            shares.setdefault(segment, {})[quarter] = share
    return shares


@dataclass(frozen=True)
class Period:
    """A contract period of a segment: its first and last day and its number of providers."""

    start: dt.date
    end: dt.date
    providers: int


def contract_periods(contracts: Iterable[Any], segment: str) -> list[Period]:
    """The contract periods of ``segment`` in order: the contracts (anything with ``segment``,
    ``provider``, ``start``, ``end``) that start on the same day form one period (a tender's
    round), which ends with the last of them (an extended contract lengthens it).

    >>> from types import SimpleNamespace as C
    >>> d = dt.date
    >>> cs = [C(segment="A", provider=p, start=d(2023, 1, 1), end=d(2024, 12, 31)) for p in "xyz"]
    >>> cs += [C(segment="A", provider="x", start=d(2025, 1, 1), end=d(2026, 12, 31))]
    >>> [(p.start.year, p.end.year, p.providers) for p in contract_periods(cs, "A")]
    [(2023, 2024, 3), (2025, 2026, 1)]
    """
    providers: dict[dt.date, set[str]] = {}
    ends: dict[dt.date, dt.date] = {}
    for c in contracts:
        if c.segment == segment:
            providers.setdefault(c.start, set()).add(c.provider)
            ends[c.start] = max(ends.get(c.start, c.end), c.end)
    return [Period(start, ends[start], len(providers[start])) for start in sorted(providers)]


@dataclass(frozen=True)
class Shift(QuarterlySignal):
    """A ``pgb_shift``: the segment, the narrower period, the quarter the rise was found in,
    the share before the period and in that quarter, and the providers of both periods.
    Raised once per segment and narrower period."""

    kind = SIGNAL
    segment: str
    period_start: dt.date
    quarter: dt.date
    before: float
    share: float
    providers_before: int
    providers: int

    @property
    def once_per(self) -> dt.date:
        return self.period_start

    @property
    def points(self) -> float:
        """The rise in percentage points, rounded to a hundredth."""
        return round((self.share - self.before) * 100, 2)


def pgb_shift(segment: str, shares: Mapping[dt.date, float], periods: Sequence[Period]) -> list[Shift]:
    """The ``pgb_shift`` signals of ``segment`` given its quarterly PGB ``shares`` (quarter's
    first day -> share) and its contract ``periods`` in order (see the module's rule). A
    quarter without a share (no clients, or not yet known) is skipped; without a share in the
    quarter before a narrower period there is nothing to compare with and no signal."""
    found = []
    for before, period in pairwise(periods):
        if period.providers >= before.providers:
            continue
        first = quarter_start(period.start)
        base = shares.get(add_quarters(first, -1))
        if base is None:
            continue
        for n in range(QUARTERS_AFTER):
            quarter = add_quarters(first, n)
            share = shares.get(quarter)
            if quarter > period.end or share is None:
                continue
            if round((share - base) * 100, 9) > SHIFT_POINTS:
                found.append(Shift(segment, period.start, quarter, base, share, before.providers, period.providers))
                break
    return found


def shifts(
    episodes: pl.DataFrame, budgets: pl.DataFrame, contracts: Sequence[Any], segments: Iterable[str], day: dt.date
) -> list[Shift]:
    """Every :func:`pgb_shift` of the ``segments`` given the ``episodes`` and PGB ``budgets``
    (quarterly shares from the first start up to ``day``) and the ``contracts``' periods;
    none without budgets."""
    if budgets.is_empty():
        return []
    first = min(budgets["start"].min(), episodes["start"].min() if episodes.height else day)  # type: ignore[type-var]
    shares = quarterly_shares(episodes, budgets, first, day)  # type: ignore[arg-type]
    found = []
    for segment in segments:
        found += pgb_shift(segment, shares.get(segment, {}), contract_periods(contracts, segment))
    return found
