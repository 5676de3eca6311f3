"""Stored traffic for tests: messages, declaration lines and signals with sensible defaults.

Each builder takes the fields a test cares about as keywords and fills in the rest, so a test
reads as what it is about. The defaults are one accepted message of the Venlo region (CBS
0983) from provider 12345678, in 2025.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import zlib
from typing import Any

from regie.traffic import models as m

MUNICIPALITY = "0983"
PROVIDER = "12345678"
DAY = dt.date(2025, 2, 5)

_keys = itertools.count(1)


def message(
    kind: str = "WMO323",
    *,
    sender: str = PROVIDER,
    receiver: str = MUNICIPALITY,
    day: dt.date = DAY,
    ident: str | None = None,
    raw: bytes | None = None,
    **fields: Any,
) -> m.Message:
    """A stored message of ``kind`` (``WMO323``, ``JW305``, ``CSV-objections`` ...) sent on
    ``day``; its content is a small stand-in unless ``raw`` is given, and its hash is that
    content's, so two calls with the same kind, sender, day and identification clash as
    the same file sent twice would."""
    ident = ident or f"{kind}-{sender}-{day:%Y%m%d}"
    raw = raw if raw is not None else f"<Bericht>{kind} {sender} {ident} {day}</Bericht>".encode()
    csv = kind.startswith("CSV")
    values: dict[str, Any] = {
        "file_name": f"{day:%Y-%m}/{day.isoformat()}_{kind}_{sender}_{ident}.xml",
        "kind": kind,
        "law": "" if csv else ("wmo" if kind.startswith("WMO") else "jw"),
        "code": "" if csv else kind[-3:],
        "sender": sender,
        "receiver": receiver,
        "identification": ident,
        "dagtekening": day,
        "content_hash": hashlib.sha256(raw).hexdigest(),
        "raw": zlib.compress(raw),
        "size": len(raw),
        "status": m.Message.Status.ACCEPTED,
        "records": 1,
    }
    values.update(fields)
    return m.Message.objects.create(**values)


def _declaration_message(provider: str, reference: str) -> m.Message:
    return message("WMO323", sender=provider, ident=f"D-{provider}-{reference}")


def declaration_line(
    message: m.Message | None = None,
    *,
    reference: str | None = None,
    provider: str = PROVIDER,
    care_month: dt.date = dt.date(2025, 1, 1),
    volume: int = 1,
    tariff: int | None = None,
    amount_cents: int | None = None,
    **fields: Any,
) -> m.DeclarationLine:
    """One accepted declaration line of ``provider`` for ``care_month`` (the whole month),
    ``volume`` units of ``tariff`` cents; in ``message`` or in a new declaration message."""
    reference = reference or f"R{next(_keys)}"
    if message is None:
        message = _declaration_message(provider, reference)
    month_end = (care_month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    values: dict[str, Any] = {
        "message": message,
        "line_id": f"{provider}|{reference}",
        "reference": reference,
        "provider": provider,
        "municipality": MUNICIPALITY,
        "segment": "WMO-IB",
        "client": "pseudo-0001",
        "product_category": "02",
        "product_code": "02A01",
        "period_begin": care_month,
        "period_end": month_end,
        "care_month": care_month,
        "volume": volume,
        "unit": "82",
        "tariff": tariff,
        "amount_cents": amount_cents if amount_cents is not None else volume * (tariff or 0),
        "arrival": message.dagtekening or DAY,
        "accepted": True,
        "retour_code": "0200",
    }
    values.update(fields)
    return m.DeclarationLine.objects.create(**values)


def signal(kind: str = m.Signal.Kind.LATE_DECLARATION, *, key: str | None = None, **fields: Any) -> m.Signal:
    """An open signal of ``kind`` for provider 12345678 in municipality 0983, raised today
    unless ``raised_on`` says otherwise; ``key`` is made unique when not given."""
    values: dict[str, Any] = {
        "kind": kind,
        "key": key or f"{kind}-{next(_keys)}",
        "provider": PROVIDER,
        "municipality": MUNICIPALITY,
        "raised_on": dt.date.today(),
    }
    values.update(fields)
    return m.Signal.objects.create(**values)
