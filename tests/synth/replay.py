"""A plain reading of a generated region's messages in file (arrival) order, independent of the
generator: every file through :func:`regie.messages.read`, allocations kept as they arrive,
and the cross-message rules of :mod:`regie.messages.crossrules` applied record by record."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from regie.messages import (
    AllocatedProduct,
    Allocation,
    AllocationRequest,
    CareStart,
    CareStop,
    Declaration,
    Performance,
    RequestReply,
    check_against_allocation,
    check_credit_has_debit,
    check_cumulative_volume,
    check_declaration_number_unique,
    check_reference_unique,
    check_start_against_allocation,
    read,
)


@dataclass
class Line:
    provider: str
    reference: str
    bsn: str
    allocation_number: str
    code: str
    care_month: dt.date
    arrival: dt.date
    volume: int
    unit: str
    signed: int
    codes: tuple[str, ...]


@dataclass
class Replay:
    unreadable: dict[str, str] = field(default_factory=dict)  # file -> fault code
    lines: dict[tuple[str, str], Line] = field(default_factory=dict)  # (provider, reference) -> line
    rejected_starts: list[tuple[str, str, str]] = field(default_factory=list)  # (file, provider, allocation number)
    starts: dict[tuple[str, str, str, dt.date], dt.date] = field(default_factory=dict)  # key -> arrival
    stops: dict[tuple[str, str, str, dt.date], tuple[dt.date, dt.date]] = field(default_factory=dict)
    extensions: dict[str, int] = field(default_factory=dict)  # allocation number -> RedenWijziging 04 count
    requests: dict[tuple[str, str], dt.date] = field(default_factory=dict)  # (provider, ReferentieAanbieder) -> arrival
    #: (provider, ReferentieAanbieder) -> (arrival, VerzoekAntwoord, RedenAfwijzingVerzoek) of a 319
    replies: dict[tuple[str, str], tuple[dt.date, str, str | None]] = field(default_factory=dict)
    allocations: dict[str, AllocatedProduct] = field(default_factory=dict)
    dates: dict[str, tuple[str, dt.date]] = field(default_factory=dict)  # file -> (message name, Dagtekening)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: faults of readable messages other than those of single declaration lines
    faults: list[tuple[str, str, str]] = field(default_factory=list)


def replay(root: Path) -> Replay:
    out = Replay()
    accepted: dict[str, list[Performance]] = defaultdict(list)
    references: dict[tuple[str, str], set[str]] = defaultdict(set)
    numbers: dict[tuple[str, str], set[str]] = defaultdict(set)
    debits: dict[tuple[str, str], set[str]] = defaultdict(set)
    last_change: dict[str, tuple[dt.date, str | None]] = {}
    for path in sorted((root / "messages").rglob("*.xml")):
        name = str(path.relative_to(root))
        result = read(path.read_bytes(), source=name)
        if result.message is None:
            out.unreadable[name] = result.faults[0].code
            continue
        message = result.message
        header = message.header  # type: ignore[union-attr]
        if not isinstance(message, Declaration):
            out.faults.extend((name, f.code, f.reason) for f in result.faults)
        else:
            out.faults.extend((name, f.code, f.reason) for f in result.faults if f.record is None)
        out.counts[header.name] += 1
        out.dates[name] = (header.name, header.dagtekening)
        if isinstance(message, Allocation):
            for product in message.client.products:
                number = product.allocation_number
                previous = out.allocations.get(number)
                change = (product.allocation_date, product.change_reason)
                if previous is not None and product.change_reason == "04" and last_change.get(number) != change:
                    out.extensions[number] = out.extensions.get(number, 0) + 1
                last_change[number] = change
                out.allocations[number] = product
        elif isinstance(message, CareStart | CareStop):
            for product in message.client.products:
                number = product.allocation_number
                key = (header.sender, message.client.bsn, number or product.product.code, product.start)  # type: ignore[union-attr]
                if number is not None:
                    faults = check_start_against_allocation(product, out.allocations.get(number), record=number)
                    if faults:
                        assert isinstance(message, CareStart), name
                        out.rejected_starts.append((name, header.sender, number))
                        continue
                if isinstance(message, CareStart):
                    out.starts.setdefault(key, header.dagtekening)
                else:
                    out.stops.setdefault(key, (product.end, header.dagtekening))  # type: ignore[union-attr]
        elif isinstance(message, Declaration):
            group = (header.sender, header.law)
            assert not check_declaration_number_unique(message.number, numbers[group]), name
            numbers[group].add(message.number)
            in_message = {f.record for f in result.faults}
            for client, p in message.performances():
                codes = [f.code for f in result.faults if f.record == p.reference]
                codes += [f.code for f in check_reference_unique(p.reference, references[group])]
                references[group].add(p.reference)
                codes += [f.code for f in check_credit_has_debit(p, debits[group])]
                allocation = out.allocations.get(p.allocation_number)
                if p.reference not in in_message:
                    codes += [f.code for f in check_against_allocation(p, allocation)]
                if not codes and allocation is not None:
                    cumulative = check_cumulative_volume([*accepted[p.allocation_number], p], allocation)
                    codes += [f.code for f in cumulative if f.record == p.reference]
                if not codes:
                    accepted[p.allocation_number].append(p)
                    if p.amount.debit_credit == "D":
                        debits[group].add(p.reference)
                out.lines[(header.sender, p.reference)] = Line(
                    provider=header.sender,
                    reference=p.reference,
                    bsn=client.bsn,
                    allocation_number=p.allocation_number,
                    code=p.code,
                    care_month=p.period.begin.replace(day=1),
                    arrival=header.dagtekening,
                    volume=p.volume,
                    unit=p.unit,
                    signed=p.amount.signed,
                    codes=tuple(codes),
                )
        elif isinstance(message, AllocationRequest):
            for product in message.client.products:
                out.requests[(header.sender, product.provider_reference)] = header.dagtekening
        elif isinstance(message, RequestReply):
            a = message.answer
            out.replies[(header.receiver, a.provider_reference)] = (header.dagtekening, a.answer, a.refusal_reason)
        else:  # pragma: no cover - the generator writes no other kinds
            raise AssertionError(f"unexpected message {header.name} in {name}")
    return out
