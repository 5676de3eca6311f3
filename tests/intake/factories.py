"""Hand-made records at the door (regie.intake.records) and the small catalog they fit.

Every builder has the defaults of one client (``c1``) of provider :data:`PROV` in Venlo
(:data:`MUN`), on allocation ``A1`` for Wmo begeleiding (product 02A01) in 2025; a test
names only what it is about.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from regie.engine.catalog import Catalog, catalog_from_dict
from regie.intake.records import (
    AllocationRec,
    DeclarationRec,
    Incoming,
    ObjectionRec,
    ReplyRec,
    RequestRec,
    StartRec,
    StopRec,
)
from tests.catalog import factories as cat

D = dt.date
MUN, PROV, OTHER = "0983", "12345678", "87654321"


def catalog() -> Catalog:
    """Segments IB (per client, 02), BW (per client, 15) and JA (lump sum, 45); contracts of
    :data:`PROV` for IB and JA; :data:`OTHER` has none."""
    segments = [
        cat.segment("IB", name="Begeleiding", weight=2),
        cat.segment("BW", name="Beschermd wonen", weight=3, products=["15"]),
        cat.segment("JA", "lump_sum", name="Jeugd A", products=["45"]),
    ]
    contracts = [
        cat.contract("c1", PROV, "IB", agreed_clients=10, price_per_client=100000),
        cat.contract("c2", PROV, "JA", lump_sum=1000000),
    ]
    return catalog_from_dict(cat.catalog(segments, contracts, providers={PROV: "Noord", OTHER: "Zuid"}))


def incoming(arrival: dt.date, *records: object) -> Incoming:
    """A file arriving on ``arrival`` with ``records``."""
    return Incoming(file_name="f.xml", raw=b"", content_hash="h", kind="X", arrival=arrival, records=list(records))  # type: ignore[arg-type]


def alloc(
    number: str = "A1",
    end: dt.date | None = D(2025, 12, 31),
    volume: int | None = 10,
    frequency: str = "4",
    begin: dt.date = D(2025, 1, 1),
    client: str = "c1",
) -> AllocationRec:
    """An allocation (301 record) of ``volume`` hours (unit 04) per ``frequency``."""
    return AllocationRec(
        ref=number,
        municipality=MUN,
        provider=PROV,
        client=client,
        number=number,
        category="02",
        code="02A01",
        begin=begin,
        end=end,
        volume=volume,
        unit="04",
        frequency=frequency,
        budget=None,
        change_reason=None,
        allocated_on=begin,
    )


def decl(
    ref: str,
    month: int = 1,
    volume: int = 4,
    amount: int = 26000,
    number: str | None = "A1",
    category: str = "02",
    code: str = "02A01",
    unit: str = "04",
    previous: str | None = None,
) -> DeclarationRec:
    """A declaration line (323 record) for the whole of ``month`` 2025, tariff 65 euro."""
    begin = D(2025, month, 1)
    end = (begin.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return DeclarationRec(
        ref=ref,
        municipality=MUN,
        provider=PROV,
        client="c1",
        declaration_number="D1",
        reference=ref,
        previous_reference=previous,
        allocation_number=number,
        category=category,
        code=code,
        period_begin=begin,
        period_end=end,
        volume=volume,
        unit=unit,
        tariff=6500,
        amount_cents=amount,
    )


def start(
    number: str | None = "A1",
    begin: dt.date = D(2025, 1, 6),
    category: str = "02",
    code: str | None = "02A01",
    client: str = "c1",
) -> StartRec:
    """A start of care (305 record); ``number=None`` for care without an allocation."""
    return StartRec(
        ref=number or "S",
        municipality=MUN,
        provider=PROV,
        client=client,
        allocation_number=number,
        category=category,
        code=code,
        begin=begin,
    )


def stop(
    number: str | None = "A1",
    begin: dt.date = D(2025, 1, 6),
    end: dt.date = D(2025, 6, 30),
    category: str = "02",
    code: str | None = "02A01",
) -> StopRec:
    """A stop of care (307 record) with end reason 19."""
    return StopRec(
        ref=number or "S",
        municipality=MUN,
        provider=PROV,
        client="c1",
        allocation_number=number,
        category=category,
        code=code,
        begin=begin,
        end=end,
        reason="19",
    )


def request(ref: str = "V1", day: dt.date = D(2025, 1, 2), client: str = "c1", kind: str = "315") -> RequestRec:
    """A request for an allocation (315, or 317 with ``kind``) registered on ``day``."""
    return RequestRec(
        ref=ref,
        kind=kind,
        request_id=f"{PROV}|{ref}",
        municipality=MUN,
        provider=PROV,
        client=client,
        category="02",
        code="02A01",
        segment=None,
        registered=day,
    )


def reply(ref: str = "V1", answer: str = "1", reason: str | None = "3", provider: str = PROV) -> ReplyRec:
    """A reply to a request (319 record): ``answer`` 1 refuses it, for ``reason``."""
    return ReplyRec(ref=ref, municipality=MUN, provider=provider, reference=ref, answer=answer, refusal_reason=reason)


def granting(ref: str = "V1", client: str = "c1", begin: dt.date = D(2025, 2, 1)) -> AllocationRec:
    """An allocation that names request ``ref``: it grants that request."""
    return dataclasses.replace(alloc(begin=begin, client=client), provider_reference=ref)


def objection(
    decided: dt.date | None = None, upheld: bool | None = None, filed: dt.date = D(2025, 2, 1)
) -> ObjectionRec:
    """Objection (bezwaar) B1 of client c1 against segment IB, from row 2 of a CSV file."""
    return ObjectionRec(
        ref="rij 2",
        objection_id="B1",
        municipality=MUN,
        segment="IB",
        provider=None,
        client="c1",
        kind="bezwaar",
        filed=filed,
        decided=decided,
        upheld=upheld,
    )
