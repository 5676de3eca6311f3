"""Records as the intake sees them, whatever file they came from (XML message or CSV).

The XML adapter (:mod:`regie.intake.xml`) and the CSV reader (:mod:`regie.intake.csvfiles`)
both produce an :class:`Incoming`: the file's identity, its records, and the faults found
inside the file. :mod:`regie.intake.state` then applies the rules that need other messages
(does the allocation exist, is the volume within it, was it declared in time) and raises the
data-quality signals. Clients are pseudonyms by the time a record exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fault:
    """Why a record (or, with ``record`` None, the whole file) was rejected."""

    code: str  # the standard's retour code where one exists (0001 technical, 9xxx rules)
    reason: str  # plain Dutch, never contains a BSN
    record: str | None = None
    path: str = ""


@dataclass(frozen=True, kw_only=True)
class _Rec:
    ref: str  # identifies the record within its file (reference number, allocation number, row)
    arrival: dt.date | None = None  # when None, the file's arrival applies


@dataclass(frozen=True, kw_only=True)
class AllocationRec(_Rec):
    municipality: str
    provider: str
    client: str
    number: str
    category: str
    code: str | None
    begin: dt.date
    end: dt.date | None
    volume: int | None
    unit: str | None
    frequency: str | None
    budget: int | None
    change_reason: str | None
    allocated_on: dt.date
    postcode: str | None = None  # of the client's address, to place the client in an area
    provider_reference: str | None = None  # ReferentieAanbieder: the request (315/317) this 301 grants


@dataclass(frozen=True, kw_only=True)
class _CareRec(_Rec):
    """What a start (305) and a stop (307) of care say alike: whose care of which product, from when."""

    municipality: str
    provider: str
    client: str
    allocation_number: str | None
    category: str
    code: str | None
    begin: dt.date


@dataclass(frozen=True, kw_only=True)
class StartRec(_CareRec):
    status: str = "1"  # StatusAanlevering: 1 first, 2 changed, 3 delete
    area: str | None = None
    request_date: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class StopRec(_CareRec):
    end: dt.date
    reason: str
    status: str = "1"


@dataclass(frozen=True, kw_only=True)
class DeclarationRec(_Rec):
    municipality: str
    provider: str
    client: str
    declaration_number: str
    reference: str
    previous_reference: str | None
    allocation_number: str | None
    category: str
    code: str | None
    period_begin: dt.date
    period_end: dt.date
    volume: int
    unit: str
    tariff: int | None
    amount_cents: int  # signed: a credit is negative


@dataclass(frozen=True, kw_only=True)
class RequestRec(_Rec):
    kind: str  # "315" | "317" | "waiting_list"
    request_id: str
    municipality: str
    provider: str | None
    client: str
    category: str | None
    code: str | None
    segment: str | None
    registered: dt.date
    area: str | None = None
    urgency: int | None = None
    referrer: str | None = None  # COD327: a 315's Verwijzer/Type, or the CSV's referrer
    closed: dt.date | None = None  # a waiting-list row: the day it left the list without care


@dataclass(frozen=True, kw_only=True)
class ReplyRec(_Rec):
    """A 319: the municipality's answer to the request the provider named ReferentieAanbieder."""

    municipality: str
    provider: str
    reference: str  # ReferentieAanbieder
    answer: str  # VerzoekAntwoord (WJ760): 1 refused, 2 in investigation
    refusal_reason: str | None  # RedenAfwijzingVerzoek (WJ759)


@dataclass(frozen=True, kw_only=True)
class ObjectionRec(_Rec):
    objection_id: str
    municipality: str
    segment: str
    provider: str | None
    client: str
    kind: str
    filed: dt.date
    decided: dt.date | None
    upheld: bool | None


@dataclass(frozen=True, kw_only=True)
class PgbRec(_Rec):
    """A PGB budget (persoonsgebonden budget) from the municipality's register (CSV)."""

    municipality: str
    segment: str
    client: str
    start: dt.date
    end: dt.date | None  # None: the budget runs on
    amount_cents: int


@dataclass(frozen=True, kw_only=True)
class TrajectoryRec(_Rec):
    """A participation trajectory (Participatiewet): one module for a client at a provider (CSV)."""

    municipality: str
    provider: str
    client: str
    module: str
    start: dt.date
    end: dt.date | None  # None: the trajectory runs on
    end_reason: str  # work | education | care | other; "" while it runs on


Record = (
    AllocationRec | StartRec | StopRec | DeclarationRec | RequestRec | ReplyRec | ObjectionRec | PgbRec | TrajectoryRec
)


@dataclass
class Incoming:
    """One file as read: identity, records, and the faults found inside it."""

    file_name: str
    raw: bytes
    content_hash: str
    kind: str  # e.g. "JW301", "WMO323", "CSV-episodes"; "" when unreadable
    law: str = ""
    code: str = ""
    sender: str = ""
    receiver: str = ""
    identification: str = ""
    arrival: dt.date | None = None  # Dagtekening (or reported_on of a CSV file)
    records: list[Record] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    size: int = 0  # bytes received
    archived: bytes = b""  # what the archive keeps: compressed, with every BSN pseudonymised

    @property
    def file_faults(self) -> list[Fault]:
        """Faults that reject the whole file."""
        return [f for f in self.faults if f.record is None]

    def record_faults(self, ref: str) -> list[Fault]:
        return [f for f in self.faults if f.record == ref]
