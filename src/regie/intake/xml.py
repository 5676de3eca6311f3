"""iJw / iWmo messages into intake records.

:func:`read_xml` reads a file with :func:`regie.messages.read` (safe parsing, schema, code
lists and the rules inside one message; BSNs pseudonymised while reading) and turns the
message into the records of :mod:`regie.intake.records`. A fault the reader ties to a record
rejects only that record; any other fault rejects the file.

The municipality is the receiver of a provider's message and the sender of an allocation.
"""

from __future__ import annotations

from collections.abc import Callable

from regie.intake.records import (
    AllocationRec,
    DeclarationRec,
    Fault,
    Incoming,
    Record,
    RequestRec,
    StartRec,
    StopRec,
)
from regie.messages import read
from regie.messages.faults import record_ref
from regie.messages.model import (
    Allocation,
    AllocationRequest,
    CareStart,
    CareStop,
    ChangeRequest,
    Declaration,
    Message,
    Product,
)


def read_xml(incoming: Incoming, pseudonymise: Callable[[str], str]) -> Incoming:
    """Fill ``incoming`` (whose ``raw`` holds the XML) with its identity, records and faults."""
    result = read(incoming.raw, source=incoming.file_name, pseudonymise=pseudonymise)
    message = result.message
    if message is not None:
        header = message.header
        incoming.kind = header.name
        incoming.law = header.law
        incoming.code = header.message
        incoming.sender = header.sender
        incoming.receiver = header.receiver
        incoming.identification = header.identification
        incoming.arrival = header.dagtekening
        incoming.records = records_of(message)
    known = {rec.ref for rec in incoming.records}
    for fault in result.faults:
        record = fault.record if fault.record in known else None
        incoming.faults.append(Fault(fault.code, fault.reason, record, fault.path))
    if message is None and not incoming.file_faults:
        incoming.faults.append(Fault("0001", "het bericht kan niet worden gelezen"))
    if message is not None and not isinstance(
        message, (Allocation, CareStart, CareStop, AllocationRequest, ChangeRequest, Declaration)
    ):
        incoming.faults.append(
            Fault("0001", f"{incoming.kind} is een antwoordbericht; Regie leest alleen heenberichten")
        )
    return incoming


def records_of(message: Message) -> list[Record]:
    """The intake records of one (request) message."""
    if isinstance(message, Allocation):
        return _allocation(message)
    if isinstance(message, CareStart):
        return _starts(message)
    if isinstance(message, CareStop):
        return _stops(message)
    if isinstance(message, AllocationRequest):
        return _requests(message)
    if isinstance(message, ChangeRequest):
        return _change_requests(message)
    if isinstance(message, Declaration):
        return _declaration(message)
    return []


def _allocation(msg: Allocation) -> list[Record]:
    h, client = msg.header, msg.client
    postcode = next((c.address.postcode for c in client.contacts if c.address and c.address.postcode), None)
    return [
        AllocationRec(
            ref=p.allocation_number,
            municipality=h.sender,
            provider=h.receiver,
            client=client.bsn,
            number=p.allocation_number,
            category=p.product.category if p.product else "",
            code=p.product.code if p.product else None,
            begin=p.start,
            end=p.end,
            volume=p.extent.volume if p.extent else None,
            unit=p.extent.unit if p.extent else None,
            frequency=p.extent.frequency if p.extent else None,
            budget=p.budget,
            change_reason=p.change_reason,
            allocated_on=p.allocation_date,
            postcode=postcode,
        )
        for p in client.products
    ]


def _starts(msg: CareStart) -> list[Record]:
    h, client = msg.header, msg.client
    n = len(client.products)
    return [
        StartRec(
            ref=record_ref(p.allocation_number, i, n, "StartProduct"),
            municipality=h.receiver,
            provider=h.sender,
            client=client.bsn,
            allocation_number=p.allocation_number,
            category=p.product.category if p.product else "",
            code=p.product.code if p.product else None,
            begin=p.start,
            status=p.status,
        )
        for i, p in enumerate(client.products)
    ]


def _stops(msg: CareStop) -> list[Record]:
    h, client = msg.header, msg.client
    n = len(client.products)
    return [
        StopRec(
            ref=record_ref(p.allocation_number, i, n, "StopProduct"),
            municipality=h.receiver,
            provider=h.sender,
            client=client.bsn,
            allocation_number=p.allocation_number,
            category=p.product.category if p.product else "",
            code=p.product.code if p.product else None,
            begin=p.start,
            end=p.end,
            reason=p.end_reason,
            status=p.status,
        )
        for i, p in enumerate(client.products)
    ]


def _request(msg: AllocationRequest | ChangeRequest, kind: str, reference: str, product: Product | None) -> RequestRec:
    """A request for care: a product asked for in a 315, or a new product in a 317."""
    h = msg.header
    return RequestRec(
        ref=reference,
        kind=kind,
        request_id=f"{h.sender}|{reference}",
        municipality=h.receiver,
        provider=h.sender,
        client=msg.client.bsn,
        category=product.category if product else None,
        code=product.code if product else None,
        segment=None,
        registered=h.dagtekening,
    )


def _requests(msg: AllocationRequest) -> list[Record]:
    return [_request(msg, "315", p.provider_reference, p.product) for p in msg.client.products]


def _change_requests(msg: ChangeRequest) -> list[Record]:
    return [_request(msg, "317", msg.client.provider_reference, p.product) for p in msg.client.new]


def _declaration(msg: Declaration) -> list[Record]:
    h = msg.header
    return [
        DeclarationRec(
            ref=p.reference,
            municipality=h.receiver,
            provider=h.sender,
            client=client.bsn,
            declaration_number=msg.number,
            reference=p.reference,
            previous_reference=p.previous_reference,
            allocation_number=p.allocation_number or None,
            category=p.category,
            code=p.code or None,
            period_begin=p.period.begin,
            period_end=p.period.end,
            volume=p.volume,
            unit=p.unit,
            tariff=p.tariff,
            amount_cents=p.amount.signed,
        )
        for client, p in msg.performances()
    ]
