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
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from regie.engine.access import core_partners
from regie.engine.calendar import quarter_end, quarters
from regie.engine.quarterly import QuarterlySignal

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
class Excess(QuarterlySignal):
    """A segment whose subcontracted share in the quarter starting ``quarter`` is above its
    maximum. Raised once per segment and quarter."""

    kind = SIGNAL
    segment: str
    quarter: dt.date
    share: float
    maximum: float


def over_maximum(
    shares: Mapping[str, tuple[int, int, float]], maxima: Mapping[str, float | None], quarter: dt.date
) -> list[Excess]:
    """The segments whose share (:func:`subcontracted_share`) is above their
    ``max_subcontracted_share`` (exactly at the maximum is not above; None: no limit).

    >>> over_maximum({"A": (10, 3, 0.3), "B": (10, 2, 0.2)}, {"A": 0.25, "B": 0.2}, dt.date(2025, 1, 1))
    [Excess(segment='A', quarter=datetime.date(2025, 1, 1), share=0.3, maximum=0.25)]
    """
    found = []
    for segment, (_episodes, _sub, share) in sorted(shares.items()):
        maximum = maxima.get(segment)
        if maximum is not None and round(share - maximum, 9) > 0:
            found.append(Excess(segment, quarter, share, maximum))
    return found


def segment_partners(catalog: Any) -> dict[str, tuple[str, ...]]:
    """Segment -> its core partners (:func:`regie.engine.access.core_partners`) in ``catalog``."""
    contracted: dict[str, set[str]] = defaultdict(set)
    for c in catalog.contracts:
        contracted[c.segment].add(c.provider)
    flagged = [p.agb for p in catalog.providers if p.core_partner]
    return {s.code: core_partners(s.code, s.core_partners, flagged, contracted) for s in catalog.segments}


def quarterly_excess(episodes: pl.DataFrame, catalog: Any, day: dt.date) -> list[Excess]:
    """Every quarter's :func:`over_maximum` from the first episode's quarter up to ``day``, with
    the ``catalog``'s core partners and maxima over ``episodes`` (a consortium's members
    already counted for it); none when no segment has a maximum."""
    maxima = {s.code: s.max_subcontracted_share for s in catalog.segments}
    if episodes.is_empty() or all(v is None for v in maxima.values()):
        return []
    partners = segment_partners(catalog)
    found = []
    for quarter in quarters(episodes["start"].min(), day):  # type: ignore[arg-type]
        found += over_maximum(subcontracted_share(episodes, partners, quarter, quarter_end(quarter)), maxima, quarter)
    return found
