"""What applying one file decided, and the rows the intake state keeps.

:class:`~regie.intake.state.IntakeState` returns an :class:`Outcome` per file: the records
accepted and rejected, the rows to store (allocations, episodes, declaration lines, requests,
answers, objections) and the signals raised. The storing layer writes them; when the state
is rebuilt from what is stored, the ``restore_*`` methods of the state take them back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from regie.intake import answers
from regie.intake.records import AllocationRec, DeclarationRec, Fault, ObjectionRec, PgbRec, RequestRec, TrajectoryRec
from regie.messages.model import AllocatedProduct, Performance


@dataclass
class Allocation:
    """The current state of one allocation number, and the lines accepted on it so far."""

    municipality: str
    provider: str
    client: str
    segment: str
    product: AllocatedProduct
    extensions: int = 0
    performances: list[Performance] = field(default_factory=list)


@dataclass
class EpisodeRow:
    """An episode in the columns of ``regie.engine.frames.EPISODES`` (plus its messages)."""

    key: str
    client: str
    provider: str
    segment: str
    domain: str
    weight: int
    municipality: str
    area: str | None
    product_category: str
    product_code: str | None
    allocation_number: str | None
    start: dt.date
    end: dt.date | None
    end_reason: str
    start_arrival: dt.date
    end_arrival: dt.date | None
    request_date: dt.date | None
    start_message: Any = None  # the stored messages and row id (kept by the storing layer)
    stop_message: Any = None
    db_id: int | None = None
    deleted: bool = False


@dataclass(frozen=True)
class Signal:
    kind: str
    key: str  # unique: the same signal is raised once
    provider: str = ""
    municipality: str = ""
    segment: str = ""
    client: str = ""
    record: str = ""
    care_month: dt.date | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    raised_on: dt.date | None = None  # when None, the arrival of the file being applied
    of_file: bool = True  # tied to the file being applied (False: found on a day, not in a file)


@dataclass
class DeclarationRow:
    rec: DeclarationRec
    segment: str
    care_month: dt.date
    arrival: dt.date
    accepted: bool
    retour_code: str
    reason: str


@dataclass
class Outcome:
    """What applying one file decided."""

    rejected: list[Fault] = field(default_factory=list)
    allocations: list[tuple[AllocationRec, str, dt.date, str]] = field(
        default_factory=list
    )  # rec, segment, arrival, area
    episodes: list[EpisodeRow] = field(default_factory=list)  # created or changed
    declarations: list[DeclarationRow] = field(default_factory=list)
    requests: list[tuple[RequestRec, str, dt.date]] = field(default_factory=list)  # rec, segment, arrival
    decided: list[answers.RequestState] = field(default_factory=list)  # requests a 301/319 answered
    objections: list[tuple[ObjectionRec, dt.date]] = field(default_factory=list)
    pgb: list[tuple[PgbRec, dt.date]] = field(default_factory=list)  # PGB budgets are stored as they come
    trajectories: list[tuple[TrajectoryRec, str, dt.date]] = field(default_factory=list)  # rec, segment, arrival
    signals: list[Signal] = field(default_factory=list)
    accepted: int = 0

    @property
    def rejected_records(self) -> int:
        return len({f.record for f in self.rejected if f.record is not None})

    def reject(self, code: str, reason: str, record: str, path: str = "") -> None:
        self.rejected.append(Fault(code, reason, record, path))
