"""iJw / iWmo messages into intake records.

:func:`read_xml` reads a file with :func:`regie.messages.read` (safe parsing, schema, code
lists and the rules inside one message; BSNs pseudonymised while reading) and turns the
message into the records of :mod:`regie.intake.records`. A fault the reader ties to a record
rejects only that record; any other fault rejects the file.

The municipality is the receiver of a provider's message and the sender of an allocation.

:func:`arrival_of` finds a message's Dagtekening and number without reading the whole file,
so that an ingest can put files in arrival order before it reads them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from regie.intake.records import (
    AllocationRec,
    DeclarationRec,
    Fault,
    Incoming,
    Record,
    ReplyRec,
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
    RequestReply,
    StartProduct,
    StopProduct,
)
from regie.messages.reader import identify


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
        message, (Allocation, CareStart, CareStop, AllocationRequest, ChangeRequest, RequestReply, Declaration)
    ):
        incoming.faults.append(
            Fault("0001", f"{incoming.kind} is een antwoordbericht; Regie leest alleen heenberichten")
        )
    return incoming


_DECLARATION = re.compile(
    rb"^(?:\xef\xbb\xbf)?<\?xml\s+version\s*=\s*([\"'])1\.0\1(?:\s+encoding\s*=\s*([\"'])(?i:utf-8)\2)?"
    rb"(?:\s+standalone\s*=\s*([\"'])(?:yes|no)\3)?\s*\?>"
)
_NAME = rb"[A-Za-z_][\w.-]*"
_ROOT = re.compile(
    rb"\s*<(?:("
    + _NAME
    + rb"):)?Bericht((?:\s+"
    + _NAME
    + rb"(?::"
    + _NAME
    + rb")?\s*=\s*(?:\"[^\"<&]*\"|'[^'<&]*'))*)\s*>"
)
_ATTRIBUTE = re.compile(rb"(" + _NAME + rb"(?::" + _NAME + rb")?)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_DAGTEKENING = re.compile(rb"<(?:" + _NAME + rb":)?Dagtekening[\s/>]")
_DAGTEKENING_TEXT = re.compile(rb"<(?:" + _NAME + rb":)?Dagtekening>([^<&]*)</")


def arrival_of(raw: bytes) -> tuple[dt.date | None, str]:
    """The Dagtekening and message number (``"301"``...) of the XML ``raw``, as
    :func:`regie.messages.read` would find them: for every file it returns a message for, the
    result is that message's ``(header.dagtekening, header.message)``; for a file it cannot read,
    either ``(None, "")`` or whatever the header seems to say.

    Most files are read in a fraction of a parse: in a UTF-8 file whose text up to the first
    Dagtekening holds no comment, processing instruction, CDATA, DOCTYPE or entity, every ``<``
    opens a tag, so the root tag names the namespace and the first Dagtekening element is the
    header's (the schema puts BerichtIdentificatie in the header, before anything else with
    that name). Any other file is read whole with :func:`regie.messages.read`.

    >>> ns = "http://www.istandaarden.nl/ijw/3_2"
    >>> head = f"<?xml version='1.0' encoding='UTF-8'?><m:Bericht xmlns:m='{ns}/jw305/schema' xmlns:b='{ns}/basisschema/schema'>"
    >>> arrival_of((head + "<m:Header><m:BerichtIdentificatie><b:Identificatie>X</b:Identificatie>"
    ...             "<b:Dagtekening>2025-03-01</b:Dagtekening>").encode())
    (datetime.date(2025, 3, 1), '305')
    """
    found = _arrival_fast(raw)
    if found is not None:
        return found
    message = read(raw).message
    return (message.header.dagtekening, message.header.message) if message is not None else (None, "")


def _arrival_fast(raw: bytes) -> tuple[dt.date, str] | None:
    """:func:`arrival_of` from the bytes alone, or None when the file is not plain enough."""
    declaration = _DECLARATION.match(raw)
    if declaration is None and not raw.startswith(b"<"):
        return None
    start = declaration.end() if declaration else 0
    root = _ROOT.match(raw, start)
    if root is None:
        return None
    element = _DAGTEKENING.search(raw, root.end())
    if element is None:
        return None
    plain = raw[start : element.start()]
    if b"<!" in plain or b"<?" in plain or b"&" in plain:
        return None
    text = _DAGTEKENING_TEXT.match(raw, element.start())
    if text is None:
        return None
    prefix = root.group(1)
    namespaces = {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(root.group(2))
    }
    namespace = namespaces.get(b"xmlns:" + prefix if prefix else b"xmlns")
    if namespace is None:
        return None
    try:
        identified = identify(namespace.decode("ascii"))
        day = dt.date.fromisoformat(text.group(1).decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return None
    if identified is None:
        return None
    return day, identified[1]


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
    if isinstance(message, RequestReply):
        return [_reply(message)]
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
            provider_reference=p.provider_reference,
        )
        for p in client.products
    ]


def _starts(msg: CareStart) -> list[Record]:
    n = len(msg.client.products)
    return [StartRec(**_care_record(msg, p, i, n, "StartProduct")) for i, p in enumerate(msg.client.products)]


def _stops(msg: CareStop) -> list[Record]:
    n = len(msg.client.products)
    return [
        StopRec(**_care_record(msg, p, i, n, "StopProduct"), end=p.end, reason=p.end_reason)
        for i, p in enumerate(msg.client.products)
    ]


def _care_record(
    msg: CareStart | CareStop, p: StartProduct | StopProduct, i: int, n: int, element: str
) -> dict[str, Any]:
    """The fields a care start (305) and a care stop (307) record share."""
    return {
        "ref": record_ref(p.allocation_number, i, n, element),
        "municipality": msg.header.receiver,
        "provider": msg.header.sender,
        "client": msg.client.bsn,
        "allocation_number": p.allocation_number,
        "category": p.product.category if p.product else "",
        "code": p.product.code if p.product else None,
        "begin": p.start,
        "status": p.status,
    }


def _request(
    msg: AllocationRequest | ChangeRequest, kind: str, reference: str, product: Product | None, referrer: str | None
) -> RequestRec:
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
        referrer=referrer,
    )


def _requests(msg: AllocationRequest) -> list[Record]:
    return [_request(msg, "315", p.provider_reference, p.product, p.referrer.type) for p in msg.client.products]


def _change_requests(msg: ChangeRequest) -> list[Record]:
    return [_request(msg, "317", msg.client.provider_reference, p.product, None) for p in msg.client.new]


def _reply(msg: RequestReply) -> ReplyRec:
    """A 319 (municipality -> provider): it names the request by the provider's reference only."""
    h, answer = msg.header, msg.answer
    return ReplyRec(
        ref=answer.provider_reference,
        municipality=h.sender,
        provider=h.receiver,
        reference=answer.provider_reference,
        answer=answer.answer,
        refusal_reason=answer.refusal_reason,
    )


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
