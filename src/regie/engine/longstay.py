"""The long-stay review (Amsterdam's transformatietafel, seed 003): clients in care longer
than their segment's review threshold, and whether a review's outcome was followed.

A **stay** is a client's care in one segment at one provider: its episodes chained while
the next starts within :data:`GAP_DAYS` of the previous one's end (a renewed allocation is
the same stay). On the as-of date a stay is on the **work list** when it is still open (its
last episode has no stop that had arrived by then) and has lasted more than the segment's
``review_after_days`` (catalog; default 365) — in residential care or any segment. Each row
carries the duration in days, the provider and the **cost so far**: the accepted
declarations for the client at that provider and segment for the care months of the stay
that had arrived by the as-of date (a credit subtracts; segments paid per client or by lump
sum declare little or nothing per client, so this is what was declared, not what was paid).

A review's outcome is followed (:func:`follow_up`) on what had arrived by the as-of date:

- ``continue``: nothing to follow (``"not_applicable"``);
- ``end``: ``"done"`` when the stay ended on or before the due date;
- ``step_down``: ``"done"`` when, between the review and the due date, the client started
  care in a segment of lower weight, or the stay ended;

otherwise ``"pending"`` until the due date has passed, ``"overdue"`` after it.

Pure: polars frames (``episodes``, ``declarations`` of :mod:`regie.engine.frames`) and the
catalog in, plain dicts out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from regie.engine import calendar, frames
from regie.engine.catalog import Catalog

#: Episodes of a client at one provider in one segment less than this many days apart are one stay.
GAP_DAYS = 31
#: The outcomes of a review.
OUTCOMES = ("continue", "step_down", "end")
#: How a follow-up stands.
STATUSES = ("not_applicable", "done", "pending", "overdue")


@dataclass(frozen=True)
class Stay:
    """A chain of episodes of one client at one provider in one segment."""

    client: str
    municipality: str
    segment: str
    provider: str
    weight: int
    start: dt.date
    end: dt.date | None
    episode: str


def stays(episodes: pl.DataFrame, as_of: dt.date) -> list[Stay]:
    """The stays as known on ``as_of`` (only what had arrived by then)."""
    eps = frames.as_of(frames.conform("episodes", episodes), "episodes", as_of)
    eps = eps.filter(pl.col("start") <= as_of).sort("client", "segment", "provider", "start")
    out: list[Stay] = []
    current: Stay | None = None
    for e in eps.iter_rows(named=True):
        same = current is not None and (current.client, current.segment, current.provider) == (
            e["client"],
            e["segment"],
            e["provider"],
        )
        if same and current is not None and (current.end is None or (e["start"] - current.end).days <= GAP_DAYS):
            end = None if current.end is None or e["end"] is None else max(current.end, e["end"])
            current = Stay(
                current.client,
                current.municipality,
                current.segment,
                current.provider,
                current.weight,
                current.start,
                end,
                e["episode_id"],
            )
            out[-1] = current
            continue
        current = Stay(
            e["client"],
            e["municipality"],
            e["segment"],
            e["provider"],
            int(e["weight"] or 0),
            e["start"],
            e["end"],
            e["episode_id"],
        )
        out.append(current)
    return out


def _declared(declarations: pl.DataFrame, as_of: dt.date) -> dict[tuple[str, str, str], list[tuple[dt.date, int]]]:
    """Accepted declaration amounts per (client, segment, provider), by care month."""
    decl = frames.as_of(frames.conform("declarations", declarations), "declarations", as_of).filter(pl.col("accepted"))
    sums = decl.group_by("client", "segment", "provider", "care_month").agg(pl.col("amount_cents").sum())
    out: dict[tuple[str, str, str], list[tuple[dt.date, int]]] = {}
    for r in sums.iter_rows(named=True):
        out.setdefault((r["client"], r["segment"], r["provider"]), []).append((r["care_month"], int(r["amount_cents"])))
    return out


def work_list(
    catalog: Catalog, episodes: pl.DataFrame, declarations: pl.DataFrame, *, as_of: dt.date
) -> list[dict[str, Any]]:
    """The open stays longer than their segment's threshold on ``as_of``, longest first:
    ``{"client", "episode", "municipality", "segment", "provider", "start", "days",
    "review_after_days", "declared_cents"}``."""
    thresholds = {s.code: s.review_after_days for s in catalog.segments}
    declared = _declared(declarations, as_of)
    rows = []
    for stay in stays(episodes, as_of):
        limit = thresholds.get(stay.segment, 365)
        days = (as_of - stay.start).days
        if stay.end is not None and stay.end < as_of or days <= limit:
            continue
        first = calendar.month_start(stay.start)
        cost = sum(c for m, c in declared.get((stay.client, stay.segment, stay.provider), []) if m >= first)
        rows.append(
            {
                "client": stay.client,
                "episode": stay.episode,
                "municipality": stay.municipality,
                "segment": stay.segment,
                "provider": stay.provider,
                "start": stay.start,
                "days": days,
                "review_after_days": limit,
                "declared_cents": cost,
            }
        )
    return sorted(rows, key=lambda r: (-r["days"], r["client"]))


def follow_up(
    review: dict[str, Any], episodes: pl.DataFrame, *, as_of: dt.date, weights: dict[str, int] | None = None
) -> str:
    """How a review's outcome stands on ``as_of`` (see the module docstring). ``review`` has
    ``client``, ``segment``, ``provider``, ``outcome``, ``due`` and ``reviewed_on``;
    ``weights`` the segments' weights (else the episodes' own)."""
    outcome, due, reviewed_on = review["outcome"], review["due"], review["reviewed_on"]
    if outcome == "continue":
        return "not_applicable"
    mine = [s for s in stays(episodes, as_of) if s.client == review["client"]]
    stay = next(
        (
            s
            for s in mine
            if (s.segment, s.provider) == (review["segment"], review["provider"]) and s.start <= reviewed_on
        ),
        None,
    )
    ended = stay is not None and stay.end is not None and stay.end <= due
    done = ended
    if outcome == "step_down" and stay is not None:
        weight = (weights or {}).get(stay.segment, stay.weight)
        lower = [s for s in mine if (weights or {}).get(s.segment, s.weight) < weight]
        done = ended or any(reviewed_on - dt.timedelta(days=GAP_DAYS) <= s.start <= due for s in lower)
    if done:
        return "done"
    return "pending" if as_of <= due else "overdue"
