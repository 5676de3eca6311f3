"""Subcontracting (domain.md section 10a): the share of care delivered by subcontractors per
segment, and the signal when it passes the segment's ``max_subcontracted_share``.

A core partner may subcontract only what no core partner can deliver (Amsterdam's model:
only the core partners hold a contract in such a segment). Regie knows a **subcontractor**
from the data it has: a provider that delivers care (sends start/stop messages under its own
AGB code) in a segment with core partners without being one of them. A consortium's members
are not subcontractors: their traffic already counts for the consortium
(:mod:`regie.engine.consortia`). Segments without core partners have no share.

- **Share** of a segment over a period: the episodes of subcontractors overlapping the period,
  divided by all episodes of the segment overlapping it.
- **Signal** ``subcontracting``: a segment whose share in a period is above its catalog
  ``max_subcontracted_share`` (none: no limit, no signal); once per segment and period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

SIGNAL = "subcontracting"


def subcontracted_share(
    episodes: pl.DataFrame, partners: Mapping[str, Iterable[str]], first: dt.date, last: dt.date
) -> dict[str, tuple[int, int, float]]:
    """Segment -> (episodes, subcontracted episodes, share) over ``first`` .. ``last``, for the
    segments with core partners (``partners``: segment -> core partners' AGB codes) and care.

    >>> E = pl.DataFrame({"segment": ["A"] * 4, "provider": ["p1", "p2", "s1", "s1"],
    ...     "start": [dt.date(2025, 1, 1)] * 4, "end": [None] * 4}, schema_overrides={"end": pl.Date})
    >>> subcontracted_share(E, {"A": ["p1", "p2"], "B": ["p1"]}, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    {'A': (4, 2, 0.5)}
    """
    live = episodes.filter((pl.col("start") <= last) & (pl.col("end").is_null() | (pl.col("end") >= first))).select(
        "segment", "provider"
    )
    out = {}
    for segment, agbs in sorted(partners.items()):
        core = set(agbs)
        providers = live.filter(pl.col("segment") == segment)["provider"].to_list()
        if not core or not providers:
            continue
        sub = sum(1 for p in providers if p not in core)
        out[segment] = (len(providers), sub, sub / len(providers))
    return out


@dataclass(frozen=True)
class Excess:
    """A segment whose subcontracted share in the period starting ``period`` is above its maximum."""

    segment: str
    period: dt.date
    share: float
    maximum: float

    @property
    def key(self) -> str:
        return f"{SIGNAL}|{self.segment}|{self.period.isoformat()}"


def over_maximum(
    shares: Mapping[str, tuple[int, int, float]], maxima: Mapping[str, float | None], period: dt.date
) -> list[Excess]:
    """The segments whose share (:func:`subcontracted_share`) is above their
    ``max_subcontracted_share`` (exactly at the maximum is not above; None: no limit).

    >>> over_maximum({"A": (10, 3, 0.3), "B": (10, 2, 0.2)}, {"A": 0.25, "B": 0.2}, dt.date(2025, 1, 1))
    [Excess(segment='A', period=datetime.date(2025, 1, 1), share=0.3, maximum=0.25)]
    """
    found = []
    for segment, (_episodes, _sub, share) in sorted(shares.items()):
        maximum = maxima.get(segment)
        if maximum is not None and round(share - maximum, 9) > 0:
            found.append(Excess(segment, period, share, maximum))
    return found
