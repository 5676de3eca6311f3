"""Storing participation trajectories (CSV kind ``trajectories``; domain.md section 10a).

A trajectory is known by municipality, provider, client, module and start. A later row of
the register gives its end and end reason; the arrival of its start is the first row's, the
arrival of its end that of the first row naming that end, so re-ingesting a register (or a
later export that repeats ended trajectories) changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from regie.intake.records import TrajectoryRec
from regie.traffic import models as m

Key = tuple[str, str, str, str, dt.date]
KEY_FIELDS = ["municipality", "provider", "client", "module", "start"]


@dataclass(frozen=True)
class Row:
    """One accepted register row, with its segment, message and arrival."""

    rec: TrajectoryRec
    segment: str
    message: int
    arrival: dt.date

    @property
    def key(self) -> Key:
        r = self.rec
        return (r.municipality, r.provider, r.client, r.module, r.start)


def _known(rows: list[Row]) -> dict[Key, m.Trajectory]:
    clients = {row.rec.client for row in rows}
    stored = m.Trajectory.objects.filter(client__in=clients)
    return {(t.municipality, t.provider, t.client, t.module, t.start): t for t in stored}


def store(rows: list[Row]) -> None:
    """Store the rows of a batch in arrival order (a later row for a known trajectory gives
    its end and end reason)."""
    if not rows:
        return
    state = _known(rows)
    touched: set[Key] = set()
    for row in rows:
        touched.add(row.key)
        rec, before = row.rec, state.get(row.key)
        same_end = before is not None and before.end == rec.end
        state[row.key] = m.Trajectory(
            message_id=before.message_id if before else row.message,
            municipality=rec.municipality,
            provider=rec.provider,
            segment=row.segment,
            client=rec.client,
            module=rec.module,
            start=rec.start,
            end=rec.end,
            end_reason=rec.end_reason,
            start_arrival=before.start_arrival if before else row.arrival,
            end_arrival=None if rec.end is None else (before.end_arrival if same_end and before else row.arrival),
        )
    m.Trajectory.objects.bulk_create(
        [state[key] for key in sorted(touched)],
        update_conflicts=True,
        unique_fields=KEY_FIELDS,
        update_fields=["segment", "end", "end_reason", "end_arrival"],
        batch_size=1000,
    )
